-- The recommendations on one theme (or all), for the list on the Themes page: the first $limit (by
-- council, challenge and number - the order of themes__recommendations). $core_theme = a core element
-- ($not_tagged = none recorded); $topic_tags = the tags that map onto a topic (any one matches);
-- both NULL = every recommendation. How many there are in all is in themes__theme_shares.
-- Optional filters (lists; empty or NULL = no filter): $council_types, $regions, $year_from, $year_to.
SELECT s.recommendation_id, s.council_id, s.council_name, s.challenge_id, s.challenge_month, s.seq, s.number,
       s.title, s.core_theme, r.core_theme_source, s.topics, r.topics_source,
       s.latest_status, s.latest_assessed_by
FROM recommendation_status s
JOIN recommendations r USING (recommendation_id)
WHERE ($council_types IS NULL OR len(CAST($council_types AS VARCHAR[])) = 0 OR s.council_type IN (SELECT unnest(CAST($council_types AS VARCHAR[]))))
  AND ($regions IS NULL OR len(CAST($regions AS VARCHAR[])) = 0 OR s.region IN (SELECT unnest(CAST($regions AS VARCHAR[]))))
  AND ($year_from IS NULL OR s.challenge_year >= $year_from)
  AND ($year_to IS NULL OR s.challenge_year <= $year_to)
  AND ($core_theme IS NULL OR coalesce(s.core_theme, $not_tagged) = $core_theme)
  AND ($topic_tags IS NULL OR list_has_any(s.topics, CAST($topic_tags AS VARCHAR[])))
ORDER BY s.council_id, s.challenge_id, s.seq
LIMIT $limit
