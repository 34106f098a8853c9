-- Measurable recommendations of a selection for the Slippage page's dot plot, grouped by $group_by
-- ('core_theme' or 'council_type', in column grp): every one when a group has at most $per_group
-- (NULL = no limit), otherwise a fixed pseudo-random sample of $per_group (the lowest hashes of the id,
-- taken from a cheap hash pre-filter about four times that size) plus the group's earliest and latest.
-- group_n is the group's full count and total the selection's.
-- Optional filters (NULL = no filter; lists empty = no filter): $council_types, $regions, $year_from, $year_to,
-- $council_id, and the theme: $core_theme, or $topic_tags (a list: the topic tags as stored that map onto
-- the chosen topic; a recommendation matches when it carries any of them).
WITH m AS (
    SELECT s.recommendation_id, s.slippage_days,
           CASE WHEN $group_by = 'council_type' THEN s.council_type ELSE s.core_theme END AS grp,
           hash(s.recommendation_id) AS h
    FROM themed_selection($council_types, $regions, $year_from, $year_to, $council_id, $core_theme, $topic_tags) s
    WHERE s.slippage_days IS NOT NULL
), g AS (
    SELECT grp, count(*) AS group_n,
           arg_min(recommendation_id, (slippage_days, recommendation_id)) AS lo_id,
           arg_max(recommendation_id, (slippage_days, recommendation_id)) AS hi_id
    FROM m
    GROUP BY grp
), picked AS (
    SELECT m.recommendation_id, m.grp, g.group_n
    FROM m
    JOIN g ON m.grp IS NOT DISTINCT FROM g.grp
    WHERE $per_group IS NULL OR g.group_n <= $per_group OR m.recommendation_id IN (g.lo_id, g.hi_id)
       OR m.h % 1000003 < 4 * $per_group * 1000003 // g.group_n
    QUALIFY $per_group IS NULL OR m.recommendation_id IN (g.lo_id, g.hi_id)
         OR row_number() OVER (PARTITION BY m.grp ORDER BY m.h, m.recommendation_id) <= $per_group
)
SELECT s.recommendation_id, s.council_id, s.challenge_id, s.seq, s.council_name, s.number, s.title,
       s.slippage_days, s.slippage_bucket, p.grp, p.group_n, (SELECT CAST(sum(group_n) AS BIGINT) FROM g) AS total
FROM recommendation_status s
JOIN picked p USING (recommendation_id)
ORDER BY s.council_id, s.challenge_id, s.seq
