-- The records of a Slippage selection that its figures leave out because they are not one recommendation with
-- its own wording (placeholders, headings or groups, focus areas), by kind. Same filters as slippage__summary:
-- $council_types, $regions, $year_from, $year_to, $council_id, $core_theme, $topic_tags (NULL / empty = none).
SELECT record_kind, count(*) AS records
FROM recommendation_selection($council_types, $regions, $year_from, $year_to, $council_id, $core_theme, $topic_tags)
WHERE NOT counts_as_recommendation
GROUP BY record_kind
ORDER BY records DESC, record_kind
