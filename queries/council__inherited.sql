-- The challenges of a council's predecessors (through every reorganisation: council_ancestry), shown on the
-- successor's page as inherited: one row per challenge (a joint challenge of two predecessors once, both named)
-- with the predecessor(s), when abolished, and its recommendations by latest status (open = a known latest
-- status that is not complete or superseded; recommendations as counted elsewhere: placeholders and headings
-- left out, counted apart as other_records).
WITH self AS (
    SELECT DISTINCT council_id FROM council_register
    WHERE council_id = $council_id OR list_contains(facts_council_ids, $council_id)
), chal AS (
    SELECT rc.challenge_id, string_agg(DISTINCT p.name, ' and ' ORDER BY p.name) AS predecessor_names,
           list(DISTINCT p.council_id ORDER BY p.council_id) AS predecessor_ids, min(p.valid_to) AS abolished_on,
           min(a.depth) AS depth, any_value(rc.council_id) AS challenge_council_id,
           any_value(rc.challenge_month) AS challenge_month, any_value(rc.onsite_start) AS onsite_start,
           any_value(rc.onsite_start_precision) AS onsite_start_precision
    FROM self
    JOIN council_ancestry() a ON a.council_id = self.council_id
    JOIN council_register p ON p.council_id = a.predecessor_id
    JOIN register_challenges() rc ON rc.register_council_id = p.council_id
    GROUP BY rc.challenge_id
)
SELECT chal.*,
       count(rs.recommendation_id) FILTER (WHERE rs.counts_as_recommendation) AS recommendations,
       count(rs.recommendation_id) FILTER (WHERE NOT rs.counts_as_recommendation) AS other_records,
       count(rs.recommendation_id) FILTER (WHERE rs.counts_as_recommendation AND rs.latest_status = 'complete') AS complete,
       count(rs.recommendation_id) FILTER (WHERE rs.counts_as_recommendation AND rs.latest_status IS NOT NULL
                                           AND rs.latest_status NOT IN ('complete', 'superseded')) AS open,
       count(rs.recommendation_id) FILTER (WHERE rs.counts_as_recommendation AND rs.latest_status IS NULL) AS status_not_reported
FROM chal
LEFT JOIN recommendation_status rs ON rs.challenge_id = chal.challenge_id
GROUP BY ALL
ORDER BY chal.onsite_start NULLS LAST, chal.predecessor_names
