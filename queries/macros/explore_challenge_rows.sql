-- Defined on every connection (peer_challenges/store/db.py), used by the Explore page's challenge queries
-- (explore__challenges, explore__challenge_scope), so the table and its scope caption select the same rows.
-- explore_challenge_rows(...): one row per challenge of each council (a joint challenge once per partner), with
-- the council's name, type and region. NULL (or an empty list) = no filter: p_councils, p_council_types,
-- p_regions (lists), p_year_from, p_year_to (on-site year from challenge_month, inclusive; a challenge with no
-- known on-site month is left out only when a year filter is given).
CREATE OR REPLACE MACRO explore_challenge_rows(p_councils, p_council_types, p_regions, p_year_from, p_year_to) AS TABLE
SELECT c.*, co.name AS council_name, co.council_type, co.region
FROM challenges c
JOIN councils co ON co.council_id = c.council_id
WHERE (coalesce(len(CAST(p_councils AS VARCHAR[])), 0) = 0 OR list_contains(CAST(p_councils AS VARCHAR[]), c.council_id))
  AND (coalesce(len(CAST(p_council_types AS VARCHAR[])), 0) = 0 OR list_contains(CAST(p_council_types AS VARCHAR[]), co.council_type))
  AND (coalesce(len(CAST(p_regions AS VARCHAR[])), 0) = 0 OR list_contains(CAST(p_regions AS VARCHAR[]), co.region))
  AND (p_year_from IS NULL OR CAST(substr(c.challenge_month, 1, 4) AS INTEGER) >= p_year_from)
  AND (p_year_to IS NULL OR CAST(substr(c.challenge_month, 1, 4) AS INTEGER) <= p_year_to);
