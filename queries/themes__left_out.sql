-- The records of a selection that theme counts leave out because they are not one recommendation with its
-- own wording (record_kind placeholder, heading_or_group, focus_area), by kind, with how many recommendations
-- they stand for where the source says (stands_for). The Themes page says so under its figures.
-- Optional filters (lists; empty or NULL = no filter): $council_types, $regions, $year_from, $year_to.
SELECT record_kind, count(*) AS records, count(DISTINCT challenge_id) AS challenges,
       CAST(sum(stands_for) AS BIGINT) AS stands_for, count(stands_for) AS with_stands_for
FROM recommendation_selection($council_types, $regions, $year_from, $year_to, NULL, NULL, NULL)
WHERE NOT counts_as_recommendation
GROUP BY record_kind
ORDER BY records DESC, record_kind
