-- Council-wide progress figures for one challenge ($challenge_id), each counting ONE unit
-- (recommendations or actions; never mixed), oldest first, with who gave it (assessed_by), whether it is a
-- forecast rather than a count, and its source.
SELECT p.snapshot_id, p.as_of, p.as_of_precision, p.unit, p.total, p.complete, p.in_progress, p.not_started,
       p.rag_green, p.rag_amber, p.rag_red, p.basis, p.note, p.assessed_by, p.is_forecast, s.title AS source_title, s.url AS source_url
FROM progress_snapshots p
LEFT JOIN sources s ON s.source_id = p.source_id
WHERE p.challenge_id = $challenge_id
ORDER BY p.as_of NULLS FIRST, p.snapshot_id
