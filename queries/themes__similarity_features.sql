-- The distinct (wording, core element, topics) combinations of the recommendations recorded, keyed by
-- the feature_hash of themes__similarity_recommendations: the similarity index on the Themes page
-- vectorises each distinct wording once, however many recommendations share it.
SELECT DISTINCT hash(r.title, r.text, r.core_theme, r.topics) AS feature_hash,
       r.title, r.text, r.core_theme, r.topics
FROM recommendations r
JOIN challenges c USING (challenge_id)
JOIN councils co ON co.council_id = r.council_id
ORDER BY feature_hash
