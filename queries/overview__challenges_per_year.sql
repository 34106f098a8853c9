-- Challenges per on-site year and council type, over the challenges that pass the shared filters
-- ($council_types, $regions lists; $year_from, $year_to). year is NULL for challenges with no known date.
SELECT year(c.onsite_start) AS year, co.council_type, count(*) AS challenges
FROM challenges c
JOIN councils co USING (council_id)
WHERE ($council_types IS NULL OR len($council_types) = 0 OR co.council_type IN (SELECT unnest($council_types)))
  AND ($regions IS NULL OR len($regions) = 0 OR co.region IN (SELECT unnest($regions)))
  AND ($year_from IS NULL OR year(c.onsite_start) >= $year_from)
  AND ($year_to IS NULL OR year(c.onsite_start) <= $year_to)
GROUP BY ALL
ORDER BY year NULLS LAST, co.council_type
