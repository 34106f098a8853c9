-- How often each theme is raised, by on-site year, council type and region.
-- level 'core' = the CPC core element; level 'topic' = a taxonomy topic (one row per topic raised).
-- challenges_with_recommendations is the denominator for "share of challenges raising it" in the
-- same year / type / region cell. Optional filters: $level, $council_type, $region, $year_from, $year_to.
-- Reads the build-time roll-ups challenge_themes (one row per challenge and theme) and challenge_status
-- (one row per challenge), both made from recommendation_status.
WITH themes AS (
    SELECT * FROM challenge_themes
    WHERE ($level IS NULL OR level = $level)
      AND ($council_type IS NULL OR council_type = $council_type)
      AND ($region IS NULL OR region = $region)
      AND ($year_from IS NULL OR challenge_year >= $year_from)
      AND ($year_to IS NULL OR challenge_year <= $year_to)
),
denominators AS (
    SELECT challenge_year AS year, council_type, region, count(*) AS challenges_with_recommendations
    FROM challenge_status
    WHERE recommendations > 0
      AND ($council_type IS NULL OR council_type = $council_type)
      AND ($region IS NULL OR region = $region)
      AND ($year_from IS NULL OR challenge_year >= $year_from)
      AND ($year_to IS NULL OR challenge_year <= $year_to)
    GROUP BY ALL
),
counts AS (
    SELECT level, theme, challenge_year AS year, council_type, region,
           count(DISTINCT council_id) AS councils, count(*) AS challenges, sum(recommendations) AS recommendations
    FROM themes GROUP BY ALL
)
SELECT t.level, t.theme, t.year, t.council_type, t.region, t.councils, t.challenges,
       CAST(t.recommendations AS BIGINT) AS recommendations, d.challenges_with_recommendations
FROM counts t
JOIN denominators d ON d.year IS NOT DISTINCT FROM t.year AND d.council_type = t.council_type AND d.region = t.region
ORDER BY t.level, t.theme, t.year, t.council_type, t.region
