-- Open-and-overdue recommendations of a selection grouped as the Slippage page lists them (council,
-- challenge, days overdue, latest update and original target, each date with its precision), ordered by
-- council name, challenge and days, at most $limit groups (NULL = all); `groups` is how many there are in
-- all. numbers lists the recommendations' numbers in the challenge's order ('–' when none); a group's
-- revised target is given when its recommendations share exactly one (with the first precision recorded).
-- slippage_days_min / _max: the range the days can take when the update is dated only to a period;
-- by_council / by_peer_team / by_unknown: whose rating the latest statuses are.
-- Optional filters (NULL = no filter; lists empty = no filter): $council_types, $regions, $year_from, $year_to,
-- $council_id, and the theme: $core_theme, or $topic_tags (a list: the topic tags as stored that map onto
-- the chosen topic; a recommendation matches when it carries any of them).
WITH o AS (
    SELECT s.*
    FROM themed_selection($council_types, $regions, $year_from, $year_to, $council_id, $core_theme, $topic_tags) s
    WHERE s.slippage_bucket = 'open_overdue'
), g AS (
    SELECT council_name, challenge_month, slippage_days, latest_as_of, latest_as_of_precision,
           target_date, target_precision,
           count(*) AS recommendations,
           min(slippage_days_min) AS slippage_days_min, max(slippage_days_max) AS slippage_days_max,
           count(*) FILTER (WHERE latest_assessed_by = 'council') AS by_council,
           count(*) FILTER (WHERE latest_assessed_by = 'peer_team') AS by_peer_team,
           count(*) FILTER (WHERE latest_assessed_by IS NULL OR latest_assessed_by = 'unknown') AS by_unknown,
           count(DISTINCT revised_target) AS revised_targets,
           min(revised_target) AS revised_target
    FROM o
    GROUP BY ALL
), shown AS (
    SELECT *, count(*) OVER () AS groups
    FROM g
    ORDER BY council_name NULLS LAST, challenge_month NULLS LAST, slippage_days NULLS LAST, latest_as_of NULLS LAST,
             latest_as_of_precision NULLS LAST, target_date NULLS LAST, target_precision NULLS LAST
    LIMIT $limit
), detail AS (
    -- numbers and the first revised-target precision, for the groups shown only
    SELECT k.council_name, k.challenge_month, k.slippage_days, k.latest_as_of, k.latest_as_of_precision,
           k.target_date, k.target_precision,
           string_agg(coalesce(o.number, '–'), ', ' ORDER BY o.council_id, o.challenge_id, o.seq) AS numbers,
           first(o.revised_target_precision ORDER BY o.council_id, o.challenge_id, o.seq)
               FILTER (WHERE o.revised_target_precision IS NOT NULL) AS revised_target_precision
    FROM shown k
    JOIN o ON o.council_name IS NOT DISTINCT FROM k.council_name
          AND o.challenge_month IS NOT DISTINCT FROM k.challenge_month
          AND o.slippage_days IS NOT DISTINCT FROM k.slippage_days
          AND o.latest_as_of IS NOT DISTINCT FROM k.latest_as_of
          AND o.latest_as_of_precision IS NOT DISTINCT FROM k.latest_as_of_precision
          AND o.target_date IS NOT DISTINCT FROM k.target_date
          AND o.target_precision IS NOT DISTINCT FROM k.target_precision
    GROUP BY ALL
)
SELECT k.*, d.numbers, d.revised_target_precision
FROM shown k
JOIN detail d ON d.council_name IS NOT DISTINCT FROM k.council_name
             AND d.challenge_month IS NOT DISTINCT FROM k.challenge_month
             AND d.slippage_days IS NOT DISTINCT FROM k.slippage_days
             AND d.latest_as_of IS NOT DISTINCT FROM k.latest_as_of
             AND d.latest_as_of_precision IS NOT DISTINCT FROM k.latest_as_of_precision
             AND d.target_date IS NOT DISTINCT FROM k.target_date
             AND d.target_precision IS NOT DISTINCT FROM k.target_precision
ORDER BY k.council_name NULLS LAST, k.challenge_month NULLS LAST, k.slippage_days NULLS LAST,
         k.latest_as_of NULLS LAST, k.latest_as_of_precision NULLS LAST, k.target_date NULLS LAST,
         k.target_precision NULLS LAST
