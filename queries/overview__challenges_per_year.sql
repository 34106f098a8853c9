-- Challenges per on-site year and council type, over the challenges that pass the shared filters
-- ($council_types, $regions lists; $year_from, $year_to). year is NULL for challenges with no known date.
-- A joint challenge (one report_group) counts once.
SELECT year(c.onsite_start) AS year, co.council_type, count(DISTINCT c.report_group) AS challenges
FROM challenges c
JOIN councils co USING (council_id)
WHERE (coalesce(len(CAST($council_types AS VARCHAR[])), 0) = 0 OR list_contains(CAST($council_types AS VARCHAR[]), co.council_type))
  AND (coalesce(len(CAST($regions AS VARCHAR[])), 0) = 0 OR list_contains(CAST($regions AS VARCHAR[]), co.region))
  AND ($year_from IS NULL OR year(c.onsite_start) >= $year_from)
  AND ($year_to IS NULL OR year(c.onsite_start) <= $year_to)
GROUP BY ALL
ORDER BY year NULLS LAST, co.council_type
