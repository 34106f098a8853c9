-- The challenges of one council ($council_id), most recent first (a challenge with no known on-site date
-- last). challenge_key names the challenge in URLs: its on-site month (YYYY-MM), or 'unknown'.
-- recommendations_recorded counts the recommendations this dataset holds; recommendations_total is how
-- many the report made, where known.
SELECT c.*, coalesce(c.challenge_month, 'unknown') AS challenge_key,
       (SELECT count(*) FROM progress_snapshots s WHERE s.challenge_id = c.challenge_id) AS snapshots
FROM challenges c
WHERE c.council_id = $council_id
ORDER BY c.onsite_start DESC NULLS LAST, c.challenge_id DESC
