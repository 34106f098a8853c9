-- Recommendations per council x theme for the $top_n councils with most recommendations recorded in the
-- selection (ties by name), every theme raised among them in every row (zeros included): council_id,
-- council_name, theme, recommendations, council_total. $level 'core' = core element (none recorded =
-- $not_tagged); 'topic' = topics (tags mapped through $tag_from -> $tag_to; unmapped tags kept; a
-- recommendation counts once per topic). Optional filters: $council_types, $regions, $year_from, $year_to.
WITH recs AS (
    SELECT s.recommendation_id, s.council_id, s.council_name, s.core_theme, s.topics
    FROM themed_selection($council_types, $regions, $year_from, $year_to, NULL, NULL, NULL) s
),
totals AS (
    SELECT council_id, council_name, count(*) AS council_total
    FROM recs
    GROUP BY council_id, council_name
    ORDER BY council_total DESC, council_name, council_id
    LIMIT $top_n
),
tag_map AS (
    SELECT unnest(CAST($tag_from AS VARCHAR[])) AS tag, unnest(CAST($tag_to AS VARCHAR[])) AS topic
),
tags AS (
    SELECT r.recommendation_id, r.council_id, unnest(r.topics) AS tag
    FROM recs r
    WHERE r.council_id IN (SELECT council_id FROM totals)
),
long AS (
    SELECT recommendation_id, council_id, coalesce(core_theme, $not_tagged) AS theme
    FROM recs
    WHERE $level = 'core' AND council_id IN (SELECT council_id FROM totals)
    UNION
    SELECT t.recommendation_id, t.council_id, coalesce(m.topic, t.tag)
    FROM tags t
    LEFT JOIN tag_map m ON m.tag = t.tag
    WHERE $level = 'topic' AND t.tag IS NOT NULL
),
counts AS (
    SELECT council_id, theme, count(*) AS recommendations FROM long GROUP BY ALL
)
SELECT t.council_id, t.council_name, th.theme, coalesce(c.recommendations, 0) AS recommendations, t.council_total
FROM totals t
CROSS JOIN (SELECT DISTINCT theme FROM long) th
LEFT JOIN counts c ON c.council_id = t.council_id AND c.theme = th.theme
ORDER BY t.council_total DESC, t.council_name, t.council_id, th.theme
