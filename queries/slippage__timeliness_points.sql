-- Challenges of a selection with a date for milestone $milestone ('report', 'action_plan',
-- 'progress_review', 'progress_review_published'), for the Slippage page's dot chart: days from the
-- on-site start (days, stored dates) with the earliest and latest possible (days_min, days_max: a date known
-- only to a period), the norm verdict (met | missed | undecidable; NULL = not judged: a report or
-- progress-review publication date of another basis, shown with it), whether it met the norm (on_time),
-- approximate as in process_timeliness, pandemic_delayed. A joint challenge (report_group) counts once.
-- Every one when there are at most $limit (NULL = no limit), otherwise a fixed pseudo-random sample of
-- $limit (by a hash of the id) plus every challenge of $council_id; total is how many have the date in all.
-- Ordered as process_timeliness, with the council's challenges that $council_id added (added = TRUE) last.
-- Filters (NULL = no filter; lists empty = no filter): $council_types, $regions, $year_from, $year_to;
-- $exclude_pandemic (TRUE leaves out pandemic-delayed processes); $council_id (optional) adds that council's
-- challenges when the filters leave them all out, so they can be starred.
WITH proc AS (
    -- challenge_timeliness rows of the selection (queries/macros/challenge_timeliness.sql), one per report
    SELECT * FROM timeliness_selection($council_types, $regions, $year_from, $year_to, $council_id)
    WHERE NOT (coalesce($exclude_pandemic, FALSE) AND pandemic_delayed)
    QUALIFY row_number() OVER (PARTITION BY report_group ORDER BY added, challenge_id) = 1
), pts AS (
    SELECT challenge_id, council_id, council_name, challenge_month, year, onsite_start, added, pandemic_delayed,
           CASE $milestone WHEN 'report' THEN days_to_report WHEN 'action_plan' THEN days_to_action_plan
                WHEN 'progress_review' THEN days_to_progress_review
                WHEN 'progress_review_published' THEN days_to_progress_review_published END AS days,
           CASE $milestone WHEN 'report' THEN days_to_report_min WHEN 'action_plan' THEN days_to_action_plan_min
                WHEN 'progress_review' THEN days_to_progress_review_min
                WHEN 'progress_review_published' THEN days_to_progress_review_published_min END AS days_min,
           CASE $milestone WHEN 'report' THEN days_to_report_max WHEN 'action_plan' THEN days_to_action_plan_max
                WHEN 'progress_review' THEN days_to_progress_review_max
                WHEN 'progress_review_published' THEN days_to_progress_review_published_max END AS days_max,
           CASE $milestone WHEN 'report' THEN report_verdict WHEN 'action_plan' THEN action_plan_verdict
                WHEN 'progress_review' THEN progress_review_verdict
                WHEN 'progress_review_published' THEN progress_review_published_verdict END AS verdict,
           CASE $milestone WHEN 'report' THEN report_on_time WHEN 'action_plan' THEN action_plan_on_time
                WHEN 'progress_review' THEN progress_review_on_time
                WHEN 'progress_review_published' THEN progress_review_published_on_time END AS on_time,
           CASE $milestone WHEN 'report' THEN report_published_basis
                WHEN 'progress_review_published' THEN progress_review_published_basis END AS basis,
           approximate
    FROM proc
)
SELECT *, count(*) OVER () AS total
FROM pts
WHERE days IS NOT NULL
QUALIFY $limit IS NULL
     OR row_number() OVER (ORDER BY hash(challenge_id), challenge_id) <= $limit
     OR ($council_id IS NOT NULL AND council_id = $council_id)
ORDER BY added, onsite_start NULLS LAST, challenge_id
