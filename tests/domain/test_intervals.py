"""Durations between dates of any precision (domain.intervals): the range always contains the true and the
day-exact value, verdicts are never wrong when decided, and SQL agrees with Python for every precision pair."""

from __future__ import annotations

import datetime as dt
import itertools

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peer_challenges.domain import intervals
from peer_challenges.domain.dates import PRECISIONS
from peer_challenges.store.db import define_rules

PERIOD_ENDS = {  # a period's last day, as domain.dates stores it, for a day inside the period
    "day": lambda d: d,
    "month": lambda d: _month_end(d.year, d.month),
    "quarter": lambda d: _month_end(d.year, ((d.month - 1) // 3) * 3 + 3),
    "season": lambda d: _season_end(d),
    "year": lambda d: dt.date(d.year, 12, 31),
}


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)


def _season_end(d: dt.date) -> dt.date:
    # meteorological seasons: spring Mar-May, summer Jun-Aug, autumn Sep-Nov, winter Dec-Feb
    if d.month == 12:
        return _month_end(d.year + 1, 2)
    last = {1: 2, 2: 2, 3: 5, 4: 5, 5: 5, 6: 8, 7: 8, 8: 8, 9: 11, 10: 11, 11: 11}[d.month]
    return _month_end(d.year, last)


days = st.dates(min_value=dt.date(2014, 1, 1), max_value=dt.date(2027, 12, 31))
precisions = st.sampled_from(PRECISIONS)


@given(true_a=days, true_b=days, pa=precisions, pb=precisions)
@settings(max_examples=600, deadline=None)
def test_the_range_contains_the_true_and_the_stored_interval(true_a, true_b, pa, pb):
    a, b = PERIOD_ENDS[pa](true_a), PERIOD_ENDS[pb](true_b)
    assert intervals.period_start(a, pa) <= true_a <= a
    days_exact, low, high = intervals.interval(a, pa, b, pb)
    assert low <= (true_b - true_a).days <= high
    assert low <= days_exact <= high


@given(true_a=days, true_b=days, pa=precisions, pb=precisions, months=st.sampled_from([3, 5, 10, 12]))
@settings(max_examples=600, deadline=None)
def test_a_decided_verdict_holds_for_the_true_dates(true_a, true_b, pa, pb, months):
    from dateutil.relativedelta import relativedelta

    a, b = PERIOD_ENDS[pa](true_a), PERIOD_ENDS[pb](true_b)
    verdict = intervals.norm_verdict(a, pa, b, pb, months)
    truly_met = true_b <= true_a + relativedelta(months=months)
    if verdict == "met":
        assert truly_met
    elif verdict == "missed":
        assert not truly_met
    else:
        assert verdict == "undecidable"


def test_day_exact_dates_are_always_decided():
    a, b = dt.date(2023, 7, 11), dt.date(2023, 10, 11)
    assert intervals.norm_verdict(a, "day", b, "day", 3) == "met"
    assert intervals.norm_verdict(a, "day", b + dt.timedelta(days=1), "day", 3) == "missed"
    assert intervals.interval(a, "day", b, "day") == (92, 92, 92)


def test_surrey_heaths_year_only_report_date_is_undecidable_against_three_months():
    # on site 11 July 2023; report published "2023" (stored as 31 December 2023, precision year)
    onsite, report = dt.date(2023, 7, 11), dt.date(2023, 12, 31)
    assert intervals.norm_verdict(onsite, "day", report, "year", 3) == "undecidable"
    assert intervals.interval(onsite, "day", report, "year", not_before_a=True) == (173, 0, 173)


def test_a_month_only_visit_widens_the_interval_by_the_month():
    # on site "March 2022" (stored 31 March), progress review 18 January 2023
    assert intervals.interval(dt.date(2022, 3, 31), "month", dt.date(2023, 1, 18), "day") == (293, 293, 323)


@pytest.fixture(scope="module")
def sql():
    conn = duckdb.connect()
    define_rules(conn)
    yield conn
    conn.close()


def test_sql_agrees_with_python_for_every_precision_pair(sql):
    samples = [dt.date(2019, 1, 31), dt.date(2020, 2, 29), dt.date(2021, 11, 30), dt.date(2023, 3, 31),
               dt.date(2024, 12, 31), dt.date(2022, 8, 31)]
    rows = []
    for (pa, pb), a, b in itertools.product(itertools.product(PRECISIONS, PRECISIONS), samples, samples):
        rows.append((a, pa, b, pb))
    got = sql.execute(
        "SELECT period_start(a, pa), interval_min(a, pa, b, pb), interval_min(a, pa, b, pb, floor := 0), "
        "interval_max(a, pa, b, pb), norm_verdict(a, pa, b, pb, 10) "
        "FROM (SELECT UNNEST($a) AS a, UNNEST($pa) AS pa, UNNEST($b) AS b, UNNEST($pb) AS pb)",
        {"a": [r[0] for r in rows], "pa": [r[1] for r in rows], "b": [r[2] for r in rows], "pb": [r[3] for r in rows]},
    ).fetchall()
    assert len(got) == len(rows) == 25 * 36
    for (a, pa, b, pb), (start, low, low0, high, verdict) in zip(rows, got):
        days, p_low, p_high = intervals.interval(a, pa, b, pb)
        _, p_low0, _ = intervals.interval(a, pa, b, pb, not_before_a=True)
        assert (start, low, low0, high, verdict) == (
            intervals.period_start(a, pa), p_low, p_low0, p_high, intervals.norm_verdict(a, pa, b, pb, 10)
        ), (a, pa, b, pb)
