"""The data dictionary of every exportable table: for each column its heading, meaning, type and
unit or allowed values. The Excel export writes it as a sheet, the explore page uses it for column
headings and help text, and the Parquet export takes its column types from it.

Plain data, no streamlit or duckdb import. A test checks that every column an export can contain is here.
"""

from __future__ import annotations

from typing import NamedTuple

from peer_challenges.analysis.narrative import SLIPPAGE_LABELS
from peer_challenges.domain.status import NO_STATUS
from peer_challenges.domain.vocab import (
    CORE_THEMES, COUNCIL_TYPES, RECORD_KINDS, REGIONS, SLIPPAGE_BUCKETS, SOURCE_KINDS, STATUSES,
)

# column types, as written in the dictionary sheet; export.py maps them onto Parquet types
TEXT, INTEGER, DATE, BOOLEAN, TEXT_LIST = "text", "whole number", "date", "true/false", "list of text"
TYPES = (TEXT, INTEGER, DATE, BOOLEAN, TEXT_LIST)

PRECISION_VALUES = "day | month | quarter | season | year (blank when there is no date)"
LIST_NOTE = "in CSV and Excel the items are separated by '; '"
DATE_NOTE = "YYYY-MM-DD"

SLIPPAGE_BUCKET_LABELS = SLIPPAGE_LABELS  # one wording for the buckets everywhere (About, Slippage, Explore)
SLIPPAGE_BUCKET_MEANINGS = {
    "on_time": "first reported complete on or before the original target date",
    "late": "first reported complete after the original target date",
    "open_overdue": "still open at its latest update, which is after the original target date",
    "open_not_due": "still open at its latest update, which is on or before the original target date",
    "no_target": "no original target date recorded",
    "unknown": "has a target date, but no dated status to measure slippage against",
}
NOT_REPORTED = NO_STATUS  # filter value for "no status recorded"


class Column(NamedTuple):
    label: str  # the heading in Excel and on screen
    meaning: str
    type: str  # one of TYPES
    values: str = ""  # unit, format or allowed values


def _date(label: str, meaning: str) -> Column:
    return Column(label, meaning + " A date known only to the month, quarter, season or year is stored as the "
                  "last day of that period; the precision column beside it says which.", DATE, DATE_NOTE)


def _precision(of: str) -> Column:
    return Column(f"{of} precision", f"How precisely the {of.lower()} is known.", TEXT, PRECISION_VALUES)


_COUNCIL = {
    "council_name": Column("Council", "The council's name.", TEXT),
    "council_id": Column("Council ID", "The council's identifier in this dataset (used in page links, e.g. "
                         "?council=brentwood).", TEXT, "lower-case words joined by hyphens"),
    "council_type": Column("Council type", "The kind of council.", TEXT, " | ".join(COUNCIL_TYPES)),
    "region": Column("Region", "The English region the council is in.", TEXT, " | ".join(REGIONS)),
}
_CHALLENGE = {
    "challenge_id": Column("Challenge ID", "The peer challenge: council ID and on-site month.", TEXT,
                           "<council_id>-<YYYY-MM>"),
    "challenge_month": Column("On-site month", "The month the peer team was on site.", TEXT, "YYYY-MM"),
    "challenge_year": Column("On-site year", "The calendar year the peer team was on site.", INTEGER, "year"),
}
_STATUS_VALUES = " | ".join(STATUSES)
_ASSESSED = ("council (the council's own rating, also where an LGA progress review quotes it) | peer_team "
             "(the LGA peer team's finding) | unknown (the source does not say who assessed it)")

