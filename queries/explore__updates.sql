-- Explore page / export: the progress history — one row per recorded update — of the recommendations
-- that match the filters (same parameters and meanings as explore__recommendations; $statuses and
-- $buckets select recommendations by their LATEST status / slippage bucket, so a recommendation's
-- whole history is kept together; $kinds by the recommendation's record kind). $search also matches the update's note and status as written.
SELECT s.council_name, s.challenge_month, s.number AS recommendation_number, s.title AS recommendation_title,
       u.as_of, u.as_of_precision, u.status, u.status_raw, u.rag, u.assessed_by, u.peer_view,
       u.revised_target, u.revised_target_precision, u.note, src.url AS source_url, s.core_theme,
       s.council_id, s.council_type, s.region, s.challenge_id, s.challenge_year, s.recommendation_id,
       u.update_id, u.source_id
FROM updates u
JOIN recommendation_status s ON s.recommendation_id = u.recommendation_id
JOIN recommendations r ON r.recommendation_id = u.recommendation_id
LEFT JOIN sources src ON src.source_id = u.source_id
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
  AND ($search IS NULL OR contains(lower(concat_ws(' ', s.number, s.title, r.text, u.status_raw, u.note)), lower($search)))
ORDER BY s.council_name, s.challenge_month NULLS FIRST, s.challenge_id, s.seq, u.as_of NULLS FIRST, u.seq
LIMIT $limit  -- the page shows the first rows only ($limit); exports and counts leave it NULL (all rows)
