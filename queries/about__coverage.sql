-- What the dataset holds, one measure per row (computed, never typed): the About page's coverage table.
SELECT ord, measure, CAST(value AS BIGINT) AS value, note FROM (VALUES
    (1, 'Councils', (SELECT count(*) FROM councils), 'councils with at least one challenge recorded'),
    (2, 'Challenges', (SELECT count(*) FROM challenges), 'corporate peer challenges recorded'),
    (3, 'Challenges with a known on-site date', (SELECT count(onsite_start) FROM challenges), 'the rest are shown as "date not known"'),
    (4, 'Challenges with recommendations recorded', (SELECT count(DISTINCT challenge_id) FROM recommendations), 'at least one recommendation held here'),
    (5, 'Recommendations recorded', (SELECT count(*) FROM recommendations), 'including headings, groups, inferred, unnumbered and focus-area records'),
    (6, 'Challenges stating how many recommendations they made', (SELECT count(recommendations_total) FROM challenges), 'the report''s own total is known'),
    (7, 'Recommendations made, where the total is stated', (SELECT CAST(coalesce(sum(recommendations_total), 0) AS BIGINT) FROM challenges), 'sum of the stated totals'),
    (8, 'Recommendations recorded, where the total is stated', (SELECT count(*) FROM recommendations r JOIN challenges c USING (challenge_id) WHERE c.recommendations_total IS NOT NULL), 'compare with the line above'),
    (9, 'Recommendations with a reported status', (SELECT count(latest_status) FROM recommendation_status), 'self-reported unless a progress review assessed it'),
    (10, 'Status updates', (SELECT count(*) FROM updates), 'every reported status, target change or note'),
    (11, 'Status updates assessed by a progress review', (SELECT count(*) FROM updates WHERE assessed_by = 'peer_review'), 'the rest are the council''s own'),
    (12, 'Council-wide progress snapshots counting recommendations', (SELECT count(*) FROM progress_snapshots WHERE unit = 'recommendations'), 'unit: recommendations'),
    (13, 'Council-wide progress snapshots counting actions', (SELECT count(*) FROM progress_snapshots WHERE unit = 'actions'), 'unit: actions (never added to recommendations)'),
    (14, 'Challenges with a progress-review date', (SELECT count(progress_review_onsite) FROM challenges), 'the peers'' return visit'),
    (15, 'Sources', (SELECT count(*) FROM sources), 'web pages and documents cited')
) AS t(ord, measure, value, note)
ORDER BY ord
