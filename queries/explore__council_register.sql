-- Explore page / export: the council register (data/register), one row per English principal council in force
-- at any time since 1 April 2014, with its predecessors and successors, the challenges on record here, and
-- where each council in force today stands against the five-year cycle (council_cycle; 'not_in_force' for an
-- abolished council). Optional filters: $councils, $council_types, $regions (lists; NULL or empty = no filter).
WITH cyc AS (SELECT * FROM council_cycle(NULL)),
rc AS (SELECT register_council_id AS council_id, count(DISTINCT challenge_id) AS challenges_on_record,
              max(challenge_month) AS latest_challenge_month
       FROM register_challenges() GROUP BY 1)
SELECT r.name AS council_name, r.council_id, r.gss_code, r.council_type, r.region, r.region_basis,
       r.valid_from, r.valid_to,
       array_to_string(r.predecessor_ids, '; ') AS predecessor_ids,
       array_to_string(r.successor_ids, '; ') AS successor_ids,
       coalesce(rc.challenges_on_record, 0) AS challenges_on_record, rc.latest_challenge_month,
       coalesce(cyc.cycle_status, 'not_in_force') AS cycle_status,
       CAST(date_diff('day', cyc.latest_onsite_start, cyc.as_of) AS INTEGER) AS days_since, cyc.next_due_by,
       r.source AS register_source
FROM council_register r
LEFT JOIN rc ON rc.council_id = r.council_id
LEFT JOIN cyc ON cyc.council_id = r.council_id
WHERE ($councils IS NULL OR len($councils) = 0 OR r.council_id IN (SELECT unnest($councils))
       OR len(list_intersect(r.facts_council_ids, $councils)) > 0)
  AND ($council_types IS NULL OR len($council_types) = 0 OR r.council_type IN (SELECT unnest($council_types)))
  AND ($regions IS NULL OR len($regions) = 0 OR r.region IN (SELECT unnest($regions)))
ORDER BY r.name, r.council_id
LIMIT $limit  -- the page shows the first rows only ($limit); exports and counts leave it NULL (all rows)
