-- Defined on every connection (peer_challenges/store/db.py), used by the Overview page's queries.
-- progress_reviews(...): one row per challenge with both an on-site date and a progress-review on-site date,
-- the days between them and whether the review met the LGA's "about ten months" norm (no grace added), over
-- the challenges passing the shared filters (NULL or an empty list = no filter). approximate = either date is
-- known only to the month (stored as the month's last day).
CREATE OR REPLACE MACRO progress_reviews(p_council_types, p_regions, p_year_from, p_year_to) AS TABLE
SELECT c.challenge_id, c.council_id, co.name AS council_name, co.council_type, co.region, c.challenge_month,
       c.onsite_start, c.onsite_start_precision, c.progress_review_onsite, c.progress_review_onsite_precision,
       date_diff('day', c.onsite_start, c.progress_review_onsite) AS days_to_progress_review,
       c.progress_review_onsite <= c.onsite_start + to_months(lga_norm_months('progress_review')) AS within_norm,
       (c.onsite_start_precision <> 'day' OR c.progress_review_onsite_precision <> 'day') AS approximate
FROM challenges c
JOIN councils co USING (council_id)
WHERE c.onsite_start IS NOT NULL AND c.progress_review_onsite IS NOT NULL
  AND (coalesce(len(CAST(p_council_types AS VARCHAR[])), 0) = 0 OR list_contains(CAST(p_council_types AS VARCHAR[]), co.council_type))
  AND (coalesce(len(CAST(p_regions AS VARCHAR[])), 0) = 0 OR list_contains(CAST(p_regions AS VARCHAR[]), co.region))
  AND (p_year_from IS NULL OR year(c.onsite_start) >= p_year_from)
  AND (p_year_to IS NULL OR year(c.onsite_start) <= p_year_to);
