-- How one challenge ($challenge_id) compares with similar councils: the challenge itself, then every
-- challenge of councils of the same type, of the same region, and all challenges.
-- completion_share = complete / (recommendations with a reported status - superseded), pooled over the
-- recommendations of the group (NULL when none has a status); median_days_to_progress_review over the
-- challenges with both an on-site date and a CPC progress review (not a later follow-up or health check);
-- _min / _max: the medians of the earliest and latest possible days where a date is known only to its month
-- (challenge_timeliness); progress_review_verdict: met | missed | undecidable for the challenge itself.
-- The comparison groups count a joint challenge once (report_group; the challenge itself is always its own
-- row). The counts are the denominators. statuses_by_council / _peer_team / _unknown say who gave the latest
-- statuses behind the share (the council's own rating, the peer team's finding, or not known).
WITH this AS (
    SELECT c.challenge_id, co.council_id, co.name, co.council_type, co.region
    FROM challenges c JOIN councils co USING (council_id)
    WHERE c.challenge_id = $challenge_id
),
per_challenge AS (
    SELECT t.challenge_id, t.council_id, t.council_type, t.region, t.report_group,
           t.days_to_progress_review, t.days_to_progress_review_min, t.days_to_progress_review_max,
           t.progress_review_verdict,
           count(rs.latest_status) AS with_status,
           count(*) FILTER (WHERE rs.latest_status = 'complete') AS complete,
           count(*) FILTER (WHERE rs.latest_status = 'superseded') AS superseded,
           count(*) FILTER (WHERE rs.latest_status IS NOT NULL AND rs.latest_assessed_by = 'council') AS by_council,
           count(*) FILTER (WHERE rs.latest_status IS NOT NULL AND rs.latest_assessed_by = 'peer_team') AS by_peer_team
    FROM challenge_timeliness t  -- one row per challenge, with its council's type and region
    LEFT JOIN recommendation_status rs USING (challenge_id)
    GROUP BY ALL
),
groups AS (
    SELECT 1 AS ord, 'this' AS grp, p.* FROM per_challenge p WHERE p.challenge_id = (SELECT challenge_id FROM this)
    UNION ALL
    SELECT 2, 'type', p.* FROM per_challenge p WHERE p.council_type = (SELECT council_type FROM this)
      AND p.challenge_id = p.report_group
    UNION ALL
    SELECT 3, 'region', p.* FROM per_challenge p WHERE p.region = (SELECT region FROM this)
      AND p.challenge_id = p.report_group
    UNION ALL
    SELECT 4, 'all', p.* FROM per_challenge p WHERE EXISTS (SELECT 1 FROM this) AND p.challenge_id = p.report_group
)
SELECT ord, grp,
       CASE grp WHEN 'this' THEN (SELECT name FROM this)
                WHEN 'type' THEN (SELECT council_type FROM this)
                WHEN 'region' THEN (SELECT region FROM this)
                ELSE 'all' END AS group_value,
       count(DISTINCT council_id) AS councils,
       count(*) AS challenges,
       count(*) FILTER (WHERE with_status > 0) AS challenges_with_status,
       sum(with_status) AS recommendations_with_status,
       sum(complete) AS complete,
       sum(superseded) AS superseded,
       sum(by_council) AS statuses_by_council,
       sum(by_peer_team) AS statuses_by_peer_team,
       sum(with_status) - sum(by_council) - sum(by_peer_team) AS statuses_by_unknown,
       CASE WHEN sum(with_status) - sum(superseded) > 0
            THEN sum(complete) / (sum(with_status) - sum(superseded)) END AS completion_share,
       count(days_to_progress_review) AS challenges_with_progress_review,
       median(days_to_progress_review) AS median_days_to_progress_review,
       median(days_to_progress_review_min) AS median_days_to_progress_review_min,
       median(days_to_progress_review_max) AS median_days_to_progress_review_max,
       CASE WHEN grp = 'this' THEN any_value(progress_review_verdict) END AS progress_review_verdict
FROM groups
GROUP BY ord, grp
ORDER BY ord
