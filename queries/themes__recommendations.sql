-- One row per recommendation recorded that is one recommendation with its own wording (counts_as_recommendation:
-- placeholders, headings and focus areas are left out; themes__left_out counts them), with what the Themes page needs: wording (title, text), core
-- element and topics with where each label came from (core_theme_source / topics_source: 'curated' =
-- written in the source file; anything else = proposed by the keyword tagger; NULL = none), the latest
-- status (and who assessed it), and the council. Also the denominator the page needs for shares: a challenge
-- counts as "with recommendations recorded" when it has at least one row here.
-- $all_records TRUE keeps every record (the similarity index searches any wording, headings too).
-- Optional filters (lists; empty or NULL = no filter; on the command line write [district, unitary]): $council_types, $regions, $year_from, $year_to.
SELECT s.recommendation_id, s.council_id, s.council_name, s.council_type, s.region,
       s.challenge_id, s.challenge_month, s.challenge_year, s.seq, s.number, s.title, r.text,
       s.core_theme, r.core_theme_source, s.topics, r.topics_source, s.record_flag, s.record_kind,
       s.latest_status, s.latest_as_of, s.latest_as_of_precision, s.latest_assessed_by,
       r.source_id, src.url AS source_url, src.title AS source_title
FROM recommendation_selection($council_types, $regions, $year_from, $year_to, NULL, NULL, NULL) s
JOIN recommendations r USING (recommendation_id)
LEFT JOIN sources src ON src.source_id = r.source_id
WHERE s.counts_as_recommendation OR coalesce($all_records, FALSE)
ORDER BY s.council_id, s.challenge_id, s.seq
