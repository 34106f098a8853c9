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
FROM themed_selection($council_types, $regions, $year_from, $year_to, NULL, NULL, NULL) s
JOIN recommendations r USING (recommendation_id)
