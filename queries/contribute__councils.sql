-- Contribute page: the councils a document may be about -- every council in the register (in force or
-- abolished since 1 April 2014) and any council on record here under an id the register does not use (a joint
-- record such as chiltern-and-south-bucks), by name. A council with source files shows the name they give.
SELECT r.council_id, coalesce(c.name, r.name) AS name, r.council_type, r.region, r.valid_to
FROM council_register r LEFT JOIN councils c ON c.council_id = r.council_id
UNION ALL
SELECT c.council_id, c.name, c.council_type, c.region, NULL::DATE
FROM councils c WHERE c.council_id NOT IN (SELECT council_id FROM council_register)
ORDER BY name, council_id
