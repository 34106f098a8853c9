-- How often each theme is raised among the recommendations the shared filters select, for the Themes
-- page's shares, metrics and theme lists: one row per breakdown ('none' = all challenges together
-- [grp 'All'], 'challenge_year', 'council_type', 'region'), group (grp, as text; rows with no value for
-- the breakdown are left out), level and theme. level 'core' = core element (none recorded =
-- $not_tagged), 'topic' = topic (each tag mapped through $tag_from -> $tag_to, the taxonomy's
-- canonical ids; unmapped tags kept; a recommendation counts once per topic), 'all' = every
-- recommendation (theme NULL: the denominators). Only records that are one recommendation with its own
-- wording count (counts_as_recommendation); themes__left_out says how many others the selection holds. challenges / recommendations / councils = distinct
-- challenges, recommendations and councils with the theme in the group.
-- Optional filters (lists; empty or NULL = no filter): $council_types, $regions, $year_from, $year_to.
WITH challenge_groups AS (  -- a challenge has one council, year, council type and region
    SELECT row_number() OVER (ORDER BY challenge_id) AS cid, dense_rank() OVER (ORDER BY council_id) AS council, *
    FROM (SELECT DISTINCT challenge_id, council_id, CAST(challenge_year AS VARCHAR) AS challenge_year,
                 council_type, region
          FROM recommendation_status)
),
recs AS (  -- the selected recommendations, with compact keys (a hash of the id; the challenge's number)
    SELECT hash(s.recommendation_id) AS rid, g.cid, s.core_theme, s.topics
    FROM themed_selection($council_types, $regions, $year_from, $year_to, NULL, NULL, NULL) s
    JOIN challenge_groups g USING (challenge_id)
),
tag_map AS (
    SELECT unnest(CAST($tag_from AS VARCHAR[])) AS tag, unnest(CAST($tag_to AS VARCHAR[])) AS topic
),
aliased AS (  -- does the map send any tag onto another one? (only then can two tags become one topic)
    SELECT count(*) > 0 AS yes FROM tag_map WHERE topic IS DISTINCT FROM tag
),
rec_topics AS (  -- one row per recommendation and topic it raises
    SELECT cid, tag AS theme
    FROM (SELECT cid, unnest(list_distinct(topics)) AS tag FROM recs)
    WHERE tag IS NOT NULL AND NOT (SELECT yes FROM aliased)
    UNION ALL
    SELECT DISTINCT ON (t.rid, t.cid, coalesce(m.topic, t.tag)) t.cid, coalesce(m.topic, t.tag)
    FROM (SELECT rid, cid, unnest(topics) AS tag FROM recs) t
    LEFT JOIN tag_map m ON m.tag = t.tag
    WHERE t.tag IS NOT NULL AND (SELECT yes FROM aliased)
),
per_challenge AS (  -- per challenge and theme: how many of its recommendations raise it
    SELECT cid, 'all' AS level, CAST(NULL AS VARCHAR) AS theme, count(*) AS n FROM recs GROUP BY ALL
    UNION ALL
    SELECT cid, 'core', coalesce(core_theme, $not_tagged), count(*) FROM recs GROUP BY ALL
    UNION ALL
    SELECT cid, 'topic', theme, count(*) FROM rec_topics GROUP BY ALL
),
-- per theme, council and year; then per theme and council (a council has one type and region): the
-- number of rows is then the number of distinct councils, with no DISTINCT aggregate to hold in memory
per_council_year AS MATERIALIZED (
    SELECT p.level, p.theme, g.council, g.challenge_year, any_value(g.council_type) AS council_type,
           any_value(g.region) AS region, count(*) AS challenges, sum(p.n) AS recommendations
    FROM per_challenge p
    JOIN challenge_groups g USING (cid)
    GROUP BY p.level, p.theme, g.council, g.challenge_year
),
per_council AS MATERIALIZED (
    SELECT level, theme, council, any_value(council_type) AS council_type, any_value(region) AS region,
           sum(challenges) AS challenges, sum(recommendations) AS recommendations
    FROM per_council_year
    GROUP BY level, theme, council
),
grouped AS (
    SELECT 7 AS gs, level, theme, NULL AS challenge_year, NULL AS council_type, NULL AS region,
           sum(challenges) AS challenges, sum(recommendations) AS recommendations, count(*) AS councils
    FROM per_council GROUP BY level, theme
    UNION ALL
    SELECT 3, level, theme, challenge_year, NULL, NULL, sum(challenges), sum(recommendations), count(*)
    FROM per_council_year GROUP BY level, theme, challenge_year
    UNION ALL
    SELECT 5, level, theme, NULL, council_type, NULL, sum(challenges), sum(recommendations), count(*)
    FROM per_council GROUP BY level, theme, council_type
    UNION ALL
    SELECT 6, level, theme, NULL, NULL, region, sum(challenges), sum(recommendations), count(*)
    FROM per_council GROUP BY level, theme, region
)
SELECT CASE gs WHEN 7 THEN 'none' WHEN 3 THEN 'challenge_year' WHEN 5 THEN 'council_type' ELSE 'region' END AS breakdown,
       CASE gs WHEN 7 THEN 'All' WHEN 3 THEN challenge_year WHEN 5 THEN council_type ELSE region END AS grp,
       level, theme, CAST(challenges AS BIGINT) AS challenges, CAST(recommendations AS BIGINT) AS recommendations,
       CAST(councils AS BIGINT) AS councils
FROM grouped
WHERE gs = 7 OR (gs = 3 AND challenge_year IS NOT NULL) OR (gs = 5 AND council_type IS NOT NULL)
   OR (gs = 6 AND region IS NOT NULL)
ORDER BY breakdown, grp, level, theme NULLS FIRST
