-- One row per council, describing its most recent challenge (by on-site date; a challenge with no
-- known date counts as the oldest). completion_rate = complete / (recommendations with a reported
-- status - superseded), over recommendations_with_status; NULL where no status is recorded.
-- Reads the build-time roll-up challenge_status (one row per challenge: its recommendations'
-- statuses and slippage from recommendation_status, its latest progress snapshot, and whether it is
-- its council's most recent challenge).
SELECT co.council_id, co.name, co.council_type, co.region, co.ons_code,
       c.challenges_of_council AS challenges, c.challenge_id, c.challenge_month, c.onsite_start, c.progress_review_onsite,
       c.recommendations, c.recommendations_total, c.recommendations_with_status,
       c.complete, c.open, c.overdue,
       CASE WHEN c.recommendations_with_status - c.superseded > 0
            THEN c.complete / (c.recommendations_with_status - c.superseded) END AS completion_rate,
       c.median_slippage_days, c.recommendations_with_slippage,
       CASE WHEN c.latest_snapshot_unit IS NOT NULL THEN {'unit': c.latest_snapshot_unit,
            'complete': c.latest_snapshot_complete, 'total': c.latest_snapshot_total,
            'as_of': c.latest_snapshot_as_of} END AS latest_snapshot,
       c.latest_snapshot_unit, c.latest_snapshot_complete, c.latest_snapshot_total, c.latest_snapshot_as_of,
       date_diff('day', c.onsite_start, c.progress_review_onsite) AS days_to_progress_review
FROM councils co
JOIN challenge_status c ON c.council_id = co.council_id AND c.is_latest_of_council
WHERE ($council_type IS NULL OR co.council_type = $council_type)
  AND ($region IS NULL OR co.region = $region)
ORDER BY co.name
