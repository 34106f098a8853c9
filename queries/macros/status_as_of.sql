-- Defined on every connection (peer_challenges/store/db.py).
-- status_as_of(p_as_of): each recommendation's latest status on or before p_as_of (NULL = today), with who
-- assessed it: the base of "completion at a date" (DESIGN: complete / (all - superseded) over recommendations
-- whose latest status on or before that date is known). An update's as_of is the last day of its period, so
-- one dated "March 2025" counts from 31 March 2025. An undated update is known to have been reported only by
-- now: it counts when p_as_of is today or later, never for an earlier date. Ties: the later entry in the file.
CREATE OR REPLACE MACRO status_as_of(p_as_of) AS TABLE
SELECT recommendation_id, status, as_of, as_of_precision, assessed_by, peer_view
FROM updates
WHERE status IS NOT NULL
  AND (as_of <= coalesce(CAST(p_as_of AS DATE), current_date)
       OR (as_of IS NULL AND coalesce(CAST(p_as_of AS DATE), current_date) >= current_date))
QUALIFY row_number() OVER (PARTITION BY recommendation_id ORDER BY as_of DESC NULLS LAST, seq DESC) = 1;
