-- Every recommendation recorded for one challenge ($challenge_id), in source order, with its full text,
-- latest status and slippage (recommendation_status) and the source it came from.
SELECT rs.recommendation_id, rs.seq, rs.number, rs.title, r.text, rs.core_theme, rs.topics, rs.record_flag, rs.record_kind, rs.stands_for,
       rs.accountable, rs.responsible, rs.target_raw, rs.target_date, rs.target_precision,
       rs.latest_status, rs.latest_as_of, rs.latest_as_of_precision, rs.latest_rag, rs.latest_assessed_by, rs.latest_peer_view,
       rs.completed_on, rs.revised_target, rs.revised_target_precision, rs.slippage_days, rs.slippage_bucket,
       rs.is_open, rs.updates_count, s.title AS source_title, s.url AS source_url
FROM recommendation_status rs
JOIN recommendations r USING (recommendation_id)
LEFT JOIN sources s ON s.source_id = r.source_id
WHERE rs.challenge_id = $challenge_id
ORDER BY rs.seq
