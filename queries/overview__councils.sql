-- One row per council with at least one challenge passing the shared filters ($council_types, $regions
-- lists; $year_from, $year_to), describing its most recent such challenge (undated counts as oldest).
-- completion_share = complete / (recommendations with a reported status - superseded); NULL when none.
-- days_to_progress_review: to the CPC's own progress review only (not a later follow-up or health check), with
-- _min / _max where a date is known only to its month (challenge_timeliness).
WITH ch AS (
    SELECT c.*,
           count(*) OVER (PARTITION BY c.council_id) AS challenges,
           row_number() OVER (PARTITION BY c.council_id ORDER BY c.onsite_start DESC NULLS LAST, c.challenge_id DESC) AS rn
    FROM challenge_selection($council_types, $regions, $year_from, $year_to) c
),
recs AS (
    SELECT challenge_id, count(*) AS recorded, count(latest_status) AS with_status,
           count(*) FILTER (WHERE latest_status = 'complete') AS complete,
           count(*) FILTER (WHERE latest_status = 'superseded') AS superseded,
           count(*) FILTER (WHERE slippage_bucket = 'open_overdue') AS overdue
    FROM recommendation_status GROUP BY challenge_id
)
SELECT ch.council_id, ch.name, ch.council_type, ch.region, ch.challenges, ch.challenge_id, ch.challenge_month,
       ch.onsite_start, ch.onsite_start_precision,
       coalesce(r.recorded, 0) AS recommendations_recorded, ch.recommendations_total,
       coalesce(r.with_status, 0) AS recommendations_with_status, coalesce(r.complete, 0) AS complete,
       coalesce(r.superseded, 0) AS superseded, coalesce(r.overdue, 0) AS overdue,
       CASE WHEN coalesce(r.with_status, 0) - coalesce(r.superseded, 0) > 0
            THEN r.complete / (r.with_status - r.superseded) END AS completion_share,
       t.days_to_progress_review, t.days_to_progress_review_min, t.days_to_progress_review_max
FROM ch
LEFT JOIN recs r USING (challenge_id)
LEFT JOIN challenge_timeliness t USING (challenge_id)
WHERE ch.rn = 1
ORDER BY ch.name
LIMIT $limit  -- the page draws the first rows only; NULL = all
