-- One row per recommendation recorded (one with its own wording: placeholders, headings and focus areas are
-- left out, as in every slippage figure; slippage__left_out counts them), for the Slippage page: the ORIGINAL target (as written and as a
-- date with its precision), the revised target beside it (never instead of it), the date first reported
-- complete, the latest self-reported status with its as-of date and the council's own words for it, and
-- slippage in days against the original target (DESIGN.md definitions; computed at build time in
-- recommendation_status). why_not_measured says, for rows with no slippage, what is missing (macro in
-- queries/macros/recommendation_selection.sql).
-- Optional filters (lists; empty or NULL = no filter; on the command line write [district, unitary]):
-- $council_types, $regions, $year_from, $year_to, $council_id.
WITH latest_words AS (
    SELECT recommendation_id, status_raw AS latest_status_raw, note AS latest_note, source_id AS latest_update_source_id
    FROM updates
    WHERE status IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY recommendation_id ORDER BY as_of DESC NULLS LAST, seq DESC) = 1
)
SELECT s.recommendation_id, s.council_id, s.council_name, s.council_type, s.region,
       s.challenge_id, s.challenge_month, s.challenge_year, s.seq, s.number, s.title,
       s.core_theme, s.topics, s.record_flag,
       s.target_raw, s.target_date, s.target_precision,
       s.revised_target, s.revised_target_precision,
       s.completed_on,
       s.latest_status, l.latest_status_raw, s.latest_as_of, s.latest_as_of_precision, s.latest_rag,
       s.latest_assessed_by, l.latest_note,
       s.is_open, s.slippage_days, s.slippage_bucket,
       why_not_measured(s.slippage_days, s.target_date, s.target_raw, s.latest_status) AS why_not_measured,
       src.url AS latest_source_url
FROM recommendation_status s
LEFT JOIN latest_words l USING (recommendation_id)
LEFT JOIN sources src ON src.source_id = l.latest_update_source_id
WHERE s.counts_as_recommendation  -- placeholders, headings and focus areas are not recommendations
  AND ($council_types IS NULL OR len(CAST($council_types AS VARCHAR[])) = 0 OR s.council_type IN (SELECT unnest(CAST($council_types AS VARCHAR[]))))
  AND ($regions IS NULL OR len(CAST($regions AS VARCHAR[])) = 0 OR s.region IN (SELECT unnest(CAST($regions AS VARCHAR[]))))
  AND ($year_from IS NULL OR s.challenge_year >= $year_from)
  AND ($year_to IS NULL OR s.challenge_year <= $year_to)
  AND ($council_id IS NULL OR s.council_id = $council_id)
ORDER BY s.council_id, s.challenge_id, s.seq
