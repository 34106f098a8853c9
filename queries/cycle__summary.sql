-- The five-year cycle nationally: how many councils in force on $as_of (NULL = today) have a corporate peer
-- challenge on record here within five years of that date, overdue, borderline, date not known or none on
-- record; overall (dimension = 'all'), by council type and by region (grp). From council_cycle (queries/macros/cycle.sql).
SELECT CASE WHEN grouping(council_type) = 0 THEN 'council_type'
            WHEN grouping(region) = 0 THEN 'region' ELSE 'all' END AS dimension,
       coalesce(council_type, region) AS grp,
       count(*) AS councils,
       count(*) FILTER (WHERE cycle_status = 'within') AS within,
       count(*) FILTER (WHERE cycle_status = 'borderline') AS borderline,
       count(*) FILTER (WHERE cycle_status = 'overdue') AS overdue,
       count(*) FILTER (WHERE cycle_status = 'date_not_known') AS date_not_known,
       count(*) FILTER (WHERE cycle_status = 'none_on_record') AS none_on_record,
       count(*) FILTER (WHERE challenges_on_record > 0) AS with_any_on_record,
       any_value(as_of) AS as_of
FROM council_cycle($as_of)
GROUP BY GROUPING SETS ((), (council_type), (region))
ORDER BY CASE dimension WHEN 'all' THEN 0 WHEN 'council_type' THEN 1 ELSE 2 END, grp
