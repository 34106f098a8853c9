-- Topics ranked by how many challenges raised them (then by recommendations), over the challenges that
-- pass the shared filters ($council_types, $regions lists; $year_from, $year_to).
-- challenges_with_recommendations is the denominator: challenges with at least one recommendation recorded.
WITH recs AS (
    SELECT rs.*
    FROM recommendation_status rs
    WHERE rs.challenge_id IN (SELECT challenge_id FROM challenge_selection($council_types, $regions, $year_from, $year_to))
),
tagged AS (SELECT challenge_id, recommendation_id, unnest(topics) AS topic FROM recs)
SELECT topic,
       count(DISTINCT challenge_id) AS challenges,
       count(DISTINCT recommendation_id) AS recommendations,
       (SELECT count(DISTINCT challenge_id) FROM recs) AS challenges_with_recommendations
FROM tagged
GROUP BY topic
ORDER BY challenges DESC, recommendations DESC, topic
