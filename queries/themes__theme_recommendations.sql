-- The recommendations on one theme (or all), for the list on the Themes page: the first $limit (by
-- council, challenge and number - the order of themes__recommendations). $core_theme = a core element
-- ($not_tagged = none recorded); $topic_tags = the tags that map onto a topic (any one matches);
-- both NULL = every recommendation. How many there are in all is in themes__theme_shares.
-- Optional filters (lists; empty or NULL = no filter): $council_types, $regions, $year_from, $year_to.
SELECT s.recommendation_id, s.council_id, s.council_name, s.challenge_id, s.challenge_month, s.seq, s.number,
       s.title, s.core_theme, r.core_theme_source, s.topics, r.topics_source,
       s.latest_status, s.latest_assessed_by
FROM themed_selection($council_types, $regions, $year_from, $year_to, NULL, NULL, NULL) s
JOIN recommendations r USING (recommendation_id)
WHERE ($core_theme IS NULL OR coalesce(s.core_theme, $not_tagged) = $core_theme)
  AND ($topic_tags IS NULL OR list_has_any(s.topics, CAST($topic_tags AS VARCHAR[])))
ORDER BY s.council_id, s.challenge_id, s.seq
LIMIT $limit
