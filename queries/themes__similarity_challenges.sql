-- The challenges with recommendations recorded, numbered for the similarity index of the Themes page
-- (challenge_key 0, 1, 2, ... in council_id, challenge_id order; themes__similarity_recommendations
-- refers to them by that number): council, council name and challenge month.
WITH chal AS (
    SELECT DISTINCT r.council_id, r.challenge_id, co.name AS council_name, c.challenge_month
    FROM recommendations r
    JOIN challenges c USING (challenge_id)
    JOIN councils co ON co.council_id = r.council_id
)
SELECT row_number() OVER (ORDER BY council_id, challenge_id) - 1 AS challenge_key,
       council_id, council_name, challenge_id, challenge_month
FROM chal
ORDER BY challenge_key
