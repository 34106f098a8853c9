-- The themes present in a selection, for the Slippage page's theme picker: every core element and every
-- topic tag as stored (the page maps tags onto the taxonomy's topic ids). A few dozen rows at any scale.
-- Optional filters (NULL = no filter; lists empty = no filter): $council_types, $regions, $year_from,
-- $year_to, $council_id.
WITH s AS (
    SELECT s.core_theme, s.topics
    FROM themed_selection($council_types, $regions, $year_from, $year_to, $council_id, NULL, NULL) s
)
SELECT 'core' AS kind, core_theme AS value FROM s WHERE core_theme IS NOT NULL GROUP BY core_theme
UNION ALL
SELECT 'topic' AS kind, tag AS value FROM (SELECT unnest(topics) AS tag FROM s) WHERE tag IS NOT NULL GROUP BY tag
ORDER BY kind, value
