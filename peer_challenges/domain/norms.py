"""The LGA's corporate peer challenge timetable, defined once (DESIGN.md, "process timeliness").

Months after the on-site visit by which each milestone is expected: feedback report 3, action plan 5,
progress review on site about 10, progress review published 12. Python reads ``MILESTONES``; SQL reads
the same numbers through the ``lga_norm_months(key)`` macro that ``store.db.connect`` defines on every
connection from ``sql_macro()`` (so no query writes ``INTERVAL 10 MONTH`` itself). The five-year cycle
(a challenge at least every five years) is ``CYCLE_YEARS``, given to SQL as ``lga_cycle_months()``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Milestone:
    key: str      # the prefix of the timeliness columns in queries: report_days, report_on_time, ...
    column: str   # the challenges column holding the milestone's date
    label: str    # in words, as pages show it
    months: int   # the LGA norm, in months after the on-site visit
    words: str    # the norm in words ("within about 10 months")


ONSITE_COLUMN = "onsite_start"
ONSITE_LABEL = "On-site visit"

MILESTONES: tuple[Milestone, ...] = (
    Milestone("report", "report_published", "Feedback report published", 3, "within 3 months"),
    Milestone("action_plan", "action_plan_approved", "Action plan approved", 5, "within 5 months"),
    Milestone("progress_review", "progress_review_onsite", "Progress review on site", 10, "within about 10 months"),
    Milestone("progress_review_published", "progress_review_published", "Progress review published", 12,
              "within 12 months"),
)
BY_KEY = {m.key: m for m in MILESTONES}

DAYS_PER_MONTH = 365.25 / 12
PROGRESS_REVIEW_NORM_MONTHS = BY_KEY["progress_review"].months
# the progress review "about ten months" after the visit, in days, for charts drawn on a day axis
PROGRESS_REVIEW_NORM_DAYS = round(PROGRESS_REVIEW_NORM_MONTHS * DAYS_PER_MONTH)  # 304


def norm_months(key: str) -> int:
    return BY_KEY[key].months


# The LGA expects every council to have a corporate peer challenge at least every five years.
CYCLE_YEARS = 5
CYCLE_MONTHS = 12 * CYCLE_YEARS


def sql_macro() -> str:
    """``lga_norm_months('report')`` -> 3 ... for the queries, generated from MILESTONES."""
    cases = " ".join(f"WHEN '{m.key}' THEN {m.months}" for m in MILESTONES)
    return f"CREATE OR REPLACE MACRO lga_norm_months(milestone) AS (CASE milestone {cases} END)"


def cycle_sql_macro() -> str:
    """``lga_cycle_months()`` -> 60: the five-year expectation, for the queries."""
    return f"CREATE OR REPLACE MACRO lga_cycle_months() AS {CYCLE_MONTHS}"
