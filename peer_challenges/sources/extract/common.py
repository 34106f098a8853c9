"""What every part of the extractor shares: the file formats it reads and the size limit, the
header hint for error messages, small text helpers (whitespace, table cells, number words, ISO
dates), the empty draft record every recogniser fills in, and the recommendation-number helpers
(``number_key`` compares "1", "Rec 1" and "R1" as the same number)."""

from __future__ import annotations

import datetime as _dt
import re

from peer_challenges.domain.dates import try_parse_date

MAX_BYTES = 20 * 1024 * 1024  # refuse bigger files before reading them

TEXT_EXTS = (".txt", ".text", ".md", ".markdown")
HTML_EXTS = (".html", ".htm")
CSV_EXTS = (".csv", ".tsv")
XLSX_EXTS = (".xlsx", ".xlsm")
PDF_EXTS = (".pdf",)
DOCX_EXTS = (".docx",)
SUPPORTED_EXTS = TEXT_EXTS + HTML_EXTS + CSV_EXTS + XLSX_EXTS + PDF_EXTS + DOCX_EXTS


HEADER_HELP = ("a header row naming the columns, e.g. Ref | Recommendation | Owner | Timescale | Status "
               "(Due by, Lead officer, RAG rating ... also work)")


# ============================================================================ small helpers

_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}
_NUMBER_WORD = r"(?:\d{1,3}|" + "|".join(_WORD_NUMBERS) + r")"


def _to_int(word: str) -> int:
    word = word.lower()
    return int(word) if word.isdigit() else _WORD_NUMBERS[word]


def _squash(text: str) -> str:
    """Collapse all whitespace to single spaces."""
    return re.sub(r"\s+", " ", text).strip()


def _cell_text(value) -> str:
    """A table cell as text ('' for empty); whole floats lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line).strip()


def _iso(value: _dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date_text_iso(raw: str | None) -> str | None:
    """A date text as ISO YYYY-MM-DD (the last day of its period, as the build stores it), or None."""
    if not raw:
        return None
    return _iso(try_parse_date(raw).value)


# ============================================================================ records

def _new_rec(**fields) -> dict:
    rec = {
        "number": None, "code": None, "text": None, "position": None, "actions": None,
        "accountable": None, "responsible": None, "target_raw": None, "revised_target_raw": None,
        "status_raw": None, "status": None, "rag_raw": None, "as_of_raw": None, "theme": None,
        "record_flag": None,
    }
    rec.update(fields)
    return rec


def _ref_number(ref: str) -> str | None:
    """The number as printed, without 'Recommendation'/'Rec'/'No.' and trailing punctuation."""
    ref = _squash(ref)
    ref = re.sub(r"^(?:recommendation|rec|ref|no|number|item)\b\.?\s*:?\s*", "", ref, flags=re.I)
    ref = ref.strip(" .:)(")
    return ref or None


_REF_CELL = re.compile(r"(?:(?:recommendation|rec|ref|no|item)\.?\s*)?[A-Za-z]{0,5}\s?\d{1,3}(?:\.\d{1,3})*[a-z]?[.)]?", re.I)


def _looks_like_ref(text: str) -> bool:
    return bool(text) and len(text) <= 20 and bool(_REF_CELL.fullmatch(text.strip()))


def number_key(number) -> str | None:
    """A comparison key for recommendation numbers: '1', '01', 'R1', 'Rec 1', '1.' all give '1';
    '2.1' stays '2.1'; 'CRD3' gives '3'."""
    if number is None:
        return None
    text = _squash(str(number)).lower()
    text = re.sub(r"^(?:recommendation|rec|ref|no|number|item)\b\.?\s*:?\s*", "", text)
    text = text.strip(" .:)(")
    m = re.fullmatch(r"[a-z]{0,5}\s?(\d{1,3}(?:\.\d{1,3})*)([a-z]?)", text)
    if m:
        parts = [str(int(p)) for p in m.group(1).split(".")]
        return ".".join(parts) + m.group(2)
    return text or None
