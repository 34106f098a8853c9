-- Challenges of a selection with a date for milestone $milestone ('report', 'action_plan',
-- 'progress_review', 'progress_review_published'), for the Slippage page's dot chart: days from the
-- on-site start (days), whether it met the norm (on_time), approximate as in process_timeliness. Every one
-- when there are at most $limit (NULL = no limit), otherwise a fixed pseudo-random sample of $limit (by a
-- hash of the id) plus every challenge of $council_id; total is how many have the date in all. Ordered
-- as process_timeliness, with the council's challenges that $council_id added (added = TRUE) last.
-- Filters (NULL = no filter; lists empty = no filter): $council_types, $regions, $year_from, $year_to; $council_id
-- (optional) adds that council's challenges when the filters leave them all out, so they can be starred.
WITH base AS (
    -- as process_timeliness: one row per challenge, days to each milestone and whether it met the norm
    SELECT c.challenge_id, c.council_id, co.name AS council_name, co.council_type, co.region,
           c.challenge_month, year(c.onsite_start) AS year, c.onsite_start,
           c.report_published, c.action_plan_approved, c.progress_review_onsite, c.progress_review_published,
           date_diff('day', c.onsite_start, c.report_published) AS days_to_report,
           date_diff('day', c.onsite_start, c.action_plan_approved) AS days_to_action_plan,
           date_diff('day', c.onsite_start, c.progress_review_onsite) AS days_to_progress_review,
           date_diff('day', c.onsite_start, c.progress_review_published) AS days_to_progress_review_published,
           c.report_published <= c.onsite_start + INTERVAL 3 MONTH AS report_on_time,
           c.action_plan_approved <= c.onsite_start + INTERVAL 5 MONTH AS action_plan_on_time,
           c.progress_review_onsite <= c.onsite_start + INTERVAL 10 MONTH AS progress_review_on_time,
           c.progress_review_published <= c.onsite_start + INTERVAL 12 MONTH AS progress_review_published_on_time,
           (c.onsite_start_precision <> 'day'
            OR coalesce(c.report_published_precision, 'day') <> 'day'
            OR coalesce(c.action_plan_approved_precision, 'day') <> 'day'
            OR coalesce(c.progress_review_onsite_precision, 'day') <> 'day'
            OR coalesce(c.progress_review_published_precision, 'day') <> 'day') AS approximate
    FROM challenges c
    JOIN councils co USING (council_id)
), filtered AS (
    SELECT * FROM base
    WHERE ($council_types IS NULL OR len(CAST($council_types AS VARCHAR[])) = 0 OR list_contains(CAST($council_types AS VARCHAR[]), council_type))
      AND ($regions IS NULL OR len(CAST($regions AS VARCHAR[])) = 0 OR list_contains(CAST($regions AS VARCHAR[]), region))
      AND ($year_from IS NULL OR year >= $year_from)
      AND ($year_to IS NULL OR year <= $year_to)
), proc AS (
    -- the chosen council's challenges join the selection when the filters leave them all out
    SELECT *, FALSE AS added FROM filtered
    UNION ALL
    SELECT *, TRUE AS added FROM base
    WHERE $council_id IS NOT NULL AND council_id = $council_id
      AND NOT EXISTS (SELECT 1 FROM filtered WHERE council_id = $council_id)
), pts AS (
    SELECT challenge_id, council_id, council_name, challenge_month, year, onsite_start, added,
           CASE $milestone WHEN 'report' THEN days_to_report WHEN 'action_plan' THEN days_to_action_plan
                WHEN 'progress_review' THEN days_to_progress_review
                WHEN 'progress_review_published' THEN days_to_progress_review_published END AS days,
           CASE $milestone WHEN 'report' THEN report_on_time WHEN 'action_plan' THEN action_plan_on_time
                WHEN 'progress_review' THEN progress_review_on_time
                WHEN 'progress_review_published' THEN progress_review_published_on_time END AS on_time,
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
