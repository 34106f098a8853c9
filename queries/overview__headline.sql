-- Headline figures for the overview, over the challenges that pass the shared filters.
-- Filters (all optional; NULL or an empty list = no filter): $council_types, $regions (lists of VARCHAR; on the command line write them as '[district, county]'),
-- $year_from, $year_to (on-site year; a challenge with no known date is dropped when either is set).
-- Completion share = complete / (recommendations with a reported status - superseded), pooled over
-- recommendations; recommendations_with_status and superseded give its denominator.
-- Days to progress review = on-site start to the progress review's on-site date, where both are known.
WITH ch AS (
    SELECT * EXCLUDE (name, council_type, region)
    FROM challenge_selection($council_types, $regions, $year_from, $year_to)
),
recs AS (
    SELECT rs.* FROM recommendation_status rs WHERE rs.challenge_id IN (SELECT challenge_id FROM ch)
),
pr AS (
    SELECT date_diff('day', onsite_start, progress_review_onsite) AS days,
           progress_review_onsite <= onsite_start + to_months(lga_norm_months('progress_review')) AS within_norm
    FROM ch WHERE onsite_start IS NOT NULL AND progress_review_onsite IS NOT NULL
)
SELECT
    (SELECT count(DISTINCT council_id) FROM ch) AS councils,
    (SELECT count(*) FROM ch) AS challenges,
    (SELECT count(*) FROM ch WHERE onsite_start IS NULL) AS challenges_undated,
    (SELECT count(*) FROM recs) AS recommendations_recorded,
    (SELECT count(DISTINCT challenge_id) FROM recs) AS challenges_with_recommendations,
    (SELECT count(*) FROM ch WHERE recommendations_total IS NOT NULL) AS challenges_with_total,
    (SELECT CAST(coalesce(sum(recommendations_total), 0) AS BIGINT) FROM ch) AS recommendations_made_stated,
    (SELECT count(*) FROM recs WHERE challenge_id IN (SELECT challenge_id FROM ch WHERE recommendations_total IS NOT NULL))
        AS recorded_where_total_stated,
    (SELECT count(latest_status) FROM recs) AS recommendations_with_status,
    (SELECT count(DISTINCT challenge_id) FROM recs WHERE latest_status IS NOT NULL) AS challenges_with_status,
    (SELECT count(*) FROM recs WHERE latest_status = 'complete') AS complete,
    (SELECT count(*) FROM recs WHERE latest_status = 'superseded') AS superseded,
    (SELECT count(*) FROM pr) AS challenges_with_progress_review,
    (SELECT median(days) FROM pr) AS median_days_to_progress_review,
    (SELECT count(*) FROM pr WHERE within_norm) AS progress_reviews_within_norm,
    (SELECT count(DISTINCT challenge_id) FROM progress_snapshots WHERE challenge_id IN (SELECT challenge_id FROM ch))
        AS challenges_with_snapshots
