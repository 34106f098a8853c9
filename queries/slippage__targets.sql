-- Recommendations of a selection with a dated original target, for the Slippage page's range chart and
-- table: the $limit (NULL = all) with the most slippage first (days past the original target; those not
-- measurable last), then in the challenge's order. The count in all is slippage__summary's with_target.
-- Optional filters (NULL = no filter; lists empty = no filter): $council_types, $regions, $year_from, $year_to,
-- $council_id, and the theme: $core_theme, or $topic_tags (a list: the topic tags as stored that map onto
-- the chosen topic; a recommendation matches when it carries any of them).
SELECT s.recommendation_id, s.council_id, s.council_name, s.challenge_id, s.challenge_month, s.seq, s.number,
       s.title, s.target_raw, s.target_date, s.target_precision, s.revised_target, s.revised_target_precision,
       s.completed_on, s.latest_status, s.latest_as_of, s.latest_as_of_precision, s.latest_assessed_by,
       s.is_open, s.slippage_days, s.slippage_bucket
FROM recommendation_status s
WHERE ($council_types IS NULL OR len(CAST($council_types AS VARCHAR[])) = 0 OR list_contains(CAST($council_types AS VARCHAR[]), s.council_type))
  AND ($regions IS NULL OR len(CAST($regions AS VARCHAR[])) = 0 OR list_contains(CAST($regions AS VARCHAR[]), s.region))
  AND ($year_from IS NULL OR s.challenge_year >= $year_from)
  AND ($year_to IS NULL OR s.challenge_year <= $year_to)
  AND ($council_id IS NULL OR s.council_id = $council_id)
  AND ($core_theme IS NULL OR s.core_theme = $core_theme)
  AND ($topic_tags IS NULL OR list_has_any(s.topics, CAST($topic_tags AS VARCHAR[])))
  AND s.target_date IS NOT NULL
ORDER BY s.slippage_days DESC NULLS LAST, s.council_id, s.challenge_id, s.seq
LIMIT $limit
