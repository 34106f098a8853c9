-- Explore page / export: one row per recommendation with its latest status (and who assessed it), slippage and
-- source links, filtered. Every filter is optional (NULL or an empty list = no filter):
-- $councils, $council_types, $regions (lists), $year_from, $year_to (on-site year, inclusive),
-- $themes (core themes), $topics (any of), $statuses (latest status; 'not_reported' = no status),
-- $buckets (slippage bucket), $kinds (record kind: recommendation, inferred, heading_or_group, ...), $search (text; case-insensitive substring of number, title or full text).
SELECT s.council_name, s.challenge_month, s.number, s.title,
       s.latest_status, s.latest_as_of, s.latest_as_of_precision, s.latest_assessed_by, s.latest_peer_view, s.latest_rag,
       s.target_raw, s.target_date, s.target_precision, s.revised_target, s.revised_target_precision,
       s.completed_on, s.slippage_days, s.slippage_days_min, s.slippage_days_max, s.slippage_bucket,
       s.core_theme, s.topics, r.text, s.accountable, s.responsible, s.record_flag, s.record_kind, s.stands_for, s.updates_count,
       src.url AS source_url, lsrc.url AS status_source_url,
       s.council_id, s.council_type, s.region, s.challenge_id, s.challenge_year, s.recommendation_id,
       r.source_id, s.latest_source_id
FROM recommendation_status s
JOIN recommendations r ON r.recommendation_id = s.recommendation_id
LEFT JOIN sources src ON src.source_id = r.source_id
LEFT JOIN sources lsrc ON lsrc.source_id = s.latest_source_id
WHERE ($councils IS NULL OR len($councils) = 0 OR s.council_id IN (SELECT unnest($councils)))
  AND ($council_types IS NULL OR len($council_types) = 0 OR s.council_type IN (SELECT unnest($council_types)))
  AND ($regions IS NULL OR len($regions) = 0 OR s.region IN (SELECT unnest($regions)))
  AND ($year_from IS NULL OR s.challenge_year >= $year_from)
  AND ($year_to IS NULL OR s.challenge_year <= $year_to)
  AND ($themes IS NULL OR len($themes) = 0 OR s.core_theme IN (SELECT unnest($themes)))
  AND ($topics IS NULL OR len($topics) = 0 OR list_has_any(s.topics, $topics))
  AND ($statuses IS NULL OR len($statuses) = 0 OR coalesce(s.latest_status, 'not_reported') IN (SELECT unnest($statuses)))
  AND ($buckets IS NULL OR len($buckets) = 0 OR s.slippage_bucket IN (SELECT unnest($buckets)))
  AND ($kinds IS NULL OR len($kinds) = 0 OR s.record_kind IN (SELECT unnest($kinds)))
  AND ($search IS NULL OR contains(lower(concat_ws(' ', s.number, s.title, r.text)), lower($search)))
ORDER BY s.council_name, s.challenge_month NULLS FIRST, s.challenge_id, s.seq
LIMIT $limit  -- the page shows the first rows only ($limit); exports and counts leave it NULL (all rows)
