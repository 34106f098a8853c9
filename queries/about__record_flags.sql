-- How many recorded recommendations carry each record flag (NULL = an ordinary numbered recommendation).
SELECT record_flag, count(*) AS recommendations, count(DISTINCT challenge_id) AS challenges
FROM recommendations
GROUP BY record_flag
ORDER BY record_flag NULLS FIRST
