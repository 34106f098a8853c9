-- Council pickers over a very long list: the councils in $ids (those already chosen) whatever the search,
-- then those whose name contains $q (case-insensitive; NULL = any), by name; at most $limit rows.
SELECT co.council_id, co.name
FROM councils co
WHERE ($ids IS NOT NULL AND co.council_id IN (SELECT unnest($ids)))
   OR ($q IS NULL OR contains(lower(co.name), lower($q)))
ORDER BY ($ids IS NOT NULL AND co.council_id IN (SELECT unnest($ids))) DESC, co.name, co.council_id
LIMIT $limit
