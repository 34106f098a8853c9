"""Read the dates councils write ("Oct 24", "Q2 2020/21", "2024/25", "31/03/2025") as (date, precision).

Rules (DESIGN "period dates"):
- a month, quarter, season or financial year is stored as the LAST day of that period, with its
  precision: day | month | quarter | season | year;
- UK numeric dates are day-first; two-digit years mean 20YY;
- the UK financial year runs April-March: "2020/21" ends 31 Mar 2021, "Q1 2020/21" is Apr-Jun 2020;
  "Q1 2025" (no financial year given) is the calendar quarter Jan-Mar 2025;
- seasons are meteorological: spring Mar-May, summer Jun-Aug, autumn Sep-Nov, winter Dec-Feb
  ("Winter 2024" = Dec 2024-Feb 2025);
- "TBC", "Ongoing", "n/a" ... are no date; open-ended ("June 2020 onwards") and several different
  dates in one text are no single date either: ParsedDate(None, None), the caller keeps the raw text;
- anything else we cannot read for certain ("early 2025", "Sept/Oct 2024") raises DateParseError so a
  human decides. Never guess.
"""

from __future__ import annotations

import calendar
import datetime
import re
from typing import NamedTuple

from peer_challenges.domain.errors import UserError

PRECISIONS = ("day", "month", "quarter", "season", "year")

ACCEPTED_FORMATS = (
    "2024-10-31, 31/03/2025, 31 March 2025, March 31, 2025 (day); 2024-10, Oct 24, October 2024, "
    "end of March 2025 (month); Q2 2020/21, Q1 2025 (quarter); Spring 2025, Winter 2024/25 (season); "
    "2024/25, FY 2024-25, 2019 (year); or TBC / Ongoing / n/a for no date"
)


class ParsedDate(NamedTuple):
    value: datetime.date | None
    precision: str | None  # one of PRECISIONS, or None when there is no date


class DateParseError(ValueError, UserError):
    """Non-empty text that is not a date we can read for certain."""


NO_DATE = ParsedDate(None, None)


class _Unreadable(Exception):
    """Internal: this text (or part) is not a date; ``args[0]`` says why, if more than 'unreadable'."""


class _NotThis(Exception):
    """Internal: the pattern matched the shape but not the meaning; try the next one."""


# Text that means "no date" (compared lower-case, outer punctuation stripped).
_NO_DATE_TEXT = {
    "", "-", "--", "?", "tbc", "tba", "tbd", "to be confirmed", "to be agreed", "to be determined",
    "to be announced", "ongoing", "on-going", "on going", "continuous", "continuing", "continual",
    "n/a", "na", "n.a", "not applicable", "none", "nil", "unknown", "not known", "as required",
    "as needed", "as and when", "as and when required", "various", "immediate", "immediately",
    "weekly", "monthly", "quarterly", "annually", "annual", "yearly",
}

