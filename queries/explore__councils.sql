-- Explore page / export: one row per council with how many challenges and recommendations we hold.
-- Optional filters: $councils, $council_types, $regions (lists; NULL or empty = no filter).
WITH ch AS (
    SELECT council_id, count(*) AS challenges,
           min(challenge_month) AS first_challenge_month, max(challenge_month) AS latest_challenge_month,
           CAST(sum(coalesce(recommendations_recorded, 0)) AS INTEGER) AS recommendations_recorded
    FROM challenges GROUP BY council_id
),
src AS (
    SELECT council_id, count(*) AS sources_count FROM sources GROUP BY council_id
)
SELECT co.name AS council_name, co.council_id, co.ons_code, co.council_type, co.region,
       coalesce(ch.challenges, 0) AS challenges, ch.first_challenge_month, ch.latest_challenge_month,
       coalesce(ch.recommendations_recorded, 0) AS recommendations_recorded,
       coalesce(src.sources_count, 0) AS sources_count
FROM councils co
LEFT JOIN ch ON ch.council_id = co.council_id
LEFT JOIN src ON src.council_id = co.council_id
WHERE ($councils IS NULL OR len($councils) = 0 OR co.council_id IN (SELECT unnest($councils)))
  AND ($council_types IS NULL OR len($council_types) = 0 OR co.council_type IN (SELECT unnest($council_types)))
  AND ($regions IS NULL OR len($regions) = 0 OR co.region IN (SELECT unnest($regions)))
ORDER BY co.name
LIMIT $limit  -- the page shows the first rows only ($limit); exports and counts leave it NULL (all rows)
