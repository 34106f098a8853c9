-- Every council with its number of challenges, for the council picker (ordered by name); with
-- $council_id, that council only.
SELECT co.council_id, co.name, co.council_type, co.region, co.ons_code, count(c.challenge_id) AS challenges
FROM councils co
LEFT JOIN challenges c USING (council_id)
WHERE $council_id IS NULL OR co.council_id = $council_id
GROUP BY ALL
ORDER BY co.name, co.council_id
