-- Defined on every connection (peer_challenges/store/db.py), used by the named queries.
-- challenge_timeliness: one row per challenge with the days from the on-site start to each later milestone
-- and whether it met the LGA norm (report within 3 months, action plan within 5, progress review within 10,
-- progress-review publication within 12); approximate = a date it rests on is known only to the month or
-- coarser (stored as the period's last day).
CREATE OR REPLACE VIEW challenge_timeliness AS
SELECT c.challenge_id, c.council_id, co.name AS council_name, co.council_type, co.region,
       c.challenge_month, year(c.onsite_start) AS year, c.onsite_start, c.onsite_start_precision,
       c.report_published, c.report_published_precision, c.report_published_basis,
       c.action_plan_approved, c.progress_review_onsite, c.progress_review_published,
       date_diff('day', c.onsite_start, c.report_published) AS days_to_report,
       date_diff('day', c.onsite_start, c.action_plan_approved) AS days_to_action_plan,
       date_diff('day', c.onsite_start, c.progress_review_onsite) AS days_to_progress_review,
       date_diff('day', c.onsite_start, c.progress_review_published) AS days_to_progress_review_published,
       c.report_published <= c.onsite_start + to_months(lga_norm_months('report')) AS report_on_time,
       c.action_plan_approved <= c.onsite_start + to_months(lga_norm_months('action_plan')) AS action_plan_on_time,
       c.progress_review_onsite <= c.onsite_start + to_months(lga_norm_months('progress_review')) AS progress_review_on_time,
       c.progress_review_published <= c.onsite_start + to_months(lga_norm_months('progress_review_published')) AS progress_review_published_on_time,
       (c.onsite_start_precision <> 'day'
        OR coalesce(c.report_published_precision, 'day') <> 'day'
        OR coalesce(c.action_plan_approved_precision, 'day') <> 'day'
        OR coalesce(c.progress_review_onsite_precision, 'day') <> 'day'
        OR coalesce(c.progress_review_published_precision, 'day') <> 'day') AS approximate
FROM challenges c
JOIN councils co USING (council_id);

-- timeliness_selection(...): the challenge_timeliness rows passing the shared filters (NULL or an empty list =
-- no filter), plus, when p_council_id is given and the filters leave all its challenges out, that council's
-- challenges (added = TRUE) so they can still be starred on the charts.
CREATE OR REPLACE MACRO timeliness_selection(p_council_types, p_regions, p_year_from, p_year_to, p_council_id) AS TABLE
WITH filtered AS (
    SELECT * FROM challenge_timeliness
    WHERE (p_council_types IS NULL OR len(CAST(p_council_types AS VARCHAR[])) = 0 OR list_contains(CAST(p_council_types AS VARCHAR[]), council_type))
      AND (p_regions IS NULL OR len(CAST(p_regions AS VARCHAR[])) = 0 OR list_contains(CAST(p_regions AS VARCHAR[]), region))
      AND (p_year_from IS NULL OR year >= p_year_from)
      AND (p_year_to IS NULL OR year <= p_year_to)
)
SELECT *, FALSE AS added FROM filtered
UNION ALL
SELECT *, TRUE AS added FROM challenge_timeliness
WHERE p_council_id IS NOT NULL AND council_id = p_council_id
  AND NOT EXISTS (SELECT 1 FROM filtered WHERE council_id = p_council_id);