DICTIONARY: dict[str, dict[str, Column]] = {
    "recommendations": {
        **_COUNCIL,
        **_CHALLENGE,
        "recommendation_id": Column("Recommendation ID", "Identifier of the recommendation in this dataset.", TEXT,
                                    "<challenge_id>-rNN"),
        "number": Column("Number (as printed)", "The recommendation's number as printed in the peer challenge "
                         "report; blank where the report did not number it.", TEXT),
        "title": Column("Recommendation", "The recommendation, in short.", TEXT),
        "text": Column("Full text", "The recommendation's full wording, where we hold it.", TEXT),
        "core_theme": Column("Core theme", "The corporate peer challenge core element the recommendation "
                             "belongs to (curated where the source says, otherwise tagged automatically).",
                             TEXT, " | ".join(CORE_THEMES)),
        "topics": Column("Topics", "Topics from the project's taxonomy (data/taxonomy.yaml) that the "
                         "recommendation raises.", TEXT_LIST, LIST_NOTE),
        "record_flag": Column("Record note", "Marks records that are not a plain numbered recommendation.",
                              TEXT, "unnumbered | heading_or_group | inferred | focus_area | placeholder (blank = none)"),
        "record_kind": Column("Record kind", "What the record is: one recommendation with its wording (recommendation, "
                              "or inferred from the text), a placeholder that only says a recommendation exists, a "
                              "heading over several, or a council-requested focus area. Counts of recommendations "
                              "count recommendation and inferred only; placeholders and headings are never themed "
                              "from their own text.", TEXT, " | ".join(RECORD_KINDS)),
        "stands_for": Column("Stands for", "How many recommendations a heading or placeholder stands for, where "
                             "the source says (blank = not stated).", INTEGER, "count"),
        "accountable": Column("Accountable", "Who the action plan makes accountable.", TEXT),
        "responsible": Column("Responsible", "Who the action plan makes responsible for delivery.", TEXT),
        "target_raw": Column("Target (as written)", "The timescale exactly as the council wrote it.", TEXT),
        "target_date": _date("Original target date", "The original target date from the action plan."),
        "target_precision": _precision("Original target date"),
        "revised_target": _date("Latest revised target", "The latest revised target the council reported "
                                "(shown beside the original, never replacing it)."),
        "revised_target_precision": _precision("Latest revised target"),
        "latest_status": Column("Latest status", "The status at the latest update with a status; 'Status assessed by' "
                                "says whose it is (the council's own rating, the peer team's finding, or not "
                                "known). Blank = no status reported.", TEXT, _STATUS_VALUES),
        "latest_as_of": _date("Status as of", "The date of the latest status (blank where the council did not "
                              "date it)."),
        "latest_as_of_precision": _precision("Status as of"),
        "latest_rag": Column("Latest RAG rating", "The red/amber/green rating given with the latest status, "
                             "kept separately from the status.", TEXT, "red | amber | green"),
        "latest_assessed_by": Column("Status assessed by", "Who assessed the latest status.", TEXT, _ASSESSED),
        "latest_peer_view": Column("Peer team's view", "Where the peer team disputed the council's latest rating: "
                                   "what the peers said instead (blank = not disputed).", TEXT),
        "completed_on": _date("First reported complete", "The as-of date of the first update that reported the "
                              "recommendation complete (only where its latest status is complete)."),
        "slippage_days": Column("Slippage (days)", "Days from the original target date to the date first reported "
                                "complete, or for an open recommendation to its latest update's date. Negative = "
                                "ahead of target.", INTEGER, "days"),
        "slippage_days_min": Column("Slippage, earliest (days)", "The smallest the slippage can be when the date "
                                    "it is measured to is known only to a month, quarter or year (equal to the "
                                    "slippage for a day-exact date).", INTEGER, "days"),
        "slippage_days_max": Column("Slippage, latest (days)", "The largest the slippage can be (see the column "
                                    "before).", INTEGER, "days"),
        "slippage_bucket": Column("Slippage bucket", "Slippage grouped: " + "; ".join(
            f"{k} = {v}" for k, v in SLIPPAGE_BUCKET_MEANINGS.items()) + ".", TEXT, " | ".join(SLIPPAGE_BUCKETS)),
        "updates_count": Column("Progress updates recorded", "How many progress updates we hold for the "
                                "recommendation (see the updates table).", INTEGER, "count"),
        "source_id": Column("Source ID", "The source the recommendation is taken from.", TEXT),
        "source_url": Column("Source (recommendation)", "Web address of the source the recommendation is "
                             "taken from.", TEXT, "URL"),
        "latest_source_id": Column("Status source ID", "The source of the latest status.", TEXT),
        "status_source_url": Column("Source (latest status)", "Web address of the source of the latest status.",
                                    TEXT, "URL"),
    },
    "updates": {
        **_COUNCIL,
        **_CHALLENGE,
        "recommendation_id": Column("Recommendation ID", "The recommendation this update is about.", TEXT,
                                    "<challenge_id>-rNN"),
        "recommendation_number": Column("Recommendation number", "The recommendation's number as printed in the "
                                        "report.", TEXT),
        "recommendation_title": Column("Recommendation", "The recommendation, in short.", TEXT),
        "core_theme": Column("Core theme", "The recommendation's corporate peer challenge core element.", TEXT,
                             " | ".join(CORE_THEMES)),
        "update_id": Column("Update ID", "Identifier of the progress update.", TEXT, "<recommendation_id>-uNN"),
        "as_of": _date("As of", "The date the update describes (blank where the council did not date it)."),
        "as_of_precision": _precision("As of"),
        "status": Column("Status", "The status reported in this update, mapped onto the project's vocabulary. "
                         "'Assessed by' says whose rating it is.", TEXT, _STATUS_VALUES),
        "status_raw": Column("Status (as written)", "The status exactly as the source wrote it.", TEXT),
        "rag": Column("RAG rating", "The red/amber/green rating given in this update.", TEXT, "red | amber | green"),
        "revised_target": _date("Revised target", "A revised target date reported in this update."),
        "revised_target_precision": _precision("Revised target"),
        "assessed_by": Column("Assessed by", "Who assessed the status.", TEXT, _ASSESSED),
        "peer_view": Column("Peer team's view", "Where the peer team disputed the council's rating in this "
                            "update: what the peers said instead (blank = not disputed).", TEXT),
        "note": Column("Progress note", "What the source says about progress.", TEXT),
        "source_id": Column("Source ID", "The source of this update.", TEXT),
        "source_url": Column("Source", "Web address of the source of this update.", TEXT, "URL"),
    },
    "challenges": {
        **_COUNCIL,
        "challenge_id": _CHALLENGE["challenge_id"],
        "kind": Column("Kind", "The kind of peer challenge.", TEXT, "corporate_peer_challenge"),
        "challenge_month": _CHALLENGE["challenge_month"],
        "onsite_start": _date("On-site start", "The first day the peer team was on site."),
        "onsite_start_precision": _precision("On-site start"),
        "onsite_end": _date("On-site end", "The last day the peer team was on site."),
        "onsite_end_precision": _precision("On-site end"),
        "report_published": _date("Report published", "When the peer challenge feedback report was published."),
        "report_published_precision": _precision("Report published"),
        "report_published_basis": Column("Report published: basis", "How the publication date was established.",
                                         TEXT),
        "action_plan_approved": _date("Action plan approved", "When the council approved its action plan."),
        "action_plan_approved_precision": _precision("Action plan approved"),
        "progress_review_onsite": _date("Progress review on site", "When the peer team returned for the progress "
                                        "review."),
        "progress_review_onsite_precision": _precision("Progress review on site"),
        "progress_review_published": _date("Progress review published", "When the progress review report was "
                                           "published."),
        "progress_review_published_precision": _precision("Progress review published"),
        "people_met": Column("People met", "How many people the peer team met, as the report says.", INTEGER,
                             "people"),
        "people_met_lower_bound": Column("People met is a minimum", "True where the report says 'more than' (the "
                                         "figure is a lower bound).", BOOLEAN, "true | false"),
        "meetings_held": Column("Meetings held", "How many meetings the peer team held, as the report says.",
                                INTEGER, "meetings"),
        "meetings_held_lower_bound": Column("Meetings held is a minimum", "True where the report says 'more than' "
                                            "(the figure is a lower bound).", BOOLEAN, "true | false"),
        "peer_team_size": Column("Peer team size", "How many peers were on the team.", INTEGER, "people"),
        "recommendations_total": Column("Recommendations made", "How many recommendations the report made, where "
                                        "known (blank = not known).", INTEGER, "recommendations"),
        "recommendations_recorded": Column("Recommendations recorded", "How many of its recommendations this "
                                           "dataset holds (may be fewer than were made).", INTEGER,
                                           "recommendations"),
        "focus_areas": Column("Council-requested focus areas", "Areas the council asked the peers to look at.",
                              TEXT_LIST, LIST_NOTE),
        "joint_with": Column("Joint with", "Other councils the challenge was held jointly with (council IDs).",
                             TEXT_LIST, LIST_NOTE),
        "notes": Column("Notes", "Curator's notes on the record.", TEXT),
        "sources_count": Column("Sources held", "How many sources we hold for the challenge (listed on the "
                                "Sources sheet of the Excel download).", INTEGER, "sources"),
        "source_url": Column("Main source", "Web address of the challenge's main source: the LGA feedback report "
                             "where we hold it, otherwise the progress review, otherwise another source.",
                             TEXT, "URL"),
    },
    "councils": {
        **_COUNCIL,
        "ons_code": Column("ONS code", "The Office for National Statistics code of the council's area.", TEXT,
                           "E + 8 digits"),
        "challenges": Column("Challenges recorded", "How many corporate peer challenges we hold for the council.",
                             INTEGER, "challenges"),
        "first_challenge_month": Column("First challenge", "On-site month of its earliest challenge we hold.", TEXT,
                                        "YYYY-MM"),
        "latest_challenge_month": Column("Latest challenge", "On-site month of its most recent challenge we hold.",
                                         TEXT, "YYYY-MM"),
        "recommendations_recorded": Column("Recommendations recorded", "How many recommendations we hold across "
                                           "its challenges.", INTEGER, "recommendations"),
        "sources_count": Column("Sources held", "How many sources we hold for the council (listed on the "
                                "Sources sheet of the Excel download).", INTEGER, "sources"),
    },
    "council_register": {
        "council_name": Column("Council", "The council's name: ours where we hold its challenges, otherwise the ONS "
                               "area name (a county's with \"County Council\").", TEXT),
        "council_id": _COUNCIL["council_id"],
        "gss_code": Column("GSS code", "The ONS (Government Statistical Service) code of the council's area.", TEXT,
                           "E06/E07/E08/E09/E10 + 6 digits"),
        "council_type": _COUNCIL["council_type"],
        "region": _COUNCIL["region"],
        "region_basis": Column("Region from", "Where the region was read: our facts, the GSS code (London), the "
                               "district's county, or assigned by hand (data/register/regions_assigned.yaml).", TEXT,
                               "facts | gss_code | county | assigned"),
        "valid_from": Column("In force from", "The day the council came into being (1 April 2014 for councils "
                             "already in force when the register starts).", DATE, "YYYY-MM-DD"),
        "valid_to": Column("In force until", "The day its successor took over (blank: still in force). The council "
                           "is in force up to the day before.", DATE, "YYYY-MM-DD"),
        "predecessor_ids": Column("Predecessors", "Council IDs of the councils it replaced.", TEXT, "IDs joined by '; '"),
        "successor_ids": Column("Successors", "Council IDs of the councils that replaced it.", TEXT,
                                "IDs joined by '; '"),
        "challenges_on_record": Column("Challenges on record", "How many corporate peer challenges of this council we "
                                       "hold (a predecessor's are not counted).", INTEGER, "challenges"),
        "latest_challenge_month": Column("Latest challenge", "On-site month of its most recent challenge we hold.",
                                         TEXT, "YYYY-MM"),
        "cycle_status": Column("Five-year cycle (today)", "For a council in force today: whether its latest challenge "
                               "on record here began within five years (within), earlier (overdue), in a month that "
                               "straddles the line (borderline), has no date (date_not_known), or whether none is on "
                               "record here (none_on_record: not proof that none happened).", TEXT,
                               "within | overdue | borderline | date_not_known | none_on_record | not_in_force"),
        "days_since": Column("Days since", "Days from its latest visit on record (as stored: a month-only date is the "
                             "month's last day) to today.", INTEGER, "days"),
        "next_due_by": Column("Next due by", "Five years after its latest visit on record.", DATE, "YYYY-MM-DD"),
        "register_source": Column("Register source", "Where the council's row comes from: the ONS lookup of April "
                                  "2021 and/or the order that created or abolished it.", TEXT),
    },
}

