-- One row per council, describing its most recent challenge (by on-site date; a challenge with no
-- known date counts as the oldest). completion_rate = complete / (recommendations with a reported
-- status - superseded), over recommendations_with_status; NULL where no status is recorded.
-- Reads the build-time roll-up challenge_status (one row per challenge: its recommendations'
-- statuses and slippage from recommendation_status, and its latest progress snapshot).
WITH latest AS (
    SELECT council_id, count(*) AS challenges,
           arg_max(challenge_id, (coalesce(onsite_start, DATE '0001-01-01'), challenge_id)) AS challenge_id
    FROM challenge_status GROUP BY council_id
)
SELECT co.council_id, co.name, co.council_type, co.region, co.ons_code,
       l.challenges, l.challenge_id, c.challenge_month, c.onsite_start, c.progress_review_onsite,
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
JOIN latest l USING (council_id)
JOIN challenge_status c ON c.challenge_id = l.challenge_id
WHERE ($council_type IS NULL OR co.council_type = $council_type)
  AND ($region IS NULL OR co.region = $region)
ORDER BY co.name
