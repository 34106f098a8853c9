-- Dataset-wide facts the app needs on every page: year range and whether the data is synthetic.
SELECT (SELECT min(year(onsite_start)) FROM challenges) AS first_year,
       (SELECT max(year(onsite_start)) FROM challenges) AS last_year,
       (SELECT bool_or(synthetic) FROM councils) AS synthetic_councils,
       (SELECT count(*) FROM councils) AS councils,
       (SELECT count(*) FROM challenges) AS challenges
