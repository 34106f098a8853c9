-- Explore page / export: one row per challenge with its milestone dates (each beside its precision),
-- counts, and its main source (the LGA feedback report where we hold one). Optional filters:
-- $councils, $council_types, $regions (lists), $year_from, $year_to (on-site year, inclusive; a
-- challenge with no known on-site month is left out only when a year filter is given).
WITH src AS (
    SELECT challenge_id, count(*) AS sources_count,
           arg_min(url, CASE kind WHEN 'lga_feedback_report' THEN 0 WHEN 'lga_progress_review' THEN 1 ELSE 2 END
                         || '-' || source_id) FILTER (WHERE url IS NOT NULL) AS source_url
    FROM sources GROUP BY challenge_id
)
SELECT c.council_name, c.council_type, c.region, c.challenge_month,
       c.recommendations_total, c.recommendations_recorded,
       c.onsite_start, c.onsite_start_precision, c.onsite_end, c.onsite_end_precision,
       c.report_published, c.report_published_precision, c.report_published_basis,
       c.action_plan_approved, c.action_plan_approved_precision,
       c.progress_review_onsite, c.progress_review_onsite_precision,
       c.progress_review_published, c.progress_review_published_precision,
       c.people_met, c.people_met_lower_bound, c.meetings_held, c.meetings_held_lower_bound, c.peer_team_size,
       c.focus_areas, c.joint_with, c.notes, src.source_url, coalesce(src.sources_count, 0) AS sources_count,
       c.council_id, c.challenge_id, c.kind
FROM explore_challenge_rows($councils, $council_types, $regions, $year_from, $year_to) c  -- queries/macros
LEFT JOIN src ON src.challenge_id = c.challenge_id
ORDER BY c.council_name, c.challenge_month NULLS FIRST, c.challenge_id
LIMIT $limit  -- the page shows the first rows only ($limit); exports and counts leave it NULL (all rows)
