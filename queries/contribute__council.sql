-- Contribute page: the council block a new source file of $council_id carries -- the one its source files
-- give (the build requires every file of a council to agree), else its register entry.
SELECT council_id, name, ons_code, council_type, region FROM councils WHERE council_id = $council_id
UNION ALL
SELECT council_id, name, gss_code, council_type, region FROM council_register
WHERE council_id = $council_id AND NOT EXISTS (SELECT 1 FROM councils WHERE council_id = $council_id)
