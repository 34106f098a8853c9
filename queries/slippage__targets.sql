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
FROM themed_selection($council_types, $regions, $year_from, $year_to, $council_id, $core_theme, $topic_tags) s
WHERE s.target_date IS NOT NULL
ORDER BY s.slippage_days DESC NULLS LAST, s.council_id, s.challenge_id, s.seq
LIMIT $limit
