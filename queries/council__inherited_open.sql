-- The open recommendations a council inherits from its predecessors' challenges (latest status known and not
-- complete or superseded), with whose rating the status is; for the Council page.
WITH self AS (
    SELECT council_id FROM council_register
    WHERE council_id = $council_id OR list_contains(facts_council_ids, $council_id)
)
SELECT DISTINCT p.name AS predecessor_name, rc.challenge_month, rs.number, rs.title, rs.latest_status, rs.latest_as_of,
       rs.latest_as_of_precision, rs.latest_assessed_by, rs.target_date, rs.target_precision, rs.recommendation_id
FROM self
JOIN council_ancestry() a ON a.council_id = self.council_id
JOIN council_register p ON p.council_id = a.predecessor_id
JOIN register_challenges() rc ON rc.register_council_id = p.council_id
JOIN recommendation_status rs ON rs.challenge_id = rc.challenge_id
WHERE rs.counts_as_recommendation AND rs.latest_status IS NOT NULL AND rs.latest_status NOT IN ('complete', 'superseded')
ORDER BY rc.onsite_start, p.name, rs.seq
