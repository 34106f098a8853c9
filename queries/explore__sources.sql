-- The sources behind a set of exported rows: those named by $source_ids, plus every source of the
-- challenges in $challenge_ids and of the councils in $council_ids (lists; NULL or empty = none).
SELECT s.source_id, co.name AS council_name, s.council_id, s.challenge_id, s.title, s.kind,
       s.published, s.published_precision, s.url
FROM sources s
LEFT JOIN councils co ON co.council_id = s.council_id
WHERE ($source_ids IS NOT NULL AND s.source_id IN (SELECT unnest($source_ids)))
   OR ($challenge_ids IS NOT NULL AND s.challenge_id IN (SELECT unnest($challenge_ids)))
   OR ($council_ids IS NOT NULL AND s.council_id IN (SELECT unnest($council_ids)))
ORDER BY co.name, s.challenge_id, s.source_id
