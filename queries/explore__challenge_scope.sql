-- Explore page: how many challenges match the council / type / region / year filters, how many of
-- them have recommendations recorded, and for how many we hold fewer recommendations than the report
-- made (same filters and meanings as explore__challenges). Count once: a joint challenge (report_group) is one
-- challenge, as on the overview.
WITH grp AS (
    SELECT c.report_group,
           any_value(c.recommendations_total) AS made,
           max(coalesce(c.recommendations_recorded, 0)) AS recorded
    FROM challenges c
    JOIN councils co ON co.council_id = c.council_id
    WHERE ($councils IS NULL OR len($councils) = 0 OR c.council_id IN (SELECT unnest($councils)))
      AND ($council_types IS NULL OR len($council_types) = 0 OR co.council_type IN (SELECT unnest($council_types)))
      AND ($regions IS NULL OR len($regions) = 0 OR co.region IN (SELECT unnest($regions)))
      AND ($year_from IS NULL OR CAST(substr(c.challenge_month, 1, 4) AS INTEGER) >= $year_from)
      AND ($year_to IS NULL OR CAST(substr(c.challenge_month, 1, 4) AS INTEGER) <= $year_to)
    GROUP BY c.report_group
)
SELECT count(*) AS challenges,
       count(*) FILTER (WHERE recorded > 0) AS with_recommendations,
       count(*) FILTER (WHERE made > recorded) AS fewer_than_made
FROM grp
