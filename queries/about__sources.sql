-- Every source with its council and challenge, for the About page's searchable table.
-- Optional: $search (case-insensitive substring of council name, title, kind or URL), $limit (rows).
SELECT s.source_id, co.council_id, co.name AS council_name, c.challenge_id,
       coalesce(c.challenge_month, 'unknown') AS challenge_key, c.onsite_start, c.onsite_start_precision,
       s.title, s.kind, s.published, s.published_precision, s.url
FROM sources s
JOIN challenges c USING (challenge_id)
JOIN councils co ON co.council_id = c.council_id
WHERE $search IS NULL OR contains(lower(concat_ws(' ', co.name, s.title, s.kind, s.url)), lower($search))
ORDER BY co.name, c.onsite_start NULLS LAST, TRY_CAST(regexp_extract(s.source_id, '-s(\d+)$', 1) AS INTEGER) NULLS LAST, s.source_id
LIMIT $limit
