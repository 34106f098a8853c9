-- The topics recommendations are tagged with, and how many recommendations carry each (filter options).
SELECT topic, count(*) AS recommendations
FROM (SELECT unnest(topics) AS topic FROM recommendations)
GROUP BY topic
ORDER BY topic
