-- Open-and-overdue recommendations of a selection for the Slippage page's table: the $limit (NULL = all)
-- most overdue (days past the original target), then in the challenge's order, with the council's own
-- words for the latest status (status_raw of the latest update carrying a status, looked up for these
-- rows only). The count in all is slippage__summary's open_overdue. slippage_days_min / _max: the range the
-- days can take where the update or target is dated only to a period.
-- Optional filters (NULL = no filter; lists empty = no filter): $council_types, $regions, $year_from, $year_to,
-- $council_id, and the theme: $core_theme, or $topic_tags (a list: the topic tags as stored that map onto
-- the chosen topic; a recommendation matches when it carries any of them).
WITH top AS (
    SELECT s.recommendation_id, s.council_id, s.council_name, s.challenge_id, s.challenge_month, s.seq,
           s.number, s.title, s.slippage_days, s.slippage_days_min, s.slippage_days_max,
           s.target_date, s.target_precision,
           s.revised_target, s.revised_target_precision, s.latest_as_of, s.latest_as_of_precision,
           s.latest_status, s.latest_assessed_by
    FROM themed_selection($council_types, $regions, $year_from, $year_to, $council_id, $core_theme, $topic_tags) s
    WHERE s.slippage_bucket = 'open_overdue'
    ORDER BY s.slippage_days DESC, s.council_id, s.challenge_id, s.seq
    LIMIT $limit
), words AS (
    SELECT recommendation_id, status_raw AS latest_status_raw
    FROM updates
    WHERE status IS NOT NULL AND recommendation_id IN (SELECT recommendation_id FROM top)
    QUALIFY row_number() OVER (PARTITION BY recommendation_id ORDER BY as_of DESC NULLS LAST, seq DESC) = 1
)
SELECT top.*, words.latest_status_raw
FROM top
LEFT JOIN words USING (recommendation_id)
ORDER BY top.slippage_days DESC, top.council_id, top.challenge_id, top.seq
