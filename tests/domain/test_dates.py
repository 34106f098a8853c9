import datetime as dt

import pytest

from peer_challenges.domain.dates import (
    PRECISIONS,
    DateParseError,
    ParsedDate,
    parse_date,
    period_label,
    try_parse_date,
)
from peer_challenges.domain.errors import UserError

D = dt.date
NONE = ParsedDate(None, None)

READABLE = [
    # ISO and calendar year
    ("2024-10-31", D(2024, 10, 31), "day"),
    ("2024-10", D(2024, 10, 31), "month"),
    ("2024-02", D(2024, 2, 29), "month"),
    ("2019", D(2019, 12, 31), "year"),
    ("2024-10-31T09:30:00", D(2024, 10, 31), "day"),
    ("2024-10-31 00:00:00", D(2024, 10, 31), "day"),
    ("2011-12", D(2011, 12, 31), "month"),  # hyphenated YYYY-MM is always ISO month
    # UK numeric, day-first
    ("31/03/2025", D(2025, 3, 31), "day"),
    ("1/4/25", D(2025, 4, 1), "day"),
    ("31.03.2025", D(2025, 3, 31), "day"),
    ("31-03-2025", D(2025, 3, 31), "day"),
    ("03/2025", D(2025, 3, 31), "month"),
    # words
    ("31 March 2025", D(2025, 3, 31), "day"),
    ("31st March 2025", D(2025, 3, 31), "day"),
    ("1st of April 2025", D(2025, 4, 1), "day"),
    ("March 31, 2025", D(2025, 3, 31), "day"),
    ("31-Mar-25", D(2025, 3, 31), "day"),
    ("Monday 31 March 2025", D(2025, 3, 31), "day"),
    ("Oct 24", D(2024, 10, 31), "month"),
    ("October 2024", D(2024, 10, 31), "month"),
    ("OCTOBER 2024", D(2024, 10, 31), "month"),
    ("Dec-24", D(2024, 12, 31), "month"),
    ("Sept 2024", D(2024, 9, 30), "month"),
    ("Sept. 2024", D(2024, 9, 30), "month"),
    ("Sep 24", D(2024, 9, 30), "month"),
    ("Jun 25", D(2025, 6, 30), "month"),
    ("Feb 2024", D(2024, 2, 29), "month"),
    ("Oct '24", D(2024, 10, 31), "month"),
    ("end of March 2025", D(2025, 3, 31), "month"),
    ("by March 2025", D(2025, 3, 31), "month"),
    ("End March 2025", D(2025, 3, 31), "month"),
    ("by the end of March 2025", D(2025, 3, 31), "month"),
    ("Due: March 2025", D(2025, 3, 31), "month"),
    ("Jan 2025 (action 1.1)", D(2025, 1, 31), "month"),
    ("  Jan\u00a02025  ", D(2025, 1, 31), "month"),
    ("(March 2025)", D(2025, 3, 31), "month"),
    # financial-year quarters (April-March)
    ("Q1 2020/21", D(2020, 6, 30), "quarter"),
    ("Q2 2020/21", D(2020, 9, 30), "quarter"),
    ("Q3 2020/21", D(2020, 12, 31), "quarter"),
    ("Q4 2020/21", D(2021, 3, 31), "quarter"),
    ("Q2 2020-21", D(2020, 9, 30), "quarter"),
    ("Q2 2020\u201321", D(2020, 9, 30), "quarter"),  # en dash
    ("Q2 20/21", D(2020, 9, 30), "quarter"),
    ("2020/21 Q2", D(2020, 9, 30), "quarter"),
    ("Quarter 2 2020/21", D(2020, 9, 30), "quarter"),
    ("2nd Quarter 2020/21", D(2020, 9, 30), "quarter"),
    ("Q3 FY 2024/25", D(2024, 12, 31), "quarter"),
    ("End of Q1 2025/26", D(2025, 6, 30), "quarter"),
    # calendar quarters, only when no financial year is given
    ("Q1 2025", D(2025, 3, 31), "quarter"),
    ("Q4 2025", D(2025, 12, 31), "quarter"),
    ("2025 Q2", D(2025, 6, 30), "quarter"),
    # financial years
    ("2024/25", D(2025, 3, 31), "year"),
    ("2024-25", D(2025, 3, 31), "year"),
    ("2024/2025", D(2025, 3, 31), "year"),
    ("FY 2024/25", D(2025, 3, 31), "year"),
    ("FY24/25", D(2025, 3, 31), "year"),
    ("24/25", D(2025, 3, 31), "year"),
    ("end of 2024/25", D(2025, 3, 31), "year"),
    ("2019/20 (action plan year)", D(2020, 3, 31), "year"),
    ("2024/25 (Annual Plan 2024/25 deliverables)", D(2025, 3, 31), "year"),
    ("by the end of 2025", D(2025, 12, 31), "year"),
    # meteorological seasons
    ("Spring 2025", D(2025, 5, 31), "season"),
    ("Summer 2022", D(2022, 8, 31), "season"),
    ("Autumn 2023", D(2023, 11, 30), "season"),
    ("Winter 2024", D(2025, 2, 28), "season"),
    ("Winter 2024/25", D(2025, 2, 28), "season"),
    ("Winter 2023", D(2024, 2, 29), "season"),
    ("spring 25", D(2025, 5, 31), "season"),
    # the same date twice is still one date
    ("March 2025; March 2025", D(2025, 3, 31), "month"),
]


