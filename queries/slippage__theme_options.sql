-- The themes present in a selection, for the Slippage page's theme picker: every core element and every
-- topic tag as stored (the page maps tags onto the taxonomy's topic ids). A few dozen rows at any scale.
-- Optional filters (NULL = no filter; lists empty = no filter): $council_types, $regions, $year_from,
-- $year_to, $council_id.
WITH s AS (
    SELECT s.core_theme, s.topics
    FROM recommendation_status s
    WHERE ($council_types IS NULL OR len(CAST($council_types AS VARCHAR[])) = 0 OR list_contains(CAST($council_types AS VARCHAR[]), s.council_type))
      AND ($regions IS NULL OR len(CAST($regions AS VARCHAR[])) = 0 OR list_contains(CAST($regions AS VARCHAR[]), s.region))
      AND ($year_from IS NULL OR s.challenge_year >= $year_from)
      AND ($year_to IS NULL OR s.challenge_year <= $year_to)
      AND ($council_id IS NULL OR s.council_id = $council_id)
)
SELECT 'core' AS kind, core_theme AS value FROM s WHERE core_theme IS NOT NULL GROUP BY core_theme
UNION ALL
SELECT 'topic' AS kind, tag AS value FROM (SELECT unnest(topics) AS tag FROM s) WHERE tag IS NOT NULL GROUP BY tag
ORDER BY kind, value
