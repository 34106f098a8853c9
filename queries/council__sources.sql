-- The sources of one challenge ($challenge_id), in the order the source file lists them.
SELECT source_id, title, kind, published, published_precision, url
FROM sources
WHERE challenge_id = $challenge_id
ORDER BY TRY_CAST(regexp_extract(source_id, '-s(\d+)$', 1) AS INTEGER) NULLS LAST, source_id
