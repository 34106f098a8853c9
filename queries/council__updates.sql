-- The update history of every recommendation of one challenge ($challenge_id), oldest first within each
-- recommendation (undated updates first, then source order), with the source each came from.
SELECT u.update_id, u.recommendation_id, u.seq, u.as_of, u.as_of_precision, u.status, u.status_raw, u.rag,
       u.revised_target, u.revised_target_precision, u.assessed_by, u.peer_view, u.note,
       s.title AS source_title, s.url AS source_url
FROM updates u
LEFT JOIN sources s ON s.source_id = u.source_id
WHERE u.challenge_id = $challenge_id
ORDER BY u.recommendation_id, u.seq
