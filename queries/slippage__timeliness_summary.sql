-- Process timeliness of a selection for the Slippage page, aggregated in SQL (the figures of
-- analysis_charts.timeliness_summary over process_timeliness rows): one row per group of $by ('year',
-- 'region', 'council_type'; NULL = one row for the whole selection), with for each milestone m the
-- challenges with the date (m_n), median days (m_median_days), how many met the norm (m_met) and rest
-- on a coarse date (m_approximate), and m_still_open: some challenge's norm window had not closed by
-- data_as_of (the latest milestone date in the whole dataset), so the group's share is still coming in.
-- Filters (NULL = no filter; lists empty = no filter): $council_types, $regions, $year_from, $year_to; $council_id
-- (optional) adds that council's challenges when the filters leave them all out, so they can be starred.
WITH proc AS (
    -- challenge_timeliness rows of the selection (queries/macros/challenge_timeliness.sql)
    SELECT * FROM timeliness_selection($council_types, $regions, $year_from, $year_to, $council_id)
), as_of AS (
    SELECT greatest(max(report_published), max(action_plan_approved), max(progress_review_onsite),
                    max(progress_review_published), max(onsite_start)) AS data_as_of
    FROM challenge_timeliness
)
SELECT CASE WHEN $by = 'year' THEN year END AS group_year,
       CASE WHEN $by = 'region' THEN region WHEN $by = 'council_type' THEN council_type END AS group_name,
       count(*) AS challenges,
       count(days_to_report) AS report_n, median(days_to_report) AS report_median_days,
       count(*) FILTER (WHERE days_to_report IS NOT NULL AND report_on_time) AS report_met,
       count(*) FILTER (WHERE days_to_report IS NOT NULL AND approximate) AS report_approximate,
       coalesce(bool_or(onsite_start + to_months(lga_norm_months('report')) > data_as_of), FALSE) AS report_still_open,
       count(days_to_action_plan) AS action_plan_n, median(days_to_action_plan) AS action_plan_median_days,
       count(*) FILTER (WHERE days_to_action_plan IS NOT NULL AND action_plan_on_time) AS action_plan_met,
       count(*) FILTER (WHERE days_to_action_plan IS NOT NULL AND approximate) AS action_plan_approximate,
       coalesce(bool_or(onsite_start + to_months(lga_norm_months('action_plan')) > data_as_of), FALSE) AS action_plan_still_open,
       count(days_to_progress_review) AS progress_review_n, median(days_to_progress_review) AS progress_review_median_days,
       count(*) FILTER (WHERE days_to_progress_review IS NOT NULL AND progress_review_on_time) AS progress_review_met,
       count(*) FILTER (WHERE days_to_progress_review IS NOT NULL AND approximate) AS progress_review_approximate,
       coalesce(bool_or(onsite_start + to_months(lga_norm_months('progress_review')) > data_as_of), FALSE) AS progress_review_still_open,
       count(days_to_progress_review_published) AS progress_review_published_n, median(days_to_progress_review_published) AS progress_review_published_median_days,
       count(*) FILTER (WHERE days_to_progress_review_published IS NOT NULL AND progress_review_published_on_time) AS progress_review_published_met,
       count(*) FILTER (WHERE days_to_progress_review_published IS NOT NULL AND approximate) AS progress_review_published_approximate,
       coalesce(bool_or(onsite_start + to_months(lga_norm_months('progress_review_published')) > data_as_of), FALSE) AS progress_review_published_still_open,
       max(data_as_of) AS data_as_of
FROM proc, as_of
GROUP BY 1, 2
ORDER BY 1 NULLS LAST, 2 NULLS LAST
