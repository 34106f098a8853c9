-- One row per challenge: days from the on-site start to each later milestone, and whether it met the
-- LGA norm: report within 3 months, action plan within 5, progress review within 10 (the LGA's "about
-- ten months"; no grace added), progress-review publication within 12. A date known only to a period
-- (month, quarter, season, year) is stored as the period's last day, so every interval is a range:
-- days_to_<m> (stored dates), days_to_<m>_min / _max (earliest and latest possible) and <m>_verdict
-- (met | missed | undecidable; NULL where not judged). The report norm is judged only on the final report's
-- publication (report_published_basis = lga_publication); the progress-review figures only for a CPC
-- progress review (progress_review_kind, not a later follow-up or health check). `approximate` says when a
-- figure rests on a coarse date. report_group: partners of one joint challenge share it (count them once).
-- Optional filters: $council_id, $council_type, $region, $year_from, $year_to.
-- (challenge_timeliness is defined in queries/macros/challenge_timeliness.sql.)
SELECT challenge_id, council_id, council_name, council_type, region,
       challenge_month, year, onsite_start, onsite_start_precision,
       report_published, report_published_precision, report_published_basis,
       action_plan_approved, progress_review_onsite, progress_review_published,
       progress_review_kind, progress_review_published_basis, pandemic_delayed, report_group, is_report_group_lead,
       days_to_report, days_to_action_plan, days_to_progress_review, days_to_progress_review_published,
       report_on_time, action_plan_on_time, progress_review_on_time, progress_review_published_on_time,
       approximate,
       days_to_report_min, days_to_report_max, report_verdict,
       days_to_action_plan_min, days_to_action_plan_max, action_plan_verdict,
       days_to_progress_review_min, days_to_progress_review_max, progress_review_verdict,
       days_to_progress_review_published_min, days_to_progress_review_published_max, progress_review_published_verdict
FROM challenge_timeliness
WHERE ($council_id IS NULL OR council_id = $council_id)
  AND ($council_type IS NULL OR council_type = $council_type)
  AND ($region IS NULL OR region = $region)
  AND ($year_from IS NULL OR year >= $year_from)
  AND ($year_to IS NULL OR year <= $year_to)
ORDER BY onsite_start NULLS LAST, challenge_id
