-- Defined on every connection (peer_challenges/store/db.py), used by the Slippage and Themes pages' queries.
-- recommendation_selection(...): the recommendation_status rows of a selection, a joint challenge's once (the
-- report_group lead's records where it has any, else its partner's). NULL (or an empty list) = no
-- filter: p_council_types, p_regions (lists), p_year_from, p_year_to (on-site year), p_council_id, p_core_theme,
-- p_topic_tags (a list: the topic tags as stored that map onto the chosen topic; any of them matches).
CREATE OR REPLACE MACRO recommendation_selection(p_council_types, p_regions, p_year_from, p_year_to, p_council_id,
                                                 p_core_theme, p_topic_tags) AS TABLE
SELECT * FROM recommendation_status
WHERE (challenge_id = report_group  -- a joint challenge's records count once: the lead's, else a partner's
       OR report_group NOT IN (SELECT challenge_id FROM recommendation_status))
  AND (p_council_types IS NULL OR len(CAST(p_council_types AS VARCHAR[])) = 0 OR list_contains(CAST(p_council_types AS VARCHAR[]), council_type))
  AND (p_regions IS NULL OR len(CAST(p_regions AS VARCHAR[])) = 0 OR list_contains(CAST(p_regions AS VARCHAR[]), region))
  AND (p_year_from IS NULL OR challenge_year >= p_year_from)
  AND (p_year_to IS NULL OR challenge_year <= p_year_to)
  AND (p_council_id IS NULL OR council_id = p_council_id)
  AND (p_core_theme IS NULL OR core_theme = p_core_theme)
  AND (p_topic_tags IS NULL OR list_has_any(topics, CAST(p_topic_tags AS VARCHAR[])));

-- why_not_measured(...): for a recommendation with no slippage figure, what is missing (NULL when measured).
CREATE OR REPLACE MACRO why_not_measured(slippage_days, target_date, target_raw, latest_status) AS
    CASE
        WHEN slippage_days IS NOT NULL THEN NULL
        WHEN target_date IS NULL AND target_raw IS NOT NULL THEN 'target has no date'
        WHEN target_date IS NULL THEN 'no target recorded'
        WHEN latest_status IS NULL THEN 'no status reported'
        WHEN latest_status = 'superseded' THEN 'superseded'
        WHEN latest_status = 'complete' THEN 'completion date not known'
        ELSE 'status has no date'
    END;

-- themed_selection(...): recommendation_selection's rows that are one recommendation with its own wording
-- (counts_as_recommendation): what theme counts, shares, "recommendations behind a theme", slippage and
-- completion by age count.
-- Placeholders, headings and focus areas are left out (themes__left_out says how many).
CREATE OR REPLACE MACRO themed_selection(p_council_types, p_regions, p_year_from, p_year_to, p_council_id,
                                         p_core_theme, p_topic_tags) AS TABLE
SELECT * FROM recommendation_selection(p_council_types, p_regions, p_year_from, p_year_to, p_council_id,
                                       p_core_theme, p_topic_tags)
WHERE counts_as_recommendation;
