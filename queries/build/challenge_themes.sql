-- Derived at build time: one row per challenge and theme it raised, with how many of its recorded
-- recommendations carry the theme. level 'core' = the recommendation's CPC core element; level
-- 'topic' = a taxonomy topic (a recommendation counts once under each of its topics).
-- theme_counts aggregates this table instead of re-reading (and unnesting) every recommendation.
-- Only records that are one recommendation with its own wording count (counts_as_recommendation):
-- placeholders, headings and focus areas are left out (recommendation_status says how many).
WITH tagged AS (
    SELECT 'core' AS level, core_theme AS theme, challenge_id, council_id, council_type, region, challenge_year
    FROM recommendation_status WHERE core_theme IS NOT NULL AND counts_as_recommendation
    UNION ALL
    SELECT 'topic' AS level, unnest(topics) AS theme, challenge_id, council_id, council_type, region, challenge_year
    FROM recommendation_status WHERE counts_as_recommendation
)
SELECT level, theme, challenge_id, any_value(council_id) AS council_id, any_value(council_type) AS council_type,
       any_value(region) AS region, any_value(challenge_year) AS challenge_year, count(*) AS recommendations
FROM tagged
GROUP BY level, theme, challenge_id
ORDER BY level, theme, council_id, challenge_id
