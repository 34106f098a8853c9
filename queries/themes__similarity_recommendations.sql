-- One row per recommendation recorded (the rows of recommendation_status), for the similarity index of
-- the Themes page - every recommendation in the dataset, whatever the sidebar filters. Kept narrow, as
-- there may be hundreds of thousands: the challenge as its challenge_key in
-- themes__similarity_challenges, and feature_hash, a hash of the wording, core element and topics
-- that keys the row of themes__similarity_features holding them (rows sharing it share a vector).
-- Same order as themes__recommendations (council, challenge, seq).
WITH chal AS (
    SELECT DISTINCT r.council_id, r.challenge_id
    FROM recommendations r
    JOIN challenges c USING (challenge_id)
    JOIN councils co ON co.council_id = r.council_id
),
numbered AS (
    SELECT row_number() OVER (ORDER BY council_id, challenge_id) - 1 AS challenge_key, council_id, challenge_id
    FROM chal
)
SELECT r.recommendation_id, n.challenge_key, r.seq, r.number,
       hash(r.title, r.text, r.core_theme, r.topics) AS feature_hash
FROM recommendations r
JOIN numbered n ON n.council_id = r.council_id AND n.challenge_id = r.challenge_id
ORDER BY n.challenge_key, r.seq, r.recommendation_id
