-- How many challenges the shared filters select, and how many of them have recommendations recorded
-- (the denominator of every "share of challenges" on the Themes page), by on-site year, council type
-- and region. A joint challenge (one report: report_group) counts once, under its lead council.
-- challenges_with_recommendations: at least one record that is one recommendation with its own wording
-- (what theme shares count); challenges_with_records_only_other: records held, but only placeholders,
-- headings or focus areas (left out of theme shares, and the page says so).
-- Optional filters (lists; empty or NULL = no filter; on the command line write [district, unitary]):
-- $council_types, $regions, $year_from, $year_to.
WITH kinds AS (
    SELECT c2.report_group, bool_or(r.record_kind IN ('recommendation', 'inferred')) AS has_recommendations,
           count(*) > 0 AS has_records
    FROM recommendations r JOIN challenges c2 USING (challenge_id)
    GROUP BY c2.report_group
)
SELECT year(c.onsite_start) AS year, co.council_type, co.region,
       count(*) AS challenges,
       count(*) FILTER (WHERE coalesce(k.has_recommendations, FALSE)) AS challenges_with_recommendations,
       count(*) FILTER (WHERE coalesce(k.has_records, FALSE) AND NOT k.has_recommendations)
           AS challenges_with_records_only_other
FROM challenges c
JOIN councils co USING (council_id)
LEFT JOIN kinds k ON k.report_group = c.report_group
WHERE c.challenge_id = c.report_group
  AND ($council_types IS NULL OR len(CAST($council_types AS VARCHAR[])) = 0 OR co.council_type IN (SELECT unnest(CAST($council_types AS VARCHAR[]))))
  AND ($regions IS NULL OR len(CAST($regions AS VARCHAR[])) = 0 OR co.region IN (SELECT unnest(CAST($regions AS VARCHAR[]))))
  AND ($year_from IS NULL OR year(c.onsite_start) >= $year_from)
  AND ($year_to IS NULL OR year(c.onsite_start) <= $year_to)
GROUP BY ALL
ORDER BY ALL
