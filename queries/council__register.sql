-- A council's entry in the register (council_register) and its direct successors and predecessors
-- (relation = self | successor | predecessor), for the Council page; $council_id may be a register id or a
-- source-file id that stands for it (e.g. a joint record of two councils gives both).
WITH self AS (
    SELECT * FROM council_register
    WHERE council_id = $council_id OR list_contains(facts_council_ids, $council_id)
)
SELECT 'self' AS relation, s.council_id AS of_council_id, s.* FROM self s
UNION ALL
SELECT DISTINCT 'successor', s.council_id, r.* FROM self s JOIN council_register r ON list_contains(s.successor_ids, r.council_id)
UNION ALL
SELECT DISTINCT 'predecessor', s.council_id, r.* FROM self s JOIN council_register r ON list_contains(s.predecessor_ids, r.council_id)
ORDER BY CASE relation WHEN 'self' THEN 0 WHEN 'predecessor' THEN 1 ELSE 2 END, name
