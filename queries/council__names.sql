-- Names of the councils in $ids (a list); unknown ids are left out.
SELECT council_id, name FROM councils WHERE council_id IN (SELECT unnest($ids)) ORDER BY name, council_id
