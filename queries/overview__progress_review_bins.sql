-- The progress-review histogram's data: challenges with both an on-site and a progress-review date, in
-- 30-day bins of days between them, split by whether the review met the LGA's "about ten months" norm,
-- over the challenges that pass the shared filters ($council_types, $regions lists; $year_from, $year_to).
-- approximate = how many in the bin rest on a date known only to the month; median_days is over all of them.
WITH r AS (
    SELECT date_diff('day', c.onsite_start, c.progress_review_onsite) AS days,
           c.progress_review_onsite <= c.onsite_start + INTERVAL 10 MONTH AS within_norm,
           (c.onsite_start_precision <> 'day' OR c.progress_review_onsite_precision <> 'day') AS approximate
    FROM challenges c
    JOIN councils co USING (council_id)
    WHERE c.onsite_start IS NOT NULL AND c.progress_review_onsite IS NOT NULL
      AND (coalesce(len(CAST($council_types AS VARCHAR[])), 0) = 0 OR list_contains(CAST($council_types AS VARCHAR[]), co.council_type))
      AND (coalesce(len(CAST($regions AS VARCHAR[])), 0) = 0 OR list_contains(CAST($regions AS VARCHAR[]), co.region))
      AND ($year_from IS NULL OR year(c.onsite_start) >= $year_from)
      AND ($year_to IS NULL OR year(c.onsite_start) <= $year_to)
)
SELECT CAST(30 * floor(days / 30) AS INTEGER) AS bin_start, within_norm, count(*) AS challenges,
       count(*) FILTER (WHERE approximate) AS approximate, (SELECT median(days) FROM r) AS median_days
FROM r
GROUP BY ALL
ORDER BY bin_start, within_norm DESC