@pytest.mark.parametrize("text, value, precision", READABLE)
def test_readable(text, value, precision):
    assert parse_date(text) == ParsedDate(value, precision)
    assert try_parse_date(text) == ParsedDate(value, precision)


@pytest.mark.parametrize("value, expected", [
    (dt.date(2024, 3, 5), ParsedDate(dt.date(2024, 3, 5), "day")),
    (dt.datetime(2024, 3, 5, 14, 30), ParsedDate(dt.date(2024, 3, 5), "day")),
    (2019, ParsedDate(dt.date(2019, 12, 31), "year")),
    (None, NONE),
    (float("nan"), NONE),
])
def test_non_string_input(value, expected):
    result = parse_date(value)
    assert result == expected
    assert result.value is None or type(result.value) is dt.date


def test_wrong_type_is_a_type_error():
    with pytest.raises(TypeError):
        parse_date(3.5)


NO_DATE_TEXT = [
    "TBC", "TBA", "Ongoing", "n/a", "N/A", "none", "-", "", "   ", "\n", "Unknown", "To be confirmed",
    "Continuous", "As required", "tbc.", "Quarterly",
    # open-ended
    "June 2020 onwards", "from April 2024", "Ongoing from April 2024", "March 2025 and ongoing",
    # several different dates: the caller keeps the raw text
    "April 2020 (agree approach); June 2020 onwards (away days)",
    "March 2020 (training); June 2020 (review); August 2020 (plan)",
    "April 2024 - March 2025",
    "2024/25 and 2025/26",
    "TBC; March 2025",
]


@pytest.mark.parametrize("text", NO_DATE_TEXT)
def test_no_date(text):
    assert parse_date(text) == NONE
    assert try_parse_date(text) == NONE


UNREADABLE = [
    "early 2025", "mid 2025", "late 2025", "March", "1 April", "Sept/Oct 2024", "Q5 2025",
    "H1 2025", "next year", "Complete", "2024/26", "Winter 2024/26", "11/12", "03/25",
    "review in March 2025 and report in June 2025", "June 2020 onwards (sometime)x",
]


@pytest.mark.parametrize("text", UNREADABLE)
def test_unreadable_raises_naming_text_and_formats(text):
    with pytest.raises(DateParseError) as info:
        parse_date(text)
    message = str(info.value)
    assert repr(text.strip()) in message
    assert "Accepted formats" in message and "Q2 2020/21" in message
    assert try_parse_date(text) == NONE


@pytest.mark.parametrize("text, reason", [
    ("31/02/2025", "February 2025 has no day 31"),
    ("29/02/2023", "February 2023 has no day 29"),
    ("2025-02-30", "February 2025 has no day 30"),
    ("31 April 2025", "April 2025 has no day 31"),
    ("13/13/2025", "no month 13"),
    ("0000", "year 0 is out of range"),
])
def test_invalid_calendar_dates(text, reason):
    with pytest.raises(DateParseError, match=reason) as info:
        parse_date(text)
    assert repr(text) in str(info.value)


def test_date_parse_error_is_a_value_error_and_user_error():
    assert issubclass(DateParseError, ValueError)
    assert issubclass(DateParseError, UserError)


def test_precisions():
    assert PRECISIONS == ("day", "month", "quarter", "season", "year")
    assert all(parse_date(text).precision in PRECISIONS for text, _, _ in READABLE)


@pytest.mark.parametrize("value, precision, label", [
    (D(2025, 3, 31), "day", "31 Mar 2025"),
    (D(2025, 4, 1), "day", "1 Apr 2025"),
    (dt.datetime(2025, 4, 1, 9, 0), "day", "1 Apr 2025"),
    (D(2025, 4, 1), None, "1 Apr 2025"),
    (D(2025, 3, 31), "month", "Mar 2025"),
    (D(2025, 3, 31), "quarter", "Q4 2024/25"),
    (D(2020, 6, 30), "quarter", "Q1 2020/21"),
    (D(2020, 9, 30), "quarter", "Q2 2020/21"),
    (D(2020, 12, 31), "quarter", "Q3 2020/21"),
    (D(2025, 5, 31), "season", "spring 2025"),
    (D(2022, 8, 31), "season", "summer 2022"),
    (D(2023, 11, 30), "season", "autumn 2023"),
    (D(2025, 2, 28), "season", "winter 2024/25"),
    (D(2025, 3, 31), "year", "2024/25"),
    (D(2000, 3, 31), "year", "1999/00"),
    (D(2019, 12, 31), "year", "2019"),
    (None, "day", "not known"),
    (None, None, "not known"),
    ("2025-03-31", "month", "Mar 2025"),
])
def test_period_label(value, precision, label):
    assert period_label(value, precision) == label


@pytest.mark.parametrize("text, label", [
    ("Oct 24", "Oct 2024"),
    ("Q2 2020/21", "Q2 2020/21"),
    ("Q1 2025", "Q4 2024/25"),  # Jan-Mar 2025 is the fourth quarter of 2024/25
    ("2019/20", "2019/20"),
    ("2019", "2019"),
    ("Winter 2024", "winter 2024/25"),
    ("31/03/2025", "31 Mar 2025"),
    ("TBC", "not known"),
])
def test_label_round_trip(text, label):
    assert period_label(*parse_date(text)) == label


def test_period_label_rejects_unknown_precision():
    with pytest.raises(ValueError, match="fortnight"):
        period_label(D(2025, 1, 1), "fortnight")
