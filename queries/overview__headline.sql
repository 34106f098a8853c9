-- Headline figures for the overview, over the challenges that pass the shared filters.
-- Filters (all optional; NULL or an empty list = no filter): $council_types, $regions (lists of VARCHAR; on the command line write them as '[district, county]'),
-- $year_from, $year_to (on-site year; a challenge with no known date is dropped when either is set).
-- Count once: a joint challenge (report_group) is one challenge (challenges); challenge_rows counts one per council.
-- Recommendations: recommendations_recorded counts records that are one recommendation with its own wording;
-- records_other the placeholders, headings and focus areas (records_other_stand_for: how many they stand for).
-- Completion at a date ($as_of, NULL = today; queries/macros/status_as_of.sql): complete / (status_known -
-- superseded) over the records whose latest status on or before that date is known; the same restricted to
-- statuses the peer team gave (peer_*), and statuses_by_council / _peer_team / _unknown say whose they are.
-- Days to progress review: CPC progress reviews only, a joint one once ($exclude_pandemic TRUE leaves out
-- pandemic-delayed processes): the median of the stored days with the medians of the earliest and latest
-- possible days, and met / missed / undecidable against the ten-month norm.
WITH ch AS (
    SELECT * EXCLUDE (name, council_type, region)
    FROM challenge_selection($council_types, $regions, $year_from, $year_to)
),
recs AS (
    SELECT rs.* FROM recommendation_status rs
    WHERE rs.challenge_id IN (SELECT challenge_id FROM ch)
      AND (rs.challenge_id = rs.report_group OR rs.report_group NOT IN (SELECT challenge_id FROM recommendation_status))
),
st AS (
    SELECT s.* FROM status_as_of($as_of) s WHERE s.recommendation_id IN (SELECT recommendation_id FROM recs)
),
pr AS (
    SELECT * FROM progress_reviews($council_types, $regions, $year_from, $year_to)
    WHERE NOT (coalesce($exclude_pandemic, FALSE) AND pandemic_delayed)
)
SELECT
    (SELECT count(DISTINCT council_id) FROM ch) AS councils,
    (SELECT count(DISTINCT report_group) FROM ch) AS challenges,
    (SELECT count(*) FROM ch) AS challenge_rows,
    (SELECT count(*) FROM ch WHERE onsite_start IS NULL) AS challenges_undated,
    (SELECT count(*) FROM recs WHERE counts_as_recommendation) AS recommendations_recorded,
    (SELECT count(*) FROM recs WHERE NOT counts_as_recommendation) AS records_other,
    (SELECT CAST(coalesce(sum(stands_for), 0) AS BIGINT) FROM recs WHERE NOT counts_as_recommendation) AS records_other_stand_for,
    (SELECT count(DISTINCT challenge_id) FROM recs) AS challenges_with_recommendations,
    (SELECT count(DISTINCT report_group) FROM ch WHERE recommendations_total IS NOT NULL) AS challenges_with_total,
    (SELECT CAST(coalesce(sum(t), 0) AS BIGINT) FROM (SELECT any_value(recommendations_total) AS t FROM ch GROUP BY report_group))
        AS recommendations_made_stated,
    (SELECT count(*) FROM recs WHERE challenge_id IN (SELECT challenge_id FROM ch WHERE recommendations_total IS NOT NULL))
        AS recorded_where_total_stated,
    coalesce(CAST($as_of AS DATE), current_date) AS completion_as_of,
    (SELECT count(*) FROM st) AS recommendations_with_status,
    (SELECT count(DISTINCT r.challenge_id) FROM recs r JOIN st USING (recommendation_id)) AS challenges_with_status,
    (SELECT count(*) FROM st WHERE status = 'complete') AS complete,
    (SELECT count(*) FROM st WHERE status = 'superseded') AS superseded,
    (SELECT count(*) FROM st WHERE assessed_by = 'council') AS statuses_by_council,
    (SELECT count(*) FROM st WHERE assessed_by = 'peer_team') AS statuses_by_peer_team,
    (SELECT count(*) FROM st WHERE assessed_by NOT IN ('council', 'peer_team') OR assessed_by IS NULL) AS statuses_by_unknown,
    (SELECT count(*) FROM st WHERE assessed_by = 'peer_team' AND status = 'complete') AS peer_complete,
    (SELECT count(*) FROM st WHERE assessed_by = 'peer_team' AND status = 'superseded') AS peer_superseded,
    (SELECT count(*) FROM pr) AS challenges_with_progress_review,
    (SELECT median(days_to_progress_review) FROM pr) AS median_days_to_progress_review,
    (SELECT median(days_to_progress_review_min) FROM pr) AS median_days_to_progress_review_min,
    (SELECT median(days_to_progress_review_max) FROM pr) AS median_days_to_progress_review_max,
    (SELECT count(*) FROM pr WHERE verdict = 'met') AS progress_reviews_within_norm,
    (SELECT count(*) FROM pr WHERE verdict = 'missed') AS progress_reviews_missed_norm,
    (SELECT count(*) FROM pr WHERE verdict = 'undecidable') AS progress_reviews_undecidable,
    (SELECT count(DISTINCT challenge_id) FROM progress_snapshots WHERE challenge_id IN (SELECT challenge_id FROM ch))
        AS challenges_with_snapshots
