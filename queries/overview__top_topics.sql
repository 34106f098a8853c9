-- Topics ranked by how many challenges raised them (then by recommendations), over the challenges that
-- pass the shared filters ($council_types, $regions lists; $year_from, $year_to).
-- challenges_with_recommendations is the denominator: challenges with at least one recommendation recorded.
WITH recs AS (
    SELECT rs.*
    FROM recommendation_status rs
    JOIN challenges c USING (challenge_id)
    WHERE (coalesce(len(CAST($council_types AS VARCHAR[])), 0) = 0 OR list_contains(CAST($council_types AS VARCHAR[]), rs.council_type))
      AND (coalesce(len(CAST($regions AS VARCHAR[])), 0) = 0 OR list_contains(CAST($regions AS VARCHAR[]), rs.region))
      AND ($year_from IS NULL OR year(c.onsite_start) >= $year_from)
      AND ($year_to IS NULL OR year(c.onsite_start) <= $year_to)
),
tagged AS (SELECT challenge_id, recommendation_id, unnest(topics) AS topic FROM recs)
SELECT topic,
       count(DISTINCT challenge_id) AS challenges,
       count(DISTINCT recommendation_id) AS recommendations,
       (SELECT count(DISTINCT challenge_id) FROM recs) AS challenges_with_recommendations
FROM tagged
GROUP BY topic
ORDER BY challenges DESC, recommendations DESC, topic
