-- One row per challenge: days from the on-site start to each later milestone, and whether it met the
-- LGA norm: report within 3 months, action plan within 5, progress review within 10 (the LGA's "about
-- ten months"; no grace added), progress-review publication within 12. A date known only to the month
-- (or coarser) is stored as the period's last day: `approximate` says when a figure rests on one.
-- Optional filters: $council_id, $council_type, $region, $year_from, $year_to.
-- (challenge_timeliness is defined in queries/macros/challenge_timeliness.sql.)
SELECT challenge_id, council_id, council_name, council_type, region,
       challenge_month, year, onsite_start, onsite_start_precision,
       report_published, report_published_precision, report_published_basis,
       action_plan_approved, progress_review_onsite, progress_review_published,
       days_to_report, days_to_action_plan, days_to_progress_review, days_to_progress_review_published,
       report_on_time, action_plan_on_time, progress_review_on_time, progress_review_published_on_time,
       approximate
FROM challenge_timeliness
WHERE ($council_id IS NULL OR council_id = $council_id)
  AND ($council_type IS NULL OR council_type = $council_type)
  AND ($region IS NULL OR region = $region)
  AND ($year_from IS NULL OR year >= $year_from)
  AND ($year_to IS NULL OR year <= $year_to)
ORDER BY onsite_start NULLS LAST, challenge_id
