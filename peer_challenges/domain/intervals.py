"""Durations between dates that may be known only to the month, quarter, season or year (DESIGN.md,
"precision in durations"), defined once for Python and for SQL.

A date of coarser precision than a day is stored as the LAST day of its period (domain.dates), so the true
day lies anywhere in [period start, stored date]. An interval from ``a`` to ``b`` therefore has
``days`` (stored date to stored date), an earliest ``days_min`` (a as late, b as early as they can be) and a
latest ``days_max``; the true number of days always lies in [days_min, days_max], and so does ``days``.
A norm "b within N months of a" is ``met`` when even the latest b is on or before the earliest a plus N
months, ``missed`` when even the earliest b is after the latest a plus N months, else ``undecidable``.

A *deadline* given as a period ("by October 2024", "2019/20") means its last day, so a target date is a
point, not a range: slippage ranges come from the precision of the date it is measured to only.

``sql_macros()`` gives DuckDB the same rules (``period_start``, ``interval_min``, ``interval_max``,
``norm_verdict``); store.db defines them on every connection and the build.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

# months a period covers, by precision; "day" (or no precision) is exact
PERIOD_MONTHS = {"month": 1, "quarter": 3, "season": 3, "year": 12}
VERDICTS = ("met", "missed", "undecidable")


def period_start(value: dt.date | None, precision: str | None) -> dt.date | None:
    """The first day the stored date (a period's last day) may stand for."""
    if value is None:
        return None
    months = PERIOD_MONTHS.get(precision or "day")
    if months is None:
        return value
    return value.replace(day=1) - relativedelta(months=months - 1)


def interval(a: dt.date | None, a_precision: str | None, b: dt.date | None, b_precision: str | None,
             *, not_before_a: bool = False) -> tuple[int | None, int | None, int | None]:
    """(days, days_min, days_max) from a to b. not_before_a: b cannot precede a (a report is published
    after its visit), so days_min is at least 0."""
    if a is None or b is None:
        return None, None, None
    days = (b - a).days
    low = (period_start(b, b_precision) - a).days
    high = (b - period_start(a, a_precision)).days
    if not_before_a:
        low = max(low, 0)
    return days, min(low, days), max(high, days)


def norm_verdict(a: dt.date | None, a_precision: str | None, b: dt.date | None, b_precision: str | None,
                 months: int) -> str | None:
    """'met', 'missed' or 'undecidable' for "b within `months` months of a"; None when a date is unknown."""
    if a is None or b is None:
        return None
    if b <= period_start(a, a_precision) + relativedelta(months=months):
        return "met"
    if period_start(b, b_precision) > a + relativedelta(months=months):
        return "missed"
    return "undecidable"


def sql_macros() -> list[str]:
    """The same rules as DuckDB macros (dates are DATE, precisions VARCHAR)."""
    back = " ".join(f"WHEN '{p}' THEN {m - 1}" for p, m in PERIOD_MONTHS.items())
    return [
        "CREATE OR REPLACE MACRO period_start(d, p) AS (CASE WHEN coalesce(p, 'day') = 'day' THEN d "
        f"ELSE CAST(date_trunc('month', d) - to_months(CASE p {back} ELSE 0 END) AS DATE) END)",
        # earliest and latest number of days from a to b (floor: the lowest value b - a may take)
        "CREATE OR REPLACE MACRO interval_min(a, pa, b, pb, floor := NULL) AS "
        "(CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE least(date_diff('day', a, b), "
        "greatest(date_diff('day', a, period_start(b, pb)), coalesce(floor, -100000))) END)",
        "CREATE OR REPLACE MACRO interval_max(a, pa, b, pb) AS "
        "(CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE date_diff('day', period_start(a, pa), b) END)",
        "CREATE OR REPLACE MACRO norm_verdict(a, pa, b, pb, months) AS (CASE WHEN a IS NULL OR b IS NULL THEN NULL "
        "WHEN b <= period_start(a, pa) + to_months(months) THEN 'met' "
        "WHEN period_start(b, pb) > a + to_months(months) THEN 'missed' ELSE 'undecidable' END)",
    ]
