-- One row per recommendation: latest self-reported status, completion date and slippage against the
-- ORIGINAL target (revised target alongside). Optional filters: $council_id, $challenge_id.
SELECT recommendation_id, council_id, council_name, council_type, region, challenge_id, challenge_month,
       challenge_year, seq, number, title, core_theme, topics, record_flag, accountable, responsible,
       target_raw, target_date, target_precision, latest_status, latest_as_of, latest_as_of_precision,
       latest_rag, latest_assessed_by, completed_on, revised_target, revised_target_precision,
       slippage_days, slippage_bucket, is_open, updates_count
FROM recommendation_status
WHERE ($council_id IS NULL OR council_id = $council_id)
  AND ($challenge_id IS NULL OR challenge_id = $challenge_id)
ORDER BY council_id, challenge_id, seq
