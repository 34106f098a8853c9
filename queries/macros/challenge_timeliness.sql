-- Defined on every connection (peer_challenges/store/db.py), used by the named queries.
-- challenge_timeliness: one row per challenge with the days from the on-site start to each later milestone
-- and its verdict against the LGA norm (domain/norms.py: report 3 months, action plan 5, progress review
-- about 10, progress-review publication 12). Dates known only to a period (stored as its last day) make
-- every interval a range: days_to_<m> (stored dates), days_to_<m>_min / _max (earliest and latest possible;
-- a milestone cannot precede the visit, so _min is at least 0), <m>_verdict = met | missed | undecidable
-- (domain/intervals.py), <m>_on_time = verdict is met. Only like is judged with like: the report norm only
-- where the date is the final report's publication (report_published_basis = lga_publication; other bases
-- keep their days, shown with their basis, and no verdict); the progress-review milestones only for the
-- CPC's own progress review (progress_review_kind = progress_review; later follow-ups and health checks are
-- not counted as one). approximate = a date it rests on is known only to the month or coarser.
-- report_group / is_report_group_lead: a joint challenge (one visit, one report) counts once in
-- cross-council figures (use the lead row); pandemic_delayed marks processes the pandemic held up.
CREATE OR REPLACE VIEW challenge_timeliness AS
SELECT c.challenge_id, c.council_id, co.name AS council_name, co.council_type, co.region,
       c.challenge_month, year(c.onsite_start) AS year, c.onsite_start, c.onsite_start_precision,
       c.report_published, c.report_published_precision, c.report_published_basis,
       c.action_plan_approved, c.progress_review_onsite, c.progress_review_published,
       c.progress_review_kind, c.progress_review_published_basis, c.pandemic_delayed,
       c.report_group, c.challenge_id = c.report_group AS is_report_group_lead, c.joint_with,
       date_diff('day', c.onsite_start, c.report_published) AS days_to_report,
       interval_min(c.onsite_start, c.onsite_start_precision, c.report_published, c.report_published_precision, floor := 0) AS days_to_report_min,
       interval_max(c.onsite_start, c.onsite_start_precision, c.report_published, c.report_published_precision) AS days_to_report_max,
       CASE WHEN c.report_published_basis = 'lga_publication' THEN norm_verdict(c.onsite_start, c.onsite_start_precision, c.report_published, c.report_published_precision, lga_norm_months('report')) END AS report_verdict,
       report_verdict = 'met' AS report_on_time,
       date_diff('day', c.onsite_start, c.action_plan_approved) AS days_to_action_plan,
       interval_min(c.onsite_start, c.onsite_start_precision, c.action_plan_approved, c.action_plan_approved_precision, floor := 0) AS days_to_action_plan_min,
       interval_max(c.onsite_start, c.onsite_start_precision, c.action_plan_approved, c.action_plan_approved_precision) AS days_to_action_plan_max,
       norm_verdict(c.onsite_start, c.onsite_start_precision, c.action_plan_approved, c.action_plan_approved_precision, lga_norm_months('action_plan')) AS action_plan_verdict,
       action_plan_verdict = 'met' AS action_plan_on_time,
       CASE WHEN c.progress_review_kind = 'progress_review' THEN date_diff('day', c.onsite_start, c.progress_review_onsite) END AS days_to_progress_review,
       CASE WHEN c.progress_review_kind = 'progress_review' THEN interval_min(c.onsite_start, c.onsite_start_precision, c.progress_review_onsite, c.progress_review_onsite_precision, floor := 0) END AS days_to_progress_review_min,
       CASE WHEN c.progress_review_kind = 'progress_review' THEN interval_max(c.onsite_start, c.onsite_start_precision, c.progress_review_onsite, c.progress_review_onsite_precision) END AS days_to_progress_review_max,
       CASE WHEN c.progress_review_kind = 'progress_review' THEN norm_verdict(c.onsite_start, c.onsite_start_precision, c.progress_review_onsite, c.progress_review_onsite_precision, lga_norm_months('progress_review')) END AS progress_review_verdict,
       progress_review_verdict = 'met' AS progress_review_on_time,
       CASE WHEN c.progress_review_kind = 'progress_review' THEN date_diff('day', c.onsite_start, c.progress_review_published) END AS days_to_progress_review_published,
       CASE WHEN c.progress_review_kind = 'progress_review' THEN interval_min(c.onsite_start, c.onsite_start_precision, c.progress_review_published, c.progress_review_published_precision, floor := 0) END AS days_to_progress_review_published_min,
       CASE WHEN c.progress_review_kind = 'progress_review' THEN interval_max(c.onsite_start, c.onsite_start_precision, c.progress_review_published, c.progress_review_published_precision) END AS days_to_progress_review_published_max,
       CASE WHEN c.progress_review_kind = 'progress_review' AND c.progress_review_published_basis = 'lga_publication' THEN norm_verdict(c.onsite_start, c.onsite_start_precision, c.progress_review_published, c.progress_review_published_precision, lga_norm_months('progress_review_published')) END AS progress_review_published_verdict,
       progress_review_published_verdict = 'met' AS progress_review_published_on_time,
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
