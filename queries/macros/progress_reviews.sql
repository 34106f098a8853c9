-- Defined on every connection (peer_challenges/store/db.py), used by the Overview page's queries.
-- progress_reviews(...): one row per CPC progress review (progress_review_kind = progress_review: later
-- follow-ups and health checks are not progress reviews) with both dates known, over the challenges passing the
-- shared filters (NULL or an empty list = no filter). A joint challenge (report_group) counts once. The days
-- between the visit and the review are a range where a date is known only to a period: days_to_progress_review
-- (stored dates), _min / _max, and verdict = met | missed | undecidable against the LGA's "about ten months"
-- (no grace added); within_norm = verdict is met. approximate = either date is coarser than a day.
CREATE OR REPLACE MACRO progress_reviews(p_council_types, p_regions, p_year_from, p_year_to) AS TABLE
SELECT t.challenge_id, t.council_id, t.council_name, t.council_type, t.region, t.challenge_month,
       t.onsite_start, t.onsite_start_precision, t.progress_review_onsite, c.progress_review_onsite_precision,
       t.days_to_progress_review, t.days_to_progress_review_min, t.days_to_progress_review_max,
       t.progress_review_verdict AS verdict, t.progress_review_verdict = 'met' AS within_norm,
       (t.onsite_start_precision <> 'day' OR c.progress_review_onsite_precision <> 'day') AS approximate,
       t.pandemic_delayed, t.report_group, t.joint_with
FROM challenge_timeliness t
JOIN challenges c USING (challenge_id)
WHERE t.onsite_start IS NOT NULL AND t.progress_review_onsite IS NOT NULL AND t.progress_review_kind = 'progress_review'
  AND (coalesce(len(CAST(p_council_types AS VARCHAR[])), 0) = 0 OR list_contains(CAST(p_council_types AS VARCHAR[]), t.council_type))
  AND (coalesce(len(CAST(p_regions AS VARCHAR[])), 0) = 0 OR list_contains(CAST(p_regions AS VARCHAR[]), t.region))
  AND (p_year_from IS NULL OR year(t.onsite_start) >= p_year_from)
  AND (p_year_to IS NULL OR year(t.onsite_start) <= p_year_to)
QUALIFY row_number() OVER (PARTITION BY t.report_group ORDER BY t.challenge_id) = 1;