# the Excel download's Sources sheet
SOURCES_COLUMNS: dict[str, Column] = {
    "source_id": Column("Source ID", "Identifier of the source in this dataset.", TEXT),
    "council_name": _COUNCIL["council_name"],
    "council_id": _COUNCIL["council_id"],
    "challenge_id": _CHALLENGE["challenge_id"],
    "title": Column("Title", "What the source is.", TEXT),
    "kind": Column("Kind of source", "The kind of document.", TEXT, " | ".join(SOURCE_KINDS)),
    "published": _date("Published", "When the source was published, where known."),
    "published_precision": _precision("Published"),
    "url": Column("Web address", "Where to find the source.", TEXT, "URL"),
}

TABLES = tuple(DICTIONARY)
TABLE_LABELS = {
    "recommendations": "Recommendations",
    "updates": "Progress updates (history)",
    "challenges": "Challenges",
    "councils": "Councils",
    "council_register": "Council register and five-year cycle",
}
ROW_NOUNS = {  # (singular, plural)
    "recommendations": ("recommendation", "recommendations"),
    "updates": ("progress update", "progress updates"),
    "challenges": ("challenge", "challenges"),
    "councils": ("council", "councils"),
    "council_register": ("council", "councils"),
}


def columns(table: str) -> dict[str, Column]:
    return DICTIONARY[table]


def labels(table: str) -> dict[str, str]:
    return {name: col.label for name, col in DICTIONARY[table].items()}


def rows(table: str) -> list[dict[str, str]]:
    """The dictionary of one table as rows for a sheet: heading, field name, meaning, type, unit/values."""
    return [
        {"Column heading": c.label, "Field name": name, "Meaning": c.meaning, "Type": c.type,
         "Unit or allowed values": c.values}
        for name, c in DICTIONARY[table].items()
    ]
