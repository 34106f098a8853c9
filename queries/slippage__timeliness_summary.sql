-- Process timeliness of a selection for the Slippage page, aggregated in SQL (the figures of
-- timeliness_summary over process_timeliness rows): one row per group of $by ('year', 'region',
-- 'council_type'; NULL = one row for the whole selection). A joint challenge (one visit, one report:
-- report_group) counts once. For each milestone m:
--   m_n                 challenges the figure rests on (the report: only final-report publication dates,
--                       report_published_basis = lga_publication; progress reviews: only CPC progress
--                       reviews, never later follow-ups or health checks)
--   m_median_days       median of the stored intervals; m_median_days_min / _max: medians of the earliest
--                       and latest possible intervals, so the true median lies in that range
--   m_met / m_missed / m_undecidable   the norm verdicts (undecidable: a coarse date lets it go either way)
--   m_approximate       rest on a date known only to a month or coarser
--   m_still_open        some challenge's norm window had not closed by data_as_of (the latest milestone
--                       date in the whole dataset), so the group's share is still coming in
-- report_other_basis_n: report dates of another basis (a committee date, a news item...): shown, not judged.
-- Filters (NULL = no filter; lists empty = no filter): $council_types, $regions, $year_from, $year_to;
-- $exclude_pandemic (TRUE leaves out challenges whose process the pandemic delayed); $council_id (optional)
-- adds that council's challenges when the filters leave them all out, so they can be starred.
WITH proc AS (
    -- challenge_timeliness rows of the selection (queries/macros/challenge_timeliness.sql), one per report
    SELECT * FROM timeliness_selection($council_types, $regions, $year_from, $year_to, $council_id)
    WHERE NOT (coalesce($exclude_pandemic, FALSE) AND pandemic_delayed)
    QUALIFY row_number() OVER (PARTITION BY report_group ORDER BY added, challenge_id) = 1
), as_of AS (
    SELECT greatest(max(report_published), max(action_plan_approved), max(progress_review_onsite),
                    max(progress_review_published), max(onsite_start)) AS data_as_of
    FROM challenge_timeliness
)
SELECT CASE WHEN $by = 'year' THEN year END AS group_year,
       CASE WHEN $by = 'region' THEN region WHEN $by = 'council_type' THEN council_type END AS group_name,
       count(*) AS challenges,
       count(*) FILTER (WHERE days_to_report IS NOT NULL AND report_verdict IS NOT NULL) AS report_n,
       median(days_to_report) FILTER (WHERE days_to_report IS NOT NULL AND report_verdict IS NOT NULL) AS report_median_days,
       median(days_to_report_min) FILTER (WHERE days_to_report IS NOT NULL AND report_verdict IS NOT NULL) AS report_median_days_min,
       median(days_to_report_max) FILTER (WHERE days_to_report IS NOT NULL AND report_verdict IS NOT NULL) AS report_median_days_max,
       count(*) FILTER (WHERE days_to_report IS NOT NULL AND report_verdict IS NOT NULL AND report_verdict = 'met') AS report_met,
       count(*) FILTER (WHERE days_to_report IS NOT NULL AND report_verdict IS NOT NULL AND report_verdict = 'missed') AS report_missed,
       count(*) FILTER (WHERE days_to_report IS NOT NULL AND report_verdict IS NOT NULL AND report_verdict = 'undecidable') AS report_undecidable,
       count(*) FILTER (WHERE days_to_report IS NOT NULL AND report_verdict IS NOT NULL AND approximate) AS report_approximate,
       coalesce(bool_or(onsite_start + to_months(lga_norm_months('report')) > data_as_of), FALSE) AS report_still_open,
       count(*) FILTER (WHERE days_to_report IS NOT NULL AND report_verdict IS NULL) AS report_other_basis_n,
       count(*) FILTER (WHERE days_to_action_plan IS NOT NULL) AS action_plan_n,
       median(days_to_action_plan) FILTER (WHERE days_to_action_plan IS NOT NULL) AS action_plan_median_days,
       median(days_to_action_plan_min) FILTER (WHERE days_to_action_plan IS NOT NULL) AS action_plan_median_days_min,
       median(days_to_action_plan_max) FILTER (WHERE days_to_action_plan IS NOT NULL) AS action_plan_median_days_max,
       count(*) FILTER (WHERE days_to_action_plan IS NOT NULL AND action_plan_verdict = 'met') AS action_plan_met,
       count(*) FILTER (WHERE days_to_action_plan IS NOT NULL AND action_plan_verdict = 'missed') AS action_plan_missed,
       count(*) FILTER (WHERE days_to_action_plan IS NOT NULL AND action_plan_verdict = 'undecidable') AS action_plan_undecidable,
       count(*) FILTER (WHERE days_to_action_plan IS NOT NULL AND approximate) AS action_plan_approximate,
       coalesce(bool_or(onsite_start + to_months(lga_norm_months('action_plan')) > data_as_of), FALSE) AS action_plan_still_open,
       count(*) FILTER (WHERE days_to_progress_review IS NOT NULL) AS progress_review_n,
       median(days_to_progress_review) FILTER (WHERE days_to_progress_review IS NOT NULL) AS progress_review_median_days,
       median(days_to_progress_review_min) FILTER (WHERE days_to_progress_review IS NOT NULL) AS progress_review_median_days_min,
       median(days_to_progress_review_max) FILTER (WHERE days_to_progress_review IS NOT NULL) AS progress_review_median_days_max,
       count(*) FILTER (WHERE days_to_progress_review IS NOT NULL AND progress_review_verdict = 'met') AS progress_review_met,
       count(*) FILTER (WHERE days_to_progress_review IS NOT NULL AND progress_review_verdict = 'missed') AS progress_review_missed,
       count(*) FILTER (WHERE days_to_progress_review IS NOT NULL AND progress_review_verdict = 'undecidable') AS progress_review_undecidable,
       count(*) FILTER (WHERE days_to_progress_review IS NOT NULL AND approximate) AS progress_review_approximate,
       coalesce(bool_or(onsite_start + to_months(lga_norm_months('progress_review')) > data_as_of), FALSE) AS progress_review_still_open,
       count(*) FILTER (WHERE days_to_progress_review_published IS NOT NULL AND progress_review_published_verdict IS NOT NULL) AS progress_review_published_n,
       median(days_to_progress_review_published) FILTER (WHERE days_to_progress_review_published IS NOT NULL AND progress_review_published_verdict IS NOT NULL) AS progress_review_published_median_days,
       median(days_to_progress_review_published_min) FILTER (WHERE days_to_progress_review_published IS NOT NULL AND progress_review_published_verdict IS NOT NULL) AS progress_review_published_median_days_min,
       median(days_to_progress_review_published_max) FILTER (WHERE days_to_progress_review_published IS NOT NULL AND progress_review_published_verdict IS NOT NULL) AS progress_review_published_median_days_max,
       count(*) FILTER (WHERE days_to_progress_review_published IS NOT NULL AND progress_review_published_verdict IS NOT NULL AND progress_review_published_verdict = 'met') AS progress_review_published_met,
       count(*) FILTER (WHERE days_to_progress_review_published IS NOT NULL AND progress_review_published_verdict IS NOT NULL AND progress_review_published_verdict = 'missed') AS progress_review_published_missed,
       count(*) FILTER (WHERE days_to_progress_review_published IS NOT NULL AND progress_review_published_verdict IS NOT NULL AND progress_review_published_verdict = 'undecidable') AS progress_review_published_undecidable,
       count(*) FILTER (WHERE days_to_progress_review_published IS NOT NULL AND progress_review_published_verdict IS NOT NULL AND approximate) AS progress_review_published_approximate,
       coalesce(bool_or(onsite_start + to_months(lga_norm_months('progress_review_published')) > data_as_of), FALSE) AS progress_review_published_still_open,
       max(data_as_of) AS data_as_of
FROM proc, as_of
GROUP BY 1, 2
ORDER BY 1 NULLS LAST, 2 NULLS LAST
