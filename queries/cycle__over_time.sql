-- The cycle over time: on 1 April of each year from 2015 to this year, for each council type, how many
-- councils were in force THEN (a district abolished later still counts for the years it existed) and how many
-- of them had a challenge on record here that began in the five years before that date (its latest visit
-- judged as council_cycle does: 'within' only, borderline months counted apart); and the challenges that began
-- in the twelve months to that date (a joint challenge once).
WITH dates AS (
    SELECT make_date(CAST(y AS INTEGER), 4, 1) AS on_date FROM range(2015, year(current_date) + 1) t(y)
), reg AS (
    SELECT d.on_date, r.council_id, r.council_type
    FROM dates d JOIN council_register r
      ON r.valid_from <= d.on_date AND (r.valid_to IS NULL OR r.valid_to > d.on_date)
), latest AS (
    SELECT reg.on_date, reg.council_id, reg.council_type, max(rc.onsite_latest) AS latest,
           arg_max(rc.onsite_start_precision, rc.onsite_latest) AS latest_precision
    FROM reg LEFT JOIN register_challenges() rc
      ON rc.register_council_id = reg.council_id AND rc.onsite_earliest <= reg.on_date
    GROUP BY ALL
), judged AS (
    SELECT *, norm_verdict(latest, latest_precision, on_date, 'day', lga_cycle_months()) AS verdict FROM latest
), started AS (
    SELECT d.on_date, co.council_type, count(DISTINCT c.report_group) AS challenges_in_year
    FROM dates d JOIN challenges c
      ON c.onsite_start > d.on_date - INTERVAL 1 YEAR AND c.onsite_start <= d.on_date
    JOIN councils co ON co.council_id = c.council_id
    GROUP BY ALL
)
SELECT j.on_date, j.council_type, count(*) AS councils_in_force,
       count(*) FILTER (WHERE j.verdict = 'met') AS within_five_years,
       count(*) FILTER (WHERE j.verdict = 'undecidable') AS borderline,
       coalesce(any_value(s.challenges_in_year), 0) AS challenges_in_year
FROM judged j LEFT JOIN started s ON s.on_date = j.on_date AND s.council_type = j.council_type
GROUP BY ALL
ORDER BY j.on_date, j.council_type
