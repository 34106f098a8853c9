-- How many challenges the shared filters select, and how many of them have recommendations recorded
-- (the denominator of every "share of challenges" on the Themes page), by on-site year, council type
-- and region. Optional filters (lists; empty or NULL = no filter; on the command line
-- write [district, unitary]): $council_types, $regions, $year_from, $year_to.
SELECT year(c.onsite_start) AS year, co.council_type, co.region,
       count(*) AS challenges,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM recommendations r WHERE r.challenge_id = c.challenge_id))
           AS challenges_with_recommendations
FROM challenges c
JOIN councils co USING (council_id)
WHERE ($council_types IS NULL OR len(CAST($council_types AS VARCHAR[])) = 0 OR co.council_type IN (SELECT unnest(CAST($council_types AS VARCHAR[]))))
  AND ($regions IS NULL OR len(CAST($regions AS VARCHAR[])) = 0 OR co.region IN (SELECT unnest(CAST($regions AS VARCHAR[]))))
  AND ($year_from IS NULL OR year(c.onsite_start) >= $year_from)
  AND ($year_to IS NULL OR year(c.onsite_start) <= $year_to)
GROUP BY ALL
ORDER BY ALL
