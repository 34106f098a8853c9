-- One row per council, describing its most recent challenge (by on-site date; a challenge with no
-- known date counts as the oldest). completion_rate = complete / (recommendations with a reported
-- status - superseded), over recommendations_with_status; NULL where no status is recorded.
WITH ranked AS (
    SELECT c.*,
           count(*) OVER (PARTITION BY c.council_id) AS challenges,
           row_number() OVER (PARTITION BY c.council_id ORDER BY c.onsite_start DESC NULLS LAST, c.challenge_id DESC) AS rn
    FROM challenges c
),
latest AS (SELECT * FROM ranked WHERE rn = 1),
recs AS (
    SELECT challenge_id,
           count(*) AS recommendations,
           count(latest_status) AS recommendations_with_status,
           count(*) FILTER (WHERE latest_status = 'complete') AS complete,
           count(*) FILTER (WHERE is_open) AS open,
           count(*) FILTER (WHERE latest_status = 'superseded') AS superseded,
           count(*) FILTER (WHERE slippage_bucket = 'open_overdue') AS overdue,
           median(slippage_days) AS median_slippage_days,
           count(slippage_days) AS recommendations_with_slippage
    FROM recommendation_status GROUP BY challenge_id
),
snap AS (
    SELECT challenge_id, unit, complete, total, as_of, as_of_precision
    FROM progress_snapshots
    QUALIFY row_number() OVER (PARTITION BY challenge_id ORDER BY as_of DESC NULLS LAST, snapshot_id DESC) = 1
)
SELECT co.council_id, co.name, co.council_type, co.region, co.ons_code,
       l.challenges, l.challenge_id, l.challenge_month, l.onsite_start, l.progress_review_onsite,
       coalesce(r.recommendations, 0) AS recommendations, l.recommendations_total,
       coalesce(r.recommendations_with_status, 0) AS recommendations_with_status,
       coalesce(r.complete, 0) AS complete, coalesce(r.open, 0) AS open, coalesce(r.overdue, 0) AS overdue,
       CASE WHEN coalesce(r.recommendations_with_status, 0) - coalesce(r.superseded, 0) > 0
            THEN r.complete / (r.recommendations_with_status - r.superseded) END AS completion_rate,
       r.median_slippage_days, coalesce(r.recommendations_with_slippage, 0) AS recommendations_with_slippage,
       CASE WHEN s.unit IS NOT NULL THEN {'unit': s.unit, 'complete': s.complete, 'total': s.total, 'as_of': s.as_of} END AS latest_snapshot,
       s.unit AS latest_snapshot_unit, s.complete AS latest_snapshot_complete, s.total AS latest_snapshot_total,
       s.as_of AS latest_snapshot_as_of,
       date_diff('day', l.onsite_start, l.progress_review_onsite) AS days_to_progress_review
FROM councils co
JOIN latest l USING (council_id)
LEFT JOIN recs r ON r.challenge_id = l.challenge_id
LEFT JOIN snap s ON s.challenge_id = l.challenge_id
WHERE ($council_type IS NULL OR co.council_type = $council_type)
  AND ($region IS NULL OR co.region = $region)
ORDER BY co.name
