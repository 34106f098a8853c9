-- The Slippage page's delivery figures for a selection, aggregated in SQL: one total row (is_total = 1)
-- and one row per reason slippage cannot be measured (why_not_measured; NULL = measurable), each with
-- counts of recommendations, with a dated original target, measured, completed on time / late, open and
-- overdue (with the median days overdue), how many councils the recommendations and the measured ones are at, and, among those with a dated target, how many have a revised
-- target, were reported complete, or are still open at a dated update. why_not_measured is worded as in
-- slippage__recommendations.
-- Optional filters (NULL = no filter; lists empty = no filter): $council_types, $regions, $year_from, $year_to,
-- $council_id, and the theme: $core_theme, or $topic_tags (a list: the topic tags as stored that map onto
-- the chosen topic; a recommendation matches when it carries any of them).
WITH s AS (
    SELECT s.*,
           why_not_measured(s.slippage_days, s.target_date, s.target_raw, s.latest_status) AS why_not_measured,
           {'c': s.council_id, 'h': s.challenge_id, 's': s.seq} AS row_order
    FROM themed_selection($council_types, $regions, $year_from, $year_to, $council_id, $core_theme, $topic_tags) s
)
SELECT grouping(why_not_measured) AS is_total, why_not_measured,
       count(*) AS recommendations,
       count(target_date) AS with_target,
       count(slippage_days) AS measured,
       count(DISTINCT council_id) AS councils,
       count(DISTINCT council_id) FILTER (WHERE slippage_days IS NOT NULL) AS measured_councils,
       count(DISTINCT council_id) FILTER (WHERE slippage_bucket = 'open_overdue') AS overdue_councils,
       count(*) FILTER (WHERE slippage_bucket = 'on_time') AS on_time,
       count(*) FILTER (WHERE slippage_bucket = 'late') AS late,
       count(*) FILTER (WHERE slippage_bucket = 'open_overdue') AS open_overdue,
       median(slippage_days) FILTER (WHERE slippage_bucket = 'open_overdue') AS overdue_median_days,
       count(*) FILTER (WHERE target_date IS NOT NULL AND revised_target IS NOT NULL) AS targeted_revised,
       count(*) FILTER (WHERE target_date IS NOT NULL AND completed_on IS NOT NULL) AS targeted_done,
       count(*) FILTER (WHERE target_date IS NOT NULL AND completed_on IS NULL AND latest_as_of IS NOT NULL
                              AND coalesce(is_open, FALSE)) AS targeted_open,
       min(row_order) AS first_row
FROM s
GROUP BY GROUPING SETS ((), (why_not_measured))
ORDER BY is_total DESC, recommendations DESC, first_row
