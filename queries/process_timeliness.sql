-- One row per challenge: days from the on-site start to each later milestone, and whether it met the
-- LGA norm: report within 3 months, action plan within 5, progress review within 10 (the LGA's "about
-- ten months"; no grace added), progress-review publication within 12. A date known only to the month
-- (or coarser) is stored as the period's last day: `approximate` says when a figure rests on one.
-- Optional filters: $council_id, $council_type, $region, $year_from, $year_to.
SELECT c.challenge_id, c.council_id, co.name AS council_name, co.council_type, co.region,
       c.challenge_month, year(c.onsite_start) AS year, c.onsite_start, c.onsite_start_precision,
       c.report_published, c.report_published_precision, c.report_published_basis,
       c.action_plan_approved, c.progress_review_onsite, c.progress_review_published,
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
WHERE ($council_id IS NULL OR c.council_id = $council_id)
  AND ($council_type IS NULL OR co.council_type = $council_type)
  AND ($region IS NULL OR co.region = $region)
  AND ($year_from IS NULL OR year(c.onsite_start) >= $year_from)
  AND ($year_to IS NULL OR year(c.onsite_start) <= $year_to)
ORDER BY c.onsite_start NULLS LAST, c.challenge_id
