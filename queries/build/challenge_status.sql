-- Derived at build time: one row per challenge, with the roll-up of its recommendations in
-- recommendation_status (zeros where none are recorded) and its latest council-wide progress snapshot,
-- so council-level and cross-council summaries need not re-read every recommendation.
-- Definitions as in recommendation_status; completion rate = complete / (recommendations_with_status -
-- superseded). is_latest_of_council marks each council's most recent challenge. The latest snapshot is the one with the latest as_of (undated count as the earliest).
WITH recs AS (
    SELECT challenge_id,
           count(*) AS recommendations,
           count(latest_status) AS recommendations_with_status,
           count(*) FILTER (WHERE latest_status = 'complete') AS complete,
           count(*) FILTER (WHERE is_open) AS open,
           count(*) FILTER (WHERE latest_status = 'superseded') AS superseded,
           count(*) FILTER (WHERE slippage_bucket = 'open_overdue') AS overdue,
           count(*) FILTER (WHERE slippage_bucket = 'on_time') AS completed_on_time,
           count(*) FILTER (WHERE slippage_bucket = 'late') AS completed_late,
           count(*) FILTER (WHERE latest_status IS NOT NULL AND latest_assessed_by = 'peer_team') AS with_status_peer_team,
           count(*) FILTER (WHERE latest_status = 'complete' AND latest_assessed_by = 'peer_team') AS complete_peer_team,
           count(*) FILTER (WHERE latest_status = 'superseded' AND latest_assessed_by = 'peer_team') AS superseded_peer_team,
           count(*) FILTER (WHERE latest_status IS NOT NULL AND latest_assessed_by = 'council') AS with_status_council,
           count(*) FILTER (WHERE latest_status IS NOT NULL AND latest_assessed_by = 'unknown') AS with_status_unknown_assessor,
           count(*) FILTER (WHERE counts_as_recommendation) AS actual_recommendations,
           count(*) FILTER (WHERE record_kind = 'placeholder') AS placeholders,
           count(*) FILTER (WHERE record_kind = 'heading_or_group') AS headings,
           count(*) FILTER (WHERE record_kind = 'focus_area') AS focus_areas_recorded,
           -- how many recommendations the records stand for: one each, a heading its stands_for (NULL when a
           -- heading does not say), a focus area none
           sum(CASE record_kind WHEN 'heading_or_group' THEN stands_for WHEN 'placeholder' THEN coalesce(stands_for, 1)
                                WHEN 'focus_area' THEN 0 ELSE 1 END) AS recommendations_stood_for,
           bool_or(record_kind = 'heading_or_group' AND stands_for IS NULL) AS has_heading_of_unknown_size,
           median(slippage_days) AS median_slippage_days,
           count(slippage_days) AS recommendations_with_slippage,
           count(target_date) AS recommendations_with_target
    FROM recommendation_status
    GROUP BY challenge_id
),
snap AS (
    SELECT challenge_id, unit, complete, total, as_of, as_of_precision
    FROM progress_snapshots
    QUALIFY row_number() OVER (PARTITION BY challenge_id ORDER BY as_of DESC NULLS LAST, snapshot_id DESC) = 1
)
SELECT c.challenge_id, c.council_id, co.council_type, co.region, c.challenge_month, c.report_group,
       c.challenge_id = c.report_group AS is_report_group_lead, len(c.joint_with) > 0 AS is_joint,
       -- the council's most recent challenge by on-site date (undated counts as the oldest; ties: later id)
       row_number() OVER (PARTITION BY c.council_id ORDER BY c.onsite_start DESC NULLS LAST, c.challenge_id DESC) = 1
           AS is_latest_of_council,
       count(*) OVER (PARTITION BY c.council_id) AS challenges_of_council,
       CAST(substr(c.challenge_month, 1, 4) AS INTEGER) AS challenge_year,
       c.onsite_start, c.progress_review_onsite, c.recommendations_total,
       coalesce(r.recommendations, 0) AS recommendations,
       coalesce(r.recommendations_with_status, 0) AS recommendations_with_status,
       coalesce(r.complete, 0) AS complete, coalesce(r.open, 0) AS open,
       coalesce(r.superseded, 0) AS superseded, coalesce(r.overdue, 0) AS overdue,
       coalesce(r.completed_on_time, 0) AS completed_on_time, coalesce(r.completed_late, 0) AS completed_late,
       coalesce(r.with_status_peer_team, 0) AS with_status_peer_team,
       coalesce(r.complete_peer_team, 0) AS complete_peer_team,
       coalesce(r.superseded_peer_team, 0) AS superseded_peer_team,
       coalesce(r.with_status_council, 0) AS with_status_council,
       coalesce(r.with_status_unknown_assessor, 0) AS with_status_unknown_assessor,
       coalesce(r.actual_recommendations, 0) AS actual_recommendations,
       coalesce(r.placeholders, 0) AS placeholders, coalesce(r.headings, 0) AS headings,
       coalesce(r.focus_areas_recorded, 0) AS focus_areas_recorded,
       CASE WHEN coalesce(r.has_heading_of_unknown_size, FALSE) THEN NULL ELSE coalesce(r.recommendations_stood_for, 0) END
           AS recommendations_stood_for,
       r.median_slippage_days,
       coalesce(r.recommendations_with_slippage, 0) AS recommendations_with_slippage,
       coalesce(r.recommendations_with_target, 0) AS recommendations_with_target,
       s.unit AS latest_snapshot_unit, s.complete AS latest_snapshot_complete, s.total AS latest_snapshot_total,
       s.as_of AS latest_snapshot_as_of, s.as_of_precision AS latest_snapshot_as_of_precision
FROM challenges c
JOIN councils co USING (council_id)
LEFT JOIN recs r USING (challenge_id)
LEFT JOIN snap s USING (challenge_id)
ORDER BY c.council_id, c.challenge_id
