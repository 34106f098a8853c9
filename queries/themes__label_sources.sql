-- Where the core element and topic labels of the selected recommendations came from (Themes page, How
-- tagging works): how many are curated (written in the source file), labelled at all (curated or
-- proposed by the keyword tagger) and unlabelled, for core elements and for topics.
-- Optional filters (lists; empty or NULL = no filter): $council_types, $regions, $year_from, $year_to.
SELECT count(*) FILTER (WHERE r.core_theme_source = 'curated') AS core_curated,
       count(r.core_theme_source) AS core_labelled,
       count(*) FILTER (WHERE r.core_theme_source IS NULL) AS core_none,
       count(*) FILTER (WHERE r.topics_source = 'curated') AS topics_curated,
       count(r.topics_source) AS topics_labelled,
       count(*) FILTER (WHERE r.topics_source IS NULL) AS topics_none
FROM recommendation_status s
JOIN recommendations r USING (recommendation_id)
WHERE ($council_types IS NULL OR len(CAST($council_types AS VARCHAR[])) = 0 OR s.council_type IN (SELECT unnest(CAST($council_types AS VARCHAR[]))))
  AND ($regions IS NULL OR len(CAST($regions AS VARCHAR[])) = 0 OR s.region IN (SELECT unnest(CAST($regions AS VARCHAR[]))))
  AND ($year_from IS NULL OR s.challenge_year >= $year_from)
  AND ($year_to IS NULL OR s.challenge_year <= $year_to)
