-- Topics ranked by how many challenges raised them (then by recommendations), over the challenges that
-- pass the shared filters ($council_types, $regions lists; $year_from, $year_to). As the Themes page counts
-- them: only records that are one recommendation with its own wording (themed_selection; headings and
-- placeholders are never themed), a joint challenge's once.
-- challenges_with_recommendations is the denominator: challenges with at least one such recommendation.
WITH recs AS (
    SELECT challenge_id, recommendation_id, topics
    FROM themed_selection($council_types, $regions, $year_from, $year_to, NULL, NULL, NULL)
),
tagged AS (SELECT challenge_id, recommendation_id, unnest(topics) AS topic FROM recs)
SELECT topic,
       count(DISTINCT challenge_id) AS challenges,
       count(DISTINCT recommendation_id) AS recommendations,
       (SELECT count(DISTINCT challenge_id) FROM recs) AS challenges_with_recommendations
FROM tagged
GROUP BY topic
ORDER BY challenges DESC, recommendations DESC, topic
