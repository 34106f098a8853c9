-- How often each theme is raised, by on-site year, council type and region.
-- level 'core' = the CPC core element; level 'topic' = a taxonomy topic (one row per topic raised).
-- challenges_with_recommendations is the denominator for "share of challenges raising it" in the
-- same year / type / region cell. Optional filters: $level, $council_type, $region, $year_from, $year_to.
WITH recs AS (
    SELECT * FROM recommendation_status
    WHERE ($council_type IS NULL OR council_type = $council_type)
      AND ($region IS NULL OR region = $region)
      AND ($year_from IS NULL OR challenge_year >= $year_from)
      AND ($year_to IS NULL OR challenge_year <= $year_to)
),
tagged AS (
    SELECT 'core' AS level, core_theme AS theme, * EXCLUDE (core_theme) FROM recs WHERE core_theme IS NOT NULL
    UNION ALL
    SELECT 'topic' AS level, unnest(topics) AS theme, * EXCLUDE (core_theme) FROM recs
),
denominators AS (
    SELECT challenge_year AS year, council_type, region, count(DISTINCT challenge_id) AS challenges_with_recommendations
    FROM recs GROUP BY ALL
)
SELECT t.level, t.theme, t.challenge_year AS year, t.council_type, t.region,
       count(DISTINCT t.council_id) AS councils,
       count(DISTINCT t.challenge_id) AS challenges,
       count(*) AS recommendations,
       d.challenges_with_recommendations
FROM tagged t
JOIN denominators d ON d.year IS NOT DISTINCT FROM t.challenge_year AND d.council_type = t.council_type AND d.region = t.region
WHERE ($level IS NULL OR t.level = $level)
GROUP BY t.level, t.theme, t.challenge_year, t.council_type, t.region, d.challenges_with_recommendations
ORDER BY t.level, t.theme, year, t.council_type, t.region