_MONTHS = {name: i for i, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_MON = (r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
        r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_YEAR = r"'?(?P<year>\d{4}|\d{2})"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
# a financial year: 2020/21, 2020-21, 2020/2021, 20/21, optionally "FY" / "financial year" first
_FY = r"(?:(?:fy|financial\s+year)\s*)?(?P<y1>\d{4}|\d{2})\s*[/-]\s*(?P<y2>\d{4}|\d{2})"
_QTR = (r"(?:q\s*(?P<q>[1-4])|quarter\s*(?P<q2>[1-4])"
        r"|(?P<q3>[1-4])(?:st|nd|rd|th)\s+quarter(?:\s+of)?)")

# Words before a date that do not change it: "by", "due", "end of", "by the end of" ...
_FILLER = re.compile(
    r"^(?:(?:due\s+by|due|by|before|no\s+later\s+than|not\s+later\s+than|target(?:\s+date)?|deadline)"
    r"(?:\s*:\s*|\s+))?(?:(?:the\s+)?end\s+(?:of\s+)?)?"
)
# Open-ended: "from April 2024", "ongoing from April 2024", "June 2020 onwards".
_OPEN_ENDED = re.compile(
    r"(?:(?:ongoing|on-going|continuing)\s+)?(?:from|starting|commencing|since|after)\s+(?P<a>.+)"
    r"|(?P<b>.+?)\s+(?:onwards?|ongoing|on-going|thereafter|and\s+beyond)"
)
# Separators between several dates in one text.
_PART_SPLIT = re.compile(r"\s*[;\n|]+\s*")
_WORD_SPLIT = re.compile(r"\s+(?:and|&|to|then|until|or|-)\s+")


def _year(text: str) -> int:
    text = text.lstrip("'")
    return 2000 + int(text) if len(text) == 2 else int(text)


def _month(text: str) -> int:
    return _MONTHS[text[:3]]


def _last_day(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _day(year: int, month: int, day: int) -> ParsedDate:
    try:
        return ParsedDate(datetime.date(year, month, day), "day")
    except ValueError:
        if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
            reason = f"year {year} is out of range"
        elif 1 <= month <= 12:
            reason = f"{calendar.month_name[month]} {year} has no day {day}"
        else:
            reason = f"there is no month {month}"
        raise _Unreadable(reason) from None


def _fy_start(y1: str, y2: str) -> int:
    """First calendar year of the financial year y1/y2; the two years must be consecutive."""
    start, end = _year(y1), _year(y2)
    if end != start + 1:
        raise _Unreadable(f"{y1} and {y2} are not consecutive years, so not a financial year")
    return start


def _quarter_number(m: re.Match) -> int:
    return int(m["q"] or m["q2"] or m["q3"])


def _iso_month(m: re.Match) -> ParsedDate:
    month = int(m["month"])
    if not 1 <= month <= 12:
        raise _NotThis
    return ParsedDate(_last_day(int(m["year"]), month), "month")


def _bare_fy(m: re.Match) -> ParsedDate:
    # "11/12" could be 11 December as well as 2011/12: refuse the two-digit pairs that read as a day/month
    if len(m["y1"]) == 2 and len(m["y2"]) == 2 and int(m["y2"]) <= 12 and not m[0].startswith(("fy", "financial")):
        raise _Unreadable(f"{m[0]} could be a day/month or a financial year; write 20{m['y1']}/{m['y2']}")
    return ParsedDate(datetime.date(_fy_start(m["y1"], m["y2"]) + 1, 3, 31), "year")


def _fy_quarter(m: re.Match) -> ParsedDate:
    start, q = _fy_start(m["y1"], m["y2"]), _quarter_number(m)
    if q == 4:
        return ParsedDate(datetime.date(start + 1, 3, 31), "quarter")
    return ParsedDate(_last_day(start, 3 + 3 * q), "quarter")


def _season(m: re.Match) -> ParsedDate:
    name, year = m["season"], _year(m["year"])
    if name == "winter":
        return ParsedDate(_last_day(year + 1, 2), "season")
    end_month = {"spring": 5, "summer": 8, "autumn": 11, "fall": 11}[name]
    return ParsedDate(_last_day(year, end_month), "season")


# (full-match pattern, handler) in order; the first that matches decides.
_PATTERNS = [
    # ISO day, optionally with a time: 2024-10-31, 2024-10-31T00:00:00, 2024/10/31
    (r"(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})"
     r"(?:[t\s]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?",
     lambda m: _day(int(m["year"]), int(m["month"]), int(m["day"]))),
    # ISO month: 2024-10 (before the financial year "2024-25"; so "2011-12" is December 2011)
    (r"(?P<year>\d{4})-(?P<month>\d{2})", _iso_month),
    # day-first numeric: 31/03/2025, 1/4/25, 31.03.2025, 31-03-2025
    (r"(?P<day>\d{1,2})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})",
     lambda m: _day(_year(m["year"]), int(m["month"]), int(m["day"]))),
    # 31 March 2025, 31st of March 2025, 31-Mar-25, Monday 31 March 2025
    (_WEEKDAY + _DAY + r"(?:\s+of)?[\s/-]*" + _MON + r"[\s/,-]*" + _YEAR,
     lambda m: _day(_year(m["year"]), _month(m["mon"]), int(m["day"]))),
    # March 31, 2025 (four-digit year only: "March 25" is March 2025)
    (_WEEKDAY + _MON + r"\s+" + _DAY + r",?\s+(?P<year>\d{4})",
     lambda m: _day(int(m["year"]), _month(m["mon"]), int(m["day"]))),
    # Oct 24, October 2024, Dec-24, Sept. 2024, Oct '24
    (_MON + r"[\s/,-]*" + _YEAR, lambda m: ParsedDate(_last_day(_year(m["year"]), _month(m["mon"])), "month")),
    # 03/2025 (four-digit year only: "03/25" is not certain)
    (r"(?P<month>\d{1,2})[/.-](?P<year>\d{4})", _iso_month),
    # financial-year quarters: Q2 2020/21, Quarter 2 2020-21, 2nd quarter of 2020/21, 2020/21 Q2
    (_QTR + r"[\s,]*(?:of\s+)?" + _FY, _fy_quarter),
    (_FY + r"[\s,]*" + _QTR, _fy_quarter),
    # calendar quarters: Q1 2025, 2025 Q1
    (_QTR + r"[\s,]*(?:of\s+)?" + _YEAR,
     lambda m: ParsedDate(_last_day(_year(m["year"]), 3 * _quarter_number(m)), "quarter")),
    (r"(?P<year>\d{4})[\s,]*" + _QTR,
     lambda m: ParsedDate(_last_day(int(m["year"]), 3 * _quarter_number(m)), "quarter")),
    # winter of a financial-year pair: Winter 2024/25
    (r"(?P<season>winter)\s+(?:of\s+)?(?P<year>\d{4}|\d{2})\s*[/-]\s*(?P<y2>\d{4}|\d{2})",
     lambda m: _fy_start(m["year"], m["y2"]) and _season(m)),
    # Spring 2025, summer of 2022
    (r"(?P<season>spring|summer|autumn|fall|winter)[\s,]+(?:of\s+)?" + _YEAR, _season),
    # financial year: 2024/25, 2024-25, 2024/2025, FY 2024/25, FY24/25
    (_FY, _bare_fy),
    # calendar year: 2019
    (r"(?:calendar\s+year\s+)?(?P<year>\d{4})", lambda m: ParsedDate(datetime.date(int(m["year"]), 12, 31), "year")),
]
_PATTERNS = [(re.compile(p), handler) for p, handler in _PATTERNS]


def _clean(part: str) -> str:
    part = re.sub(r"\s+", " ", part).strip(" .,:")
    return part


def _parse_part(part: str) -> ParsedDate:
    """One date-ish phrase, already lower-cased; raises _Unreadable."""
    part = _clean(part)
    if part in _NO_DATE_TEXT:
        return NO_DATE
    part = _clean(_FILLER.sub("", part, count=1))
    if not part:
        raise _Unreadable(None)
    for pattern, handler in _PATTERNS:
        m = pattern.fullmatch(part)
        if m:
            try:
                return handler(m)
            except _NotThis:
                continue
            except ValueError as err:  # e.g. year 0
                raise _Unreadable(str(err)) from None
    m = _OPEN_ENDED.fullmatch(part)
    if m:
        _parse_part(m["a"] or m["b"])  # the start must itself be readable
        return NO_DATE
    raise _Unreadable(None)


def _normalise(text: str) -> str:
    text = text.translate(_PUNCT).lower()
    # drop remarks in brackets: "Jan 2025 (action 1.1)"; keep the text if that leaves nothing
    stripped = text
    while True:
        new = re.sub(r"\([^()]*\)|\[[^\[\]]*\]", " ", stripped)
        if new == stripped:
            break
        stripped = new
    return stripped if stripped.strip() else re.sub(r"[()\[\]]", " ", text)


_PUNCT = str.maketrans({
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2018": "'", "\u2019": "'", "\r": "\n", "\t": " ",
})


def parse_date(text) -> ParsedDate:
    """Read one date as (last day of its period, precision); ParsedDate(None, None) when there is no date.

    Accepts a str, a datetime.date / datetime.datetime (day precision), an int year, or None.
    Raises DateParseError for non-empty text that is not certainly a date.
    """
    if text is None:
        return NO_DATE
    if isinstance(text, datetime.datetime):
        if text != text:  # pandas NaT
            return NO_DATE
        return ParsedDate(text.date(), "day")
    if isinstance(text, datetime.date):
        return ParsedDate(text, "day")
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    if isinstance(text, float) and text != text:  # NaN: an empty spreadsheet cell
        return NO_DATE
    if not isinstance(text, str):
        raise TypeError(f"parse_date expects a str, date or None, not {type(text).__name__}: {text!r}")

    parts = [p for chunk in _PART_SPLIT.split(_normalise(text)) for p in _WORD_SPLIT.split(chunk)]
    parts = [p for p in (_clean(p) for p in parts) if p] or [""]
    try:
        results = [_parse_part(p) for p in parts]
    except _Unreadable as err:
        reason = f": {err.args[0]}" if err.args and err.args[0] else ""
        raise DateParseError(
            f"cannot read date {text.strip()!r}{reason}. Accepted formats: {ACCEPTED_FORMATS}"
        ) from None
    if len(set(results)) == 1:
        return results[0]
    return NO_DATE  # several different dates, or a date and an open end: no single date


def try_parse_date(text) -> ParsedDate:
    """parse_date, but ParsedDate(None, None) instead of DateParseError."""
    try:
        return parse_date(text)
    except DateParseError:
        return NO_DATE


def period_label(value, precision) -> str:
    """A date for humans at its precision: "31 Mar 2025", "Mar 2025", "Q4 2024/25", "spring 2025", "2024/25"."""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:10]) if value.strip() else None
    if value is None or value != value:  # None, NaT
        return "not known"
    if isinstance(value, datetime.datetime):
        value = value.date()
    if precision != precision:  # NaN from a data frame
        precision = None
    y, m = value.year, value.month
    mon = calendar.month_abbr[m]
    if precision in (None, "day"):
        return f"{value.day} {mon} {y}"
    if precision == "month":
        return f"{mon} {y}"
    if precision == "quarter":
        start = y if m >= 4 else y - 1  # financial year Apr-Mar
        quarter = (m - 4) // 3 + 1 if m >= 4 else 4
        return f"Q{quarter} {_fy_label(start)}"
    if precision == "season":
        if m in (12, 1, 2):
            return f"winter {_fy_label(y if m == 12 else y - 1)}"
        return f"{('spring', 'summer', 'autumn')[(m - 3) // 3]} {y}"
    if precision == "year":
        if (m, value.day) == (3, 31):
            return _fy_label(y - 1)
        return str(y)
    raise ValueError(f"unknown date precision {precision!r}; expected one of {', '.join(PRECISIONS)}")


def _fy_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"
