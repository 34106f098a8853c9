-- Defined on every connection (peer_challenges/store/db.py): the five-year cycle and reorganisations.
--
-- councils_in_force(p_on): the council_register rows in force on a date (valid_from <= p_on < valid_to;
-- NULL = today), with the source-file council ids that stand for each (facts_council_ids).
CREATE OR REPLACE MACRO councils_in_force(p_on) AS TABLE
SELECT r.*
FROM council_register r
WHERE r.valid_from <= CAST(coalesce(p_on, current_date) AS DATE)
  AND (r.valid_to IS NULL OR r.valid_to > CAST(coalesce(p_on, current_date) AS DATE));

-- council_ancestry(): every (council, predecessor) pair through any number of reorganisations (Somerset
-- Council <- Somerset West and Taunton <- Taunton Deane), with the depth (1 = direct predecessor).
CREATE OR REPLACE MACRO council_ancestry() AS TABLE
WITH RECURSIVE direct AS (
    SELECT council_id, unnest(predecessor_ids) AS predecessor_id FROM council_register
), anc(council_id, predecessor_id, depth) AS (
    SELECT council_id, predecessor_id, 1 FROM direct
    UNION
    SELECT a.council_id, d.predecessor_id, a.depth + 1
    FROM anc a JOIN direct d ON d.council_id = a.predecessor_id
    WHERE a.depth < 10
)
SELECT council_id, predecessor_id, min(depth) AS depth FROM anc GROUP BY ALL;

-- register_challenges(): every challenge on record here with the register council it belongs to (a joint
-- record such as Chiltern and South Bucks belongs to each partner council) and the earliest and latest day
-- its visit may have begun (a month-only date spans its month; NULL when the date is not known).
CREATE OR REPLACE MACRO register_challenges() AS TABLE
WITH ids AS (SELECT council_id, unnest(facts_council_ids) AS facts_council_id FROM council_register)
SELECT ids.council_id AS register_council_id, c.challenge_id, c.council_id, c.challenge_month, c.report_group,
       c.onsite_start, c.onsite_start_precision,
       period_start(c.onsite_start, c.onsite_start_precision) AS onsite_earliest, c.onsite_start AS onsite_latest
FROM ids JOIN challenges c ON c.council_id = ids.facts_council_id;

-- council_cycle(p_as_of): every council in force on p_as_of (NULL = today) with its own challenges on record
-- here that began on or before that date, the latest of them, and where it stands against the LGA's
-- expectation of a challenge at least every five years (lga_cycle_months()):
--   cycle_status = within (the visit began within five years of the date) | overdue (more than five years
--   ago) | borderline (the visit is known only to a month that straddles the five-year line) |
--   date_not_known (on record, but no visit date) | none_on_record (no challenge on record HERE: absence from
--   our data is not proof that no challenge happened).
-- A predecessor's challenge is not the council's own: predecessor_latest_* name the latest of them, for context.
CREATE OR REPLACE MACRO council_cycle(p_as_of) AS TABLE
WITH reg AS (
    SELECT *, CAST(coalesce(p_as_of, current_date) AS DATE) AS as_of FROM councils_in_force(p_as_of)
), own AS (
    SELECT rc.* FROM register_challenges() rc JOIN reg ON reg.council_id = rc.register_council_id
    WHERE rc.onsite_earliest IS NULL OR rc.onsite_earliest <= reg.as_of
), latest AS (
    SELECT register_council_id AS council_id, count(*) AS challenges_on_record,
           count(onsite_latest) AS dated_challenges,
           arg_max(challenge_id, onsite_latest) FILTER (WHERE onsite_latest IS NOT NULL) AS latest_challenge_id,
           arg_max(challenge_month, onsite_latest) FILTER (WHERE onsite_latest IS NOT NULL) AS latest_challenge_month,
           max(onsite_latest) AS latest_onsite_start,
           arg_max(onsite_start_precision, onsite_latest) FILTER (WHERE onsite_latest IS NOT NULL) AS latest_onsite_start_precision
    FROM own GROUP BY 1
), pred AS (
    SELECT a.council_id, arg_max(rc.challenge_id, rc.onsite_latest) AS predecessor_latest_challenge_id,
           arg_max(rc.register_council_id, rc.onsite_latest) AS predecessor_latest_council_id,
           max(rc.onsite_latest) AS predecessor_latest_onsite_start, count(DISTINCT rc.challenge_id) AS predecessor_challenges
    FROM council_ancestry() a JOIN register_challenges() rc ON rc.register_council_id = a.predecessor_id
    JOIN reg ON reg.council_id = a.council_id
    WHERE rc.onsite_latest IS NOT NULL AND rc.onsite_earliest <= reg.as_of
    GROUP BY 1
)
SELECT reg.council_id, reg.name, reg.council_type, reg.region, reg.gss_code, reg.valid_from, reg.as_of,
       coalesce(l.challenges_on_record, 0) AS challenges_on_record,
       l.latest_challenge_id, l.latest_challenge_month, l.latest_onsite_start, l.latest_onsite_start_precision,
       CASE WHEN l.latest_onsite_start IS NOT NULL
            THEN round(date_diff('day', l.latest_onsite_start, reg.as_of) / 365.25, 1) END AS years_since,
       CAST(l.latest_onsite_start + to_months(lga_cycle_months()) AS DATE) AS next_due_by,
       CASE WHEN coalesce(l.challenges_on_record, 0) = 0 THEN 'none_on_record'
            WHEN l.dated_challenges = 0 THEN 'date_not_known'
            ELSE CASE norm_verdict(l.latest_onsite_start, l.latest_onsite_start_precision, reg.as_of, 'day',
                                   lga_cycle_months())
                      WHEN 'met' THEN 'within' WHEN 'missed' THEN 'overdue' ELSE 'borderline' END
       END AS cycle_status,
       p.predecessor_challenges, p.predecessor_latest_challenge_id, p.predecessor_latest_council_id,
       p.predecessor_latest_onsite_start
FROM reg
LEFT JOIN latest l USING (council_id)
LEFT JOIN pred p USING (council_id);
