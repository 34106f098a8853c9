-- One row per challenge with both an on-site date and a progress-review on-site date: the days between
-- them and whether the review met the LGA's "about ten months" norm (no grace added), over the challenges
-- that pass the shared filters ($council_types, $regions lists; $year_from, $year_to).
-- approximate = either date is known only to the month (stored as the month's last day).
-- (progress_reviews is defined in queries/macros/progress_reviews.sql.)
SELECT *
FROM progress_reviews($council_types, $regions, $year_from, $year_to)
ORDER BY days_to_progress_review, challenge_id
