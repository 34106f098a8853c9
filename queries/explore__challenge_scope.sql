-- Explore page: how many challenges match the council / type / region / year filters, how many of them
-- have recommendations recorded, and for how many we hold fewer recommendations than the report made.
-- The rows are those of explore__challenges (the same macro, queries/macros/explore_challenge_rows.sql,
-- selects them). Count once: a joint challenge (report_group) is one challenge, as on the overview.
WITH grp AS (
    SELECT c.report_group,
           any_value(c.recommendations_total) AS made,
           max(coalesce(c.recommendations_recorded, 0)) AS recorded
    FROM explore_challenge_rows($councils, $council_types, $regions, $year_from, $year_to) c  -- queries/macros
    GROUP BY c.report_group
)
SELECT count(*) AS challenges,
       count(*) FILTER (WHERE recorded > 0) AS with_recommendations,
       count(*) FILTER (WHERE made > recorded) AS fewer_than_made
FROM grp
