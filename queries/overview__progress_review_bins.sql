-- The progress-review histogram's data: challenges with both an on-site and a progress-review date, in
-- 30-day bins of days between them, split by whether the review met the LGA's "about ten months" norm,
-- over the challenges that pass the shared filters ($council_types, $regions lists; $year_from, $year_to).
-- approximate = how many in the bin rest on a date known only to the month; median_days is over all of them,
-- median_days_min / _max the medians of the earliest and latest possible days (dates known only to a month).
-- (progress_reviews is defined in queries/macros/progress_reviews.sql.)
-- CPC progress reviews only, a joint one once; verdict = met | missed | undecidable (a month-only date that
-- could fall either side of the norm); within_norm = verdict is met. $exclude_pandemic TRUE leaves out
-- pandemic-delayed processes.
WITH r AS (
    SELECT days_to_progress_review AS days, days_to_progress_review_min AS days_min,
           days_to_progress_review_max AS days_max, within_norm, verdict, approximate
    FROM progress_reviews($council_types, $regions, $year_from, $year_to)
    WHERE NOT (coalesce($exclude_pandemic, FALSE) AND pandemic_delayed)
)
SELECT CAST(30 * floor(days / 30) AS INTEGER) AS bin_start, within_norm, verdict, count(*) AS challenges,
       count(*) FILTER (WHERE approximate) AS approximate, (SELECT median(days) FROM r) AS median_days,
       (SELECT median(days_min) FROM r) AS median_days_min, (SELECT median(days_max) FROM r) AS median_days_max
FROM r
GROUP BY ALL
ORDER BY bin_start, within_norm DESC, verdict
