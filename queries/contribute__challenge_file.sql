-- Contribute page: the source file (relative to the data folder) of $council_id's challenge on site in $month
-- (YYYY-MM); no row when no such challenge is on record.
SELECT source_file FROM challenges WHERE council_id = $council_id AND challenge_month = $month
