-- Completion by age (DESIGN "completion"): one row per recommendation of the selection that can be placed in
-- time, for a Kaplan–Meier estimate (analysis/stats.py) of the share reported complete within 6, 12 and 24
-- months of the on-site visit. days = from the on-site start to the first update reporting it complete
-- (completed = TRUE), or, for one still open, to its latest dated update (completed = FALSE: censored there).
-- Left out: superseded recommendations (as in the completion share), undated statuses (they cannot be placed
-- in time) and challenges with no on-site date. approximate = a date it rests on is coarser than a day (stored
-- as its period's last day). A joint challenge's records count once (recommendation_selection).
-- Filters (NULL or an empty list = no filter): $council_types, $regions, $year_from, $year_to.
WITH recs AS (
    SELECT s.*, c.onsite_start, c.onsite_start_precision
    FROM themed_selection($council_types, $regions, $year_from, $year_to, NULL, NULL, NULL) s
    JOIN challenges c USING (challenge_id)
    WHERE c.onsite_start IS NOT NULL AND s.latest_status IS NOT NULL AND s.latest_status <> 'superseded'
)
SELECT recommendation_id, council_id, challenge_id, challenge_year, latest_status, latest_assessed_by,
       latest_status = 'complete' AS completed,
       date_diff('day', onsite_start,
                 CASE WHEN latest_status = 'complete' THEN completed_on ELSE latest_as_of END) AS days,
       (onsite_start_precision <> 'day'
        OR coalesce(CASE WHEN latest_status = 'complete' THEN completed_on_precision ELSE latest_as_of_precision END,
                    'day') <> 'day') AS approximate
FROM recs
WHERE (CASE WHEN latest_status = 'complete' THEN completed_on ELSE latest_as_of END) IS NOT NULL
ORDER BY challenge_year, challenge_id, recommendation_id
