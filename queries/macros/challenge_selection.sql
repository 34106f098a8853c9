-- Defined on every connection (peer_challenges/store/db.py), used by the Overview page's queries.
-- challenge_selection(...): the challenges passing the shared filters, with their council's name, type and region.
-- NULL (or an empty list) = no filter: p_council_types, p_regions (lists), p_year_from, p_year_to (on-site year;
-- a challenge with no known date is dropped when either is set).
CREATE OR REPLACE MACRO challenge_selection(p_council_types, p_regions, p_year_from, p_year_to) AS TABLE
SELECT c.*, co.name, co.council_type, co.region
FROM challenges c
JOIN councils co USING (council_id)
WHERE (coalesce(len(CAST(p_council_types AS VARCHAR[])), 0) = 0 OR list_contains(CAST(p_council_types AS VARCHAR[]), co.council_type))
  AND (coalesce(len(CAST(p_regions AS VARCHAR[])), 0) = 0 OR list_contains(CAST(p_regions AS VARCHAR[]), co.region))
  AND (p_year_from IS NULL OR year(c.onsite_start) >= p_year_from)
  AND (p_year_to IS NULL OR year(c.onsite_start) <= p_year_to);
