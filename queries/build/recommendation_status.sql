-- Derived at build time: one row per recommendation with its latest status (and who gave it) and slippage.
-- Definitions (DESIGN.md): the latest update is the one with a status and the latest as_of
-- (undated updates count as the earliest; ties go to the later entry in the source file).
-- Slippage = (date first reported complete, or for an open recommendation its latest update's as_of)
-- minus the ORIGINAL target date, in days. Revised targets are shown beside it, never used instead.
-- A target given as a period is a deadline: its last day. The date slippage is measured to may be known
-- only to its month, quarter or year: slippage_days_min / _max are the earliest and latest it can be
-- (domain/intervals.py), and slippage_certain says whether the bucket holds wherever in that period it fell.
-- counts_as_recommendation: the record is one recommendation with its own wording (record_kind
-- recommendation or inferred), not a placeholder, a heading over several, or a council-requested focus area.
WITH latest AS (
    SELECT recommendation_id,
           status AS latest_status, as_of AS latest_as_of, as_of_precision AS latest_as_of_precision,
           rag AS latest_rag, assessed_by AS latest_assessed_by, peer_view AS latest_peer_view,
           source_id AS latest_source_id
    FROM updates
    WHERE status IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY recommendation_id ORDER BY as_of DESC NULLS LAST, seq DESC) = 1
),
completed AS (
    SELECT recommendation_id, min(as_of) AS first_complete_as_of,
           arg_min(as_of_precision, as_of) AS first_complete_as_of_precision
    FROM updates WHERE status = 'complete' GROUP BY recommendation_id
),
revised AS (
    SELECT recommendation_id, revised_target, revised_target_precision
    FROM updates WHERE revised_target IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY recommendation_id ORDER BY as_of DESC NULLS LAST, seq DESC) = 1
),
n_updates AS (
    SELECT recommendation_id, count(*) AS updates_count FROM updates GROUP BY recommendation_id
),
base AS (
    SELECT r.recommendation_id, r.council_id, r.challenge_id, c.challenge_month,
           CAST(substr(c.challenge_month, 1, 4) AS INTEGER) AS challenge_year,
           co.name AS council_name, co.council_type, co.region,
           r.seq, r.number, r.title, r.core_theme, r.core_theme_source, r.topics, r.record_flag,
           r.record_kind, r.stands_for, r.record_kind IN ('recommendation', 'inferred') AS counts_as_recommendation,
           c.report_group,
           r.accountable, r.responsible, r.target_raw, r.target_date, r.target_precision,
           l.latest_status, l.latest_as_of, l.latest_as_of_precision, l.latest_rag, l.latest_assessed_by,
           l.latest_peer_view, l.latest_source_id,
           CASE WHEN l.latest_status = 'complete' THEN cp.first_complete_as_of END AS completed_on,
           CASE WHEN l.latest_status = 'complete' THEN cp.first_complete_as_of_precision END AS completed_on_precision,
           rv.revised_target, rv.revised_target_precision,
           coalesce(n.updates_count, 0) AS updates_count,
           l.latest_status IN ('in_progress', 'not_started', 'ongoing', 'delayed') AS is_open
    FROM recommendations r
    JOIN challenges c USING (challenge_id)
    JOIN councils co ON co.council_id = r.council_id
    LEFT JOIN latest l USING (recommendation_id)
    LEFT JOIN completed cp USING (recommendation_id)
    LEFT JOIN revised rv USING (recommendation_id)
    LEFT JOIN n_updates n USING (recommendation_id)
),
measured AS (
    -- the date slippage is measured to: first reported complete, or (still open) the latest update
    SELECT *,
           CASE WHEN target_date IS NULL THEN NULL
                WHEN latest_status = 'complete' THEN completed_on
                WHEN is_open THEN latest_as_of END AS measured_to,
           CASE WHEN target_date IS NULL THEN NULL
                WHEN latest_status = 'complete' THEN completed_on_precision
                WHEN is_open THEN latest_as_of_precision END AS measured_to_precision
    FROM base
),
slip AS (
    SELECT * EXCLUDE (measured_to, measured_to_precision),
           date_diff('day', target_date, measured_to) AS slippage_days,
           interval_min(target_date, 'day', measured_to, measured_to_precision) AS slippage_days_min,
           interval_max(target_date, 'day', measured_to, measured_to_precision) AS slippage_days_max
    FROM measured
)
SELECT *,
       CASE
           WHEN target_date IS NULL THEN 'no_target'
           WHEN slippage_days IS NULL THEN 'unknown'
           WHEN latest_status = 'complete' AND slippage_days <= 0 THEN 'on_time'
           WHEN latest_status = 'complete' THEN 'late'
           WHEN slippage_days > 0 THEN 'open_overdue'
           ELSE 'open_not_due'
       END AS slippage_bucket,
       -- the bucket holds wherever in its period the measured date fell
       CASE
           WHEN slippage_days IS NULL THEN NULL
           ELSE (slippage_days_max <= 0) OR (slippage_days_min > 0)
       END AS slippage_certain
FROM slip
ORDER BY council_id, challenge_id, seq
