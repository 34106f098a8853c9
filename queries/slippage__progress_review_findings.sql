-- What LGA progress reviews said about individual recommendations: updates the peer team assessed
-- (assessed_by = 'peer_team'), updates whose source is an LGA progress-review report (such a report often
-- quotes the COUNCIL'S OWN rating: then assessed_by = 'council'), and every update where the peers disputed
-- the council's rating (peer_view: what the peers said instead). note_reports_disagreement is TRUE exactly
-- where peer_view is recorded (a curated field of the facts, no longer a text match on the note).
-- Optional filters (lists; empty or NULL = no filter): $council_types, $regions, $year_from, $year_to, $council_id.
-- Disputes first; at most $limit rows (NULL = all), with findings_total and disagreements_total
-- counting every row of the selection.
WITH f AS (
SELECT u.update_id, s.recommendation_id, s.council_id, s.council_name, s.council_type, s.region,
       s.challenge_id, s.challenge_month, s.challenge_year, s.seq, s.number, s.title, s.core_theme,
       u.seq AS update_seq, u.as_of, u.as_of_precision, u.status, u.status_raw, u.rag, u.note,
       u.assessed_by, u.peer_view, u.peer_view IS NOT NULL AS note_reports_disagreement,
       src.url AS source_url, src.title AS source_title
FROM updates u
JOIN recommendation_status s USING (recommendation_id)
LEFT JOIN sources src ON src.source_id = u.source_id
WHERE (u.assessed_by = 'peer_team' OR u.peer_view IS NOT NULL OR src.kind = 'lga_progress_review')
  AND ($council_types IS NULL OR len(CAST($council_types AS VARCHAR[])) = 0 OR s.council_type IN (SELECT unnest(CAST($council_types AS VARCHAR[]))))
  AND ($regions IS NULL OR len(CAST($regions AS VARCHAR[])) = 0 OR s.region IN (SELECT unnest(CAST($regions AS VARCHAR[]))))
  AND ($year_from IS NULL OR s.challenge_year >= $year_from)
  AND ($year_to IS NULL OR s.challenge_year <= $year_to)
  AND ($council_id IS NULL OR s.council_id = $council_id)
), totals AS (
    SELECT count(*) AS findings_total, count(*) FILTER (WHERE note_reports_disagreement) AS disagreements_total
    FROM f
), shown AS (
    SELECT * FROM f
    ORDER BY note_reports_disagreement DESC, council_id, challenge_id, seq, update_seq
    LIMIT $limit
)
SELECT shown.* EXCLUDE (update_seq), totals.*
FROM shown, totals
ORDER BY note_reports_disagreement DESC, council_id, challenge_id, seq, update_seq
