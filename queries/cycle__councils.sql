-- Every council in force on $as_of (NULL = today) with where it stands against the five-year cycle
-- (council_cycle: within | borderline | overdue | date_not_known | none_on_record), its latest challenge on
-- record here and its predecessors' latest; optional filters $statuses, $council_types, $regions, $council_ids
-- (lists; empty = no filter). Ordered: longest since a challenge first, then none on record, by name.
SELECT cc.*, p.name AS predecessor_latest_council_name
FROM council_cycle($as_of) cc
LEFT JOIN council_register p ON p.council_id = cc.predecessor_latest_council_id
WHERE (coalesce(len(CAST($statuses AS VARCHAR[])), 0) = 0 OR list_contains(CAST($statuses AS VARCHAR[]), cc.cycle_status))
  AND (coalesce(len(CAST($council_types AS VARCHAR[])), 0) = 0 OR list_contains(CAST($council_types AS VARCHAR[]), cc.council_type))
  AND (coalesce(len(CAST($regions AS VARCHAR[])), 0) = 0 OR list_contains(CAST($regions AS VARCHAR[]), cc.region))
  AND (coalesce(len(CAST($council_ids AS VARCHAR[])), 0) = 0 OR list_contains(CAST($council_ids AS VARCHAR[]), cc.council_id))
ORDER BY cc.latest_onsite_start NULLS LAST, cc.name, cc.council_id
