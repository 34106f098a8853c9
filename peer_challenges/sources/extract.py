"""Draft source records from a council's documents.

``python -m peer_challenges extract FILE [--json] [--council ID]`` reads a report or an action plan
(.txt, .md, .html, .pdf, .csv, .tsv, .xlsx) and prints a *draft* source record in the layout of
docs/SOURCE_FORMAT.md (YAML, or JSON with ``--json``) for a person to review and save under
``data/sources/<council_id>/``.

What it recognises (all by meaning, not by position):
- tables: a header row found among the first rows (title rows above it are skipped) whose columns
  are matched by name -- Ref / No. / Rec No.; Recommendation; Position / Progress update / Comments;
  Actions; Owner / Lead / Lead officer / Accountable / Responsible; Timescale / Target date / Due by /
  Deadline; Revised target; Status / Progress / Current status; RAG / RAG rating -- in CSV, XLSX
  (merged cells, real date cells), tab-separated or markdown ``|`` tables in text, HTML <table>s,
  and action plans flattened to text (a header line, then rows that start with the ref number and
  end with "... <owner> <owner> <timescale> <status>", possibly over several lines);
- prose: "Recommendation N" headings (also numbered: "2.1. Recommendation 1"), "Recommendation N:"
  lines with "Target:", "Status:", "Owner:", "Progress:" lines, "REC N (CODE) text" blocks followed
  by a progress paragraph, numbered or bulleted lists under a "Key recommendations" heading, and
  sentences such as "Three of the recommendations were completed during 2019/20, namely ... (CRD1);
  ... (CRD2) and ... (CRD5)";
- challenge facts the text states: on-site dates, people met, meetings held, team size, how many
  recommendations the report made, progress-review date, committee date, action-plan approval.

Dates and statuses are read by peer_challenges.domain.dates and peer_challenges.domain.status. Nothing is
guessed: what the document does not say stays null, and every doubt becomes a warning.
"""

from __future__ import annotations

import csv
import datetime as _dt
import functools
import html
import html.parser
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

from peer_challenges.domain.dates import DateParseError, parse_date, try_parse_date
from peer_challenges.domain.errors import UserError
from peer_challenges.domain.vocab import CORE_ELEMENTS
from peer_challenges.sources.sourcefile import dump_source
from peer_challenges.domain.status import normalise_rag, normalise_status

MAX_BYTES = 20 * 1024 * 1024  # refuse bigger files before reading them

TEXT_EXTS = (".txt", ".text", ".md", ".markdown")
HTML_EXTS = (".html", ".htm")
CSV_EXTS = (".csv", ".tsv")
XLSX_EXTS = (".xlsx", ".xlsm")
PDF_EXTS = (".pdf",)
SUPPORTED_EXTS = TEXT_EXTS + HTML_EXTS + CSV_EXTS + XLSX_EXTS + PDF_EXTS


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


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


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


# ============================================================================ header recognition

# (kind, pattern): a header cell, normalised (lower case, single spaces, no trailing punctuation),
# must match a pattern in full. The first kind whose pattern matches wins, so the order matters.
_COLUMN_PATTERNS: list[tuple[str, str]] = [
    ("ref", r"(?:rec(?:ommendation)?\.?\s*)?(?:ref(?:erence)?\.?|no\.?|number|num|#|id)(?:\s*(?:no\.?|number))?"),
    ("ref", r"item(?:\s+no\.?)?|recs?\.?|r\s*#|s\s*/?\s*no\.?|line"),
    ("revised_target", r"(?:revised|new|updated|amended|current)\s+(?:target(?:\s+date)?|timescales?|date|deadline|"
                       r"due\s+date|completion\s+date|end\s+date)"),
    ("target", r"(?:original\s+|agreed\s+|proposed\s+)?(?:timescales?|target(?:\s+(?:completion\s+)?(?:date|timescale|end\s+date))?|"
               r"target\s+completion|due(?:\s+(?:date|by))?|deadline|completion\s+date|by\s+when|when|date(?:\s+due)?|"
               r"time\s*frame|timeline|end\s+date|delivery\s+date|expected\s+completion(?:\s+date)?|"
               r"completion\s+by|to\s+be\s+completed\s+by)"),
    ("rag", r"(?:current\s+|overall\s+|progress\s+)?(?:rag|r\s*/\s*a\s*/\s*g|r\s+a\s+g|bram|brag)(?:\s+(?:rating|status|rated))?|"
            r"rating|traffic\s+light"),
    ("status", r"(?:current\s+|overall\s+|progress\s+|delivery\s+|action\s+|implementation\s+|completion\s+)?status|"
               r"progress|status\s+update|(?:current\s+)?progress\s+status|complete\??|completed\??|done\??"),
    ("position", r"(?:current\s+)?position(?:\s+(?:on|against)\s+the\s+recommendations?)?(?:\s+statement)?|"
                 r"progress\s+(?:update|to\s+date|so\s+far|made|report|comments?|narrative|summary|commentary|against\s+.*|since\s+.*)|"
                 r"(?:latest\s+|progress\s+)?updates?|comments?|commentary|narrative|notes?|evidence|"
                 r"(?:what\s+we\s+have\s+done|work\s+(?:done|completed)(?:\s+to\s+date)?)|outcomes?(?:\s+achieved)?"),
    ("action", r"(?:(?:proposed|planned|agreed|key|council'?s?|our)\s+)?actions?(?:\s+(?:to\s+be\s+taken|proposed|required|"
               r"planned|taken|to\s+date|agreed))?|(?:council|management|our)\s+response|response|"
               r"what\s+we\s+will\s+do|how\s+we\s+will\s+(?:respond|deliver(?:\s+it)?)|milestones?|deliverables?|"
               r"activity|activities|next\s+steps"),
    ("as_of", r"date\s+(?:of\s+)?(?:last\s+)?update(?:d)?|last\s+updated?|updated(?:\s+on)?|as\s+at|as\s+of|"
              r"update\s+date|reporting\s+date|date\s+updated"),
    ("accountable", r"accountable(?:\s+(?:officer|member|lead|person|owner|director))?|"
                    r"(?:lead|responsible)\s+(?:member|councillor|cllr)s?|portfolio\s+holders?|"
                    r"(?:lead\s+)?cabinet\s+members?|political\s+lead|member\s+lead|executive\s+lead|"
                    r"senior\s+responsible\s+officer|sro|sponsor"),
    ("responsible", r"responsible(?:\s+(?:officer|lead|person|owner|officers|director|manager))?|"
                    r"(?:lead|responsible)\s+officers?|officer\s+lead|lead\s+director|delivery\s+lead|"
                    r"lead\s+officer\s*\(s\)"),
    ("owner", r"(?:action\s+|recommendation\s+)?owners?(?:\s*\(s\))?|leads?|lead\s*\(s\)|"
              r"lead\s+(?:person|team|service|area)|by\s+whom|who|responsibility|ownership"),
    ("text", r"(?:the\s+)?(?:(?:lga|cpc|peer|peer\s+team'?s?|peer\s+challenge|key|corporate\s+peer\s+challenge|"
             r"original|lga\s+peer)\s+)?(?:recommendations?|recs?)(?:\s+(?:text|description|made|in\s+full|"
             r"from\s+the\s+peer\s+(?:team|challenge|review)|title))?"),
    ("text", r"areas?\s+for\s+(?:development|improvement|consideration)|(?:key\s+)?(?:findings?|issues?)|description|"
             r"what\s+the\s+peers?\s+(?:said|recommended)|peer\s+(?:challenge\s+)?feedback|peer\s+findings?|"
             r"feedback|summary"),
    ("theme", r"(?:core\s+|cpc\s+|key\s+)?(?:themes?|elements?|areas?|priority|priorities|category|categories|"
              r"topics?|workstreams?|headings?)"),
]
_COLUMN_RES = [(kind, re.compile(pattern)) for kind, pattern in _COLUMN_PATTERNS]
_STRUCTURED = {"accountable", "responsible", "owner", "target", "revised_target", "status", "rag", "as_of"}
_FREE_TEXT = {"text", "position", "action", "theme"}


def _normalise_header(cell) -> str:
    text = _cell_text(cell).lower().replace("\u2019", "'").replace("&", " and ")
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"^[\s*#:.\-]+|[\s*:.?\-]+$", "", text)
    return text.strip()


def column_kind(cell) -> str | None:
    """What a header cell names (ref, text, position, action, accountable, responsible, owner,
    target, revised_target, status, rag, as_of, theme), or None."""
    text = _normalise_header(cell)
    if not text or len(text) > 60:
        return None
    for kind, pattern in _COLUMN_RES:
        if pattern.fullmatch(text):
            return kind
    return None


def _header_score(row: list) -> tuple[int, dict[int, str]]:
    kinds: dict[int, str] = {}
    for i, cell in enumerate(row):
        kind = column_kind(cell)
        if kind:
            kinds[i] = kind
    distinct = set(kinds.values())
    if "text" not in distinct:
        return 0, kinds
    others = distinct - {"text", "theme"}
    if not others:
        return 0, kinds
    return len(distinct), kinds


def find_header(rows: list[list], max_scan: int = 40) -> tuple[int, dict[int, str]] | None:
    """(row index, {column index: kind}) of the header row, or None.

    A header names a recommendation column and at least one other known column; the best-scoring
    row among the first ``max_scan`` wins (title rows above it are skipped).
    """
    best = None
    for i, row in enumerate(rows[:max_scan]):
        score, kinds = _header_score(row)
        if score >= 2 and (best is None or score > best[0]):
            best = (score, i, kinds)
    if best is None:
        return None
    return best[1], best[2]


def _resolve_owner_columns(kinds: dict[int, str]) -> dict[int, str]:
    """Generic 'Owner' / 'Lead' columns: the first becomes accountable unless an Accountable column
    exists, the next responsible. Named columns (Lead officer = responsible, Lead member = accountable)
    keep their meaning."""
    kinds = dict(kinds)
    for i in sorted(kinds):
        if kinds[i] == "owner":
            kinds[i] = "accountable" if "accountable" not in kinds.values() else "responsible"
    return kinds


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


# ============================================================================ tables

def extract_table(rows: list[list]) -> dict:
    """Recommendations from a table (a list of rows of cells: str, number, date or None), in the
    same form as extract_text / extract_file give them (dates ISO, statuses in the vocabulary).

    Returns {"recommendations": [...], "warnings": [...], "header_row": i, "columns": {kind: header},
    "as_of_raw": text from a title row such as "Position as at 31 March 2025", or None}.
    Raises UserError when no header row can be found.
    """
    result = _table_records(rows)
    warnings = list(result["warnings"])
    result["recommendations"] = [_finish(r, warnings, result["as_of_raw"]) for r in result["recommendations"]]
    result["warnings"] = warnings
    return result


def _table_records(rows: list[list], *, header: tuple[int, dict[int, str]] | None = None) -> dict:
    """extract_table's work, leaving the records as drafts (raw text, not yet parsed)."""
    rows = [list(r) for r in rows]
    header = header or find_header(rows)
    if header is None:
        raise UserError(f"no header row found; expected {HEADER_HELP}")
    h, kinds = header
    kinds = _resolve_owner_columns(kinds)
    warnings: list[str] = []
    # one column per kind (the first); a second "text" column is kept as extra text
    col_of: dict[str, int] = {}
    for i in sorted(kinds):
        col_of.setdefault(kinds[i], i)
    # a "Progress"/"Status" column full of sentences is a position column, not a status
    data_rows = rows[h + 1:]
    if "status" in col_of:
        values = [_cell_text(r[col_of["status"]]) for r in data_rows if col_of["status"] < len(r)]
        values = [v for v in values if v]
        readable = [v for v in values if normalise_status(v) or normalise_rag(v)]
        if values and len(readable) < len(values) / 2 and sum(len(v) > 40 for v in values) >= len(values) / 2:
            idx = col_of.pop("status")
            if "position" not in col_of:
                col_of["position"] = idx
    columns = {k: _cell_text(rows[h][i]) for k, i in col_of.items()}

    title_text = "\n".join(" ".join(dict.fromkeys(_cell_text(c) for c in r if _cell_text(c))) for r in rows[:h])
    as_of_raw = _find_as_of(title_text) if title_text else None

    def cell(row, kind):
        i = col_of.get(kind)
        if i is None or i >= len(row):
            return None
        return row[i]

    header_cells = [_normalise_header(c) for c in rows[h]]
    recs: list[dict] = []
    last: dict | None = None
    section = None  # "Theme 2: Governance and culture" rows set the theme of the rows below
    for row in data_rows:
        texts = [_cell_text(c) for c in row]
        if not any(texts):
            continue
        if [_normalise_header(c) for c in row] == header_cells:  # repeated after a page break
            continue
        ref = _cell_text(cell(row, "ref"))
        text = _cell_text(cell(row, "text"))
        other = {k: cell(row, k) for k in col_of if k not in ("ref", "text")}
        other_text = {k: _cell_text(v) for k, v in other.items()}
        filled = [t for t in texts if t]
        # a title / section row: one distinct value across the row (merged title, "Theme 1: ...")
        first_col = next(i for i, t in enumerate(texts) if t)
        lone_in_data = texts.count(filled[0]) == 1 and first_col not in (col_of.get("ref"), col_of.get("text"), 0)
        if len(set(filled)) == 1 and not (ref and text and ref != text) and not lone_in_data:
            if last is not None and filled[0] == text and not ref and "ref" not in col_of:
                pass  # a lone recommendation text cell: treat as a record below
            elif (last is not None and last["text"] and filled[0] == text and texts.count(text) == 1
                  and (text[:1].islower() or not _ends_sentence(last["text"]))):
                last["text"] = f"{last['text']} {text}"  # the recommendation's text wrapped onto another row
                continue
            else:
                if len(filled[0]) <= 80 and not re.match(r"(?i)key\b|note", filled[0]):
                    section = re.sub(r"^(?:(?:core\s+)?theme|section|part|area|priority)?\s*\d*\s*[:.\-–]\s*", "",
                                     filled[0], flags=re.I).strip() or None
                continue
        if ref and not _looks_like_ref(ref):
            # notes under the table ("Key: G = on track") or a section title in the ref column
            if not text:
                continue
            ref = ""
        if not ref and not text:
            if last is not None:  # continuation row: more actions / progress for the previous record
                _merge_fields(last, _row_fields(other, other_text), warnings)
            continue
        fields = _row_fields(other, other_text)
        if not ref and text and "ref" in col_of and last is not None and last["text"] and not fields:
            last["text"] = f"{last['text']} {text}"  # the recommendation's text wrapped onto another row
            continue
        number = _ref_number(ref) if ref else None
        if text and number is None:
            m = re.match(r"^(?:recommendation\s+|rec\.?\s*)?(\d{1,3}[a-z]?)[.):]\s+(.*)$", text, re.I | re.S)
            if m:
                number, text = m.group(1), m.group(2).strip()
        same = number is not None and last is not None and last["number"] is not None and (
            number_key(number) == number_key(last["number"])
            or (not text and (number_key(number) or "").startswith((number_key(last["number"]) or "") + ".")))
        if same and (not text or text == last["text"]):
            _merge_fields(last, fields, warnings)  # one recommendation, several action rows
            continue
        if last is not None and number is None and text and text == last["text"]:
            _merge_fields(last, fields, warnings)
            continue
        if section and not fields.get("theme"):
            fields["theme"] = section
        rec = _new_rec(number=number, text=text or None, **fields)
        if number is None:
            rec["record_flag"] = "unnumbered"
        recs.append(rec)
        last = rec
    return {"recommendations": recs, "warnings": warnings, "header_row": h, "columns": columns,
            "as_of_raw": as_of_raw}


def _row_fields(other: dict, other_text: dict) -> dict:
    fields: dict[str, Any] = {}
    for kind, raw in other.items():
        text = other_text[kind]
        if not text:
            continue
        if kind in ("target", "revised_target", "as_of"):
            key = {"target": "target_raw", "revised_target": "revised_target_raw", "as_of": "as_of_raw"}[kind]
            fields[key] = _date_cell(raw, text)
        elif kind == "status":
            fields["status_raw"] = text
        elif kind == "rag":
            fields["rag_raw"] = text
        elif kind == "position":
            fields["position"] = text
        elif kind == "action":
            fields["actions"] = text
        elif kind in ("accountable", "responsible", "theme"):
            fields[kind] = _squash(text)
    return fields


def _date_cell(raw, text: str) -> str:
    """Date cells as ISO text; an Excel serial number left in a date column is converted too."""
    if isinstance(raw, (_dt.date, _dt.datetime)):
        return _cell_text(raw)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and 20000 <= raw <= 80000:
        return (_dt.date(1899, 12, 30) + _dt.timedelta(days=int(raw))).isoformat()
    return text


def _merge_fields(rec: dict, fields: dict, warnings: list[str]) -> None:
    """Fold another action row into a recommendation: texts are joined, differing values kept once."""
    for key, value in fields.items():
        if not value:
            continue
        old = rec.get(key)
        if not old:
            rec[key] = value
        elif key in ("position", "actions"):
            rec[key] = f"{old}\n{value}"
        elif key in ("accountable", "responsible"):
            if value not in old.split("; "):
                rec[key] = f"{old}; {value}"
        elif key == "status_raw":
            if value != old:
                rec.setdefault("_statuses", [old]).append(value)
        elif key == "target_raw":
            if value != old:
                rec.setdefault("_targets", [old]).append(value)
        elif old != value and key in ("rag_raw", "revised_target_raw"):
            rec.setdefault("_" + key, [old]).append(value)


# ---------------------------------------------------------------------------- text tables

def _delimited_tables(lines: list[str]) -> list[list[list[str]]]:
    """Blocks of tab-separated or markdown '|' lines, as tables (lists of rows)."""
    tables = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "\t" in line.strip() or re.match(r"^\s*\|.*\|\s*$", line):
            is_pipe = "\t" not in line.strip()
            block = []
            while i < len(lines):
                cur = lines[i]
                if is_pipe and re.match(r"^\s*\|.*\|\s*$", cur):
                    if not re.fullmatch(r"\s*\|?(?:\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*\|?\s*", cur):
                        block.append(cur)
                elif not is_pipe and "\t" in cur.strip():
                    block.append(cur)
                elif not cur.strip() and i + 1 < len(lines) and (
                        ("\t" in lines[i + 1].strip()) if not is_pipe else lines[i + 1].lstrip().startswith("|")):
                    pass  # a blank line inside the table
                else:
                    break
                i += 1
            if is_pipe:
                rows = [[c.strip() for c in b.strip().strip("|").split("|")] for b in block]
            else:
                rows = list(csv.reader(io.StringIO("\n".join(block)), delimiter="\t"))
                rows = [[c.strip() for c in r] for r in rows]
            if len(rows) >= 2:
                tables.append(rows)
        else:
            i += 1
    return tables


# ---------------------------------------------------------------------------- flattened tables

# role titles used to split "Leader of the Council Chief Executive" into two owners
_CAP = r"(?:[A-Z][\w'’.-]*|[A-Z]{2,}|ICT|HR|IT)"
_DEPT = rf"{_CAP}(?:(?:\s*,\s*|\s+(?:&|and|of|the|for|-|–)\s+|\s+){_CAP})*"
_ROLE_CORE = (
    rf"(?:Deputy\s+)?Leader(?:\s+of\s+(?:the\s+)?(?:Council|Opposition|{_CAP}(?:\s+{_CAP})*\s+Group))?"
    rf"|(?:(?:Deputy|Assistant|Interim|Acting|Joint|Shared)\s+)*Chief\s+Executive(?:\s+Officer)?"
    rf"|(?:(?:Interim|Acting|Deputy|Assistant|Executive|Strategic|Corporate|Service|Managing|Group|Programme|Project|Operational|Senior)\s+)*"
    rf"Directors?(?:\s+(?:of|for)\s+{_DEPT}|\s*[-–:]\s*{_DEPT}|\s+{_DEPT})?"
    rf"|(?:(?:Interim|Acting|Deputy|Assistant)\s+)*Heads?\s+of\s+{_DEPT}"
    rf"|(?:(?:Deputy|Lead)\s+)?(?:Cabinet|Portfolio)\s+(?:Member|Holder|Lead)s?(?:\s+(?:for|of)\s+{_DEPT})?"
    rf"|Lead\s+(?:Member|Councillor|Cabinet\s+Member)s?(?:\s+(?:for|of)\s+{_DEPT})?"
    rf"|(?:(?:Deputy|Interim|Acting)\s+)?Monitoring\s+Officer"
    rf"|(?:(?:Deputy|Interim|Acting)\s+)?(?:S\.?\s?151|Section\s+151)(?:\s+Officer)?"
    rf"|(?:(?:Deputy|Interim|Acting)\s+)?Chief\s+(?:Finance|Financial|Operating|Digital|People|Legal|Information|Technology|Officer)(?:\s+Officer)?s?"
    rf"|Chief\s+Officers?|(?:Corporate\s+|Senior\s+|Extended\s+|Executive\s+|Strategic\s+)?(?:Leadership|Management)\s+Team"
    rf"|(?:SLT|CMT|CLT|ELT|SMT|LMT|ELB|CLB|SRO|HoPS|MO|CEO|CE|DCE)"
    rf"|(?:{_CAP}\s+){{0,3}}(?:Manager|Officer|Lead|Advisor|Adviser|Team|Board|Committee|Partnership|Panel)s?"
    rf"|(?:(?:Vice\s+)?Chairs?|Chairman|Chairperson)(?:\s+of\s+(?:the\s+)?{_DEPT})?"
    rf"|(?:All\s+)?(?:Members|Councillors|Group\s+Leaders|Political\s+Group\s+Leaders)"
    rf"|(?:Full\s+)?Council|Cabinet|Mayor|(?:Deputy\s+)?Mayor"
)
_ROLE_ONE = rf"(?:{_ROLE_CORE})(?:\s*\((?:[^()]{{1,25}})\))?"
_ROLE = re.compile(rf"{_ROLE_ONE}(?:\s*(?:&|and|/|,)\s*{_ROLE_ONE})*")
_GENERIC_OWNER = re.compile(
    r"(?:[A-Z][\w'’.()/-]*|\(\w+\))(?:\s+(?:[A-Z][\w'’.()/-]*|&|and|of|the|for|/|-|–|\([^()]{1,20}\)))*"
)
_CONNECTORS = {"of", "the", "and", "&", "for", "to", "/", "-", "–"}


def _is_role(text: str) -> bool:
    return bool(_ROLE.fullmatch(text)) and text.split()[-1].lower() not in _CONNECTORS


def _is_generic_owner(text: str) -> bool:
    words = text.split()
    return (0 < len(words) <= 10 and bool(_GENERIC_OWNER.fullmatch(text))
            and words[-1].lower() not in _CONNECTORS)


_NO_DATE_WORDS = re.compile(r"(?i)^(?:tbc|tba|tbd|to be (?:confirmed|agreed|determined)|on-?\s?going|n/?a|"
                            r"not applicable|continuous|continuing|immediate(?:ly)?|as required|various)$")


@functools.lru_cache(maxsize=4096)
def _is_date_span(text: str) -> bool:
    """Text a timescale column could hold: a readable date, or a no-date word (TBC, Ongoing)."""
    if text.startswith("(") or text.endswith(")"):
        return False
    if not re.search(r"\d", text) and not _NO_DATE_WORDS.match(text):
        return False
    try:
        parse_date(text)
    except DateParseError:
        return False
    return True


@functools.lru_cache(maxsize=4096)
def _is_status_span(text: str) -> bool:
    return bool(normalise_status(text) or normalise_rag(text))


@functools.lru_cache(maxsize=4096)
def _owner_kind(text: str) -> str | None:
    if _is_role(text):
        return "role"
    if _is_generic_owner(text):
        return "generic"
    return None


_HEADER_WORDS = set("""
ref reference no number num id item rec recs recommendation recommendations position progress update updates
comments comment commentary narrative notes evidence action actions response owner owners lead leads officer
accountable responsible member portfolio holder cabinet timescale timescales target date due deadline completion
when timeframe timeline status rag rating revised theme area priority description finding findings issue
""".split())


def _flat_header(line: str) -> list[tuple[str, str]] | None:
    """Tokenise a flattened header line ("Ref Recommendation Position on the Recommendation
    Accountable Responsible Timescale Status") into [(kind, label)], or None if it is not one.

    The words are split into known column names so that a recommendation column exists, as few
    words as possible are left over (they join the column before), and then as many columns as
    possible: "Ref Recommendation Owner" is three columns, not Ref + "Recommendation Owner"."""
    words = line.split()
    if not 3 <= len(words) <= 30:
        return None
    n = len(words)
    # cheap checks first (this runs on every line of a document)
    if sum(1 for w in words if w.lower().strip(".:()?#") in _HEADER_WORDS) < 3:
        return None
    if not any(column_kind(" ".join(words[:j])) for j in range(1, min(7, n) + 1)):
        return None

    @functools.lru_cache(maxsize=None)
    def best(i: int, has_text: bool):
        """Best (score, segmentation) for words[i:], score = (-unknown, columns)."""
        if i == n:
            return ((0, 0), ()) if has_text else None
        options = []
        for j in range(i + 1, min(n, i + 7) + 1):
            kind = column_kind(" ".join(words[i:j]))
            if kind:
                sub = best(j, has_text or kind == "text")
                if sub:
                    options.append(((sub[0][0], sub[0][1] + 1), ((kind, i, j),) + sub[1]))
        if i > 0:  # an unknown word joins the column before
            sub = best(i + 1, has_text)
            if sub:
                options.append(((sub[0][0] - 1, sub[0][1]), sub[1]))
        return max(options, key=lambda o: o[0]) if options else None

    result = best(0, False)
    if result is None:
        return None
    (neg_unknown, ncols), segs = result
    kinds = [k for k, _, _ in segs]
    if not (set(kinds) & _STRUCTURED) or ncols < 3 or -neg_unknown > 3:
        return None
    cols = []
    for idx, (kind, a, b) in enumerate(segs):
        stop = segs[idx + 1][1] if idx + 1 < len(segs) else n
        cols.append((kind, " ".join(words[a:stop])))
    return cols


_ROW_START = re.compile(r"^\s*(?P<ref>(?:Rec(?:ommendation)?\.?\s*|[A-Z]{1,5}\s?)?\d{1,3}(?:\.\d{1,2})?[a-z]?)[.):]?"
                        r"(?:\s+(?P<rest>\S.*))?$")


def _ref_tuple(ref: str) -> tuple[str, int, int | None] | None:
    m = re.fullmatch(r"(Rec(?:ommendation)?\.?\s*|[A-Z]{0,5})\s?(\d{1,3})(?:\.(\d{1,2}))?([a-z]?)", ref.strip())
    if not m:
        return None
    minor = int(m.group(3)) if m.group(3) else (ord(m.group(4)) - 96 if m.group(4) else None)
    return m.group(1), int(m.group(2)), minor


def _follows(prev: tuple | None, cur: tuple) -> bool:
    if prev is None:
        return cur[1] <= 3
    if cur[0] != prev[0]:
        return False
    if cur[1] == prev[1] + 1 and (cur[2] is None or cur[2] <= 1):
        return True
    if cur[1] == prev[1] and cur[2] is not None and (prev[2] or 0) + 1 == cur[2]:
        return True
    return False


def _flattened_tables(lines: list[str]) -> tuple[list[dict], list[str]]:
    """Recommendations from action-plan tables flattened to text (seed 001's layout)."""
    recs: list[dict] = []
    warnings: list[str] = []
    i = 0
    while i < len(lines):
        header = None
        span = 0
        for n in (1, 2, 3):
            if i + n > len(lines):
                break
            chunk = lines[i:i + n]
            if n > 1 and (any(not c.strip() for c in chunk) or _flat_header(lines[i + 1].strip())):
                break  # a header split over lines, but not a title line glued to a real header
            header = _flat_header(" ".join(c.strip() for c in chunk))
            if header:
                span = n
                break
        if not header:
            i += 1
            continue
        header_line = " ".join(c.strip() for c in lines[i:i + span])
        i += span
        # row blocks: each starts with the next ref in sequence
        blocks: list[tuple[str, list[str]]] = []
        prev = None
        j = i
        while j < len(lines):
            line = lines[j]
            if _squash(line) == _squash(header_line):  # repeated header after a page break
                j += 1
                continue
            m = _ROW_START.match(line)
            ref_t = _ref_tuple(m.group("ref")) if m else None
            if m and ref_t and _follows(prev, ref_t):
                blocks.append((m.group("ref"), [m.group("rest") or ""]))
                prev = ref_t
                j += 1
                continue
            if not blocks:
                if line.strip() and j - i > 3:
                    break  # no row soon after the header: not a table
                j += 1
                continue
            if not line.strip():
                # a blank line ends the table unless the next row follows
                k = j + 1
                while k < len(lines) and not lines[k].strip():
                    k += 1
                nxt = _ROW_START.match(lines[k]) if k < len(lines) else None
                nxt_t = _ref_tuple(nxt.group("ref")) if nxt else None
                if nxt and nxt_t and _follows(prev, nxt_t):
                    j = k
                    continue
                break
            blocks[-1][1].append(line)
            j += 1
        i = j
        if not blocks:
            continue
        col_kinds = [k for k, _ in header if k != "ref"]
        if header[0][0] != "ref":
            warnings.append("flattened table without a Ref column: rows were found by their leading numbers")
        for k, (ref, block_lines) in enumerate(blocks):
            score, rec = _parse_flat_row(ref, block_lines, col_kinds)
            if k == len(blocks) - 1:
                # the last row may run into the text after the table when no blank line separates them
                for cut in range(1, min(3, len(block_lines) - 1) + 1):
                    score2, rec2 = _parse_flat_row(ref, block_lines[:-cut], col_kinds)
                    if score2 >= score + 10:
                        score, rec = score2, rec2
            recs.append(rec)
    return recs, warnings


def _tokens(block_lines: list[str]) -> list[tuple[str, bool]]:
    """Words with a flag: does the word start a line?"""
    out = []
    for line in block_lines:
        for k, word in enumerate(line.split()):
            out.append((word, k == 0))
    return out


_MAX_ROW_WORDS = 250


def _parse_flat_row(ref: str, block_lines: list[str], col_kinds: list[str]) -> tuple[float, dict]:
    toks = _tokens(block_lines)
    if len(toks) > _MAX_ROW_WORDS and col_kinds and col_kinds[0] in _FREE_TEXT:
        # a very long row: the structured cells are near its end; glue the head onto the first text cell
        head, toks = toks[:-_MAX_ROW_WORDS // 2], toks[-_MAX_ROW_WORDS // 2:]
        toks = [(" ".join(w for w, _ in head) + " " + toks[0][0], head[0][1])] + toks[1:]
    words = [w for w, _ in toks]
    starts = [s for _, s in toks]
    n = len(words)
    # consecutive free-text columns form one group, split afterwards
    groups: list[tuple[str, list[str]]] = []
    for kind in col_kinds:
        if kind in _FREE_TEXT:
            if groups and groups[-1][0] == "free":
                groups[-1][1].append(kind)
            else:
                groups.append(("free", [kind]))
        else:
            groups.append((kind, [kind]))
    cache: dict = {}
    digits = [0]
    for w in words:
        digits.append(digits[-1] + any(c.isdigit() for c in w))
    capital = [w[:1].isupper() or w[:1] == "(" for w in words]

    def span_score(kind: str, a: int, b: int) -> float | None:
        key = (kind, a, b)
        if key in cache:
            return cache[key]
        score = None
        if kind in ("target", "revised_target", "as_of"):
            if b - a <= 6 and (digits[b] > digits[a] or b - a <= 4) and _is_date_span(" ".join(words[a:b])):
                score = 10 + 0.5 * (b - a)
        elif kind in ("status", "rag"):
            if b - a <= (5 if kind == "status" else 3) and _is_status_span(" ".join(words[a:b])):
                score = 10 + 0.5 * (b - a)
        elif kind in ("accountable", "responsible", "owner"):
            if b - a <= 12 and capital[a]:
                role = _owner_kind(" ".join(words[a:b]))
                if role == "role":
                    score = 10 + 0.3 * (b - a)
                elif role == "generic":
                    score = 3 + 0.1 * (b - a)
        if score is not None and starts[a]:
            score += 2
        cache[key] = score
        return score

    @functools.lru_cache(maxsize=None)
    def best(g: int, pos: int) -> tuple[float, tuple]:
        """Best (score, spans) for groups g.. over words pos..n."""
        if g == len(groups):
            return (0.0, ()) if pos == n else (-1e9, ())
        kind, members = groups[g]
        options = []
        if kind == "free":
            need = 1 if "text" in members else 0
            for end in range(pos + need, n + 1):
                sub = best(g + 1, end)
                if sub[0] > -1e8:
                    options.append((sub[0], ((pos, end),) + sub[1]))
            if not options:
                return (-1e9, ())
            # prefer the longest free text among equal scores (earliest structured match is the last)
            return max(options, key=lambda o: (o[0], o[1][0][1]))
        # structured: empty, or a span that the recogniser accepts
        sub = best(g + 1, pos)
        options.append((sub[0], ((pos, pos),) + sub[1]))
        for end in range(pos + 1, min(n, pos + 12) + 1):
            s = span_score(kind, pos, end)
            if s is None:
                continue
            sub = best(g + 1, end)
            if sub[0] > -1e8:
                options.append((sub[0] + s, ((pos, end),) + sub[1]))
        return max(options, key=lambda o: o[0])

    score, spans = best(0, 0)
    rec = _new_rec(number=_ref_number(ref))
    owner_cols = [k for k in col_kinds if k in ("accountable", "responsible", "owner")]
    resolved = _resolve_owner_columns(dict(enumerate(owner_cols)))
    owners: list[tuple[str, str]] = []  # (accountable|responsible, text)
    owner_idx = 0
    for (kind, members), (a, b) in zip(groups, spans):
        if kind == "free":
            _split_free(rec, members, words[a:b], starts[a:b])
            continue
        if kind in ("accountable", "responsible", "owner"):
            if a < b:
                owners.append((resolved[owner_idx], " ".join(words[a:b])))
            owner_idx += 1
            continue
        if a == b:
            continue
        text = " ".join(words[a:b])
        key = {"target": "target_raw", "revised_target": "revised_target_raw", "as_of": "as_of_raw",
               "status": "status_raw", "rag": "rag_raw"}[kind]
        rec[key] = text
    if owners:
        generic = [t for _, t in owners if not _is_role(t)]
        if generic and len(owner_cols) > 1:
            whole = " ".join(t for _, t in owners)
            rec["accountable"] = whole
            rec.setdefault("_warn", []).append(
                f"could not split the owners {whole!r} into accountable and responsible; all of it is in accountable")
        else:
            for kind, text in owners:
                rec[kind] = text
            if generic:
                rec.setdefault("_warn", []).append(f"owner {generic[0]!r} is not a role title the extractor knows; check it")
    return score, rec


_POSITION_SPLITS = [
    re.compile(r"\s[-–•]\s+(?=(?:We|Our|The\s+council|The\s+Council|Council|This\s+has|Work\s+has|A\s+\w+\s+has)\b)"),
    re.compile(r"\n\s*[-–•]\s+"),
    re.compile(r"\s-\s"),
]


def _split_free(rec: dict, members: list[str], words: list[str], starts: list[bool]) -> None:
    """Split a run of free-text words into the free-text columns (recommendation, position, actions...)."""
    # rebuild the text with its line breaks
    parts = []
    for w, s in zip(words, starts):
        parts.append(("\n" if s and parts else (" " if parts else "")) + w)
    text = "".join(parts).strip()
    pieces = {}
    if len(members) == 1:
        pieces[members[0]] = text
    else:
        first, rest_members = members[0], members[1:]
        cut = None
        for pattern in _POSITION_SPLITS:
            m = pattern.search(text)
            if m:
                cut = m
                break
        if cut:
            pieces[first] = text[:cut.start()].strip()
            pieces[rest_members[0]] = ("- " + text[cut.end():].strip()) if "-" in cut.group(0) or "•" in cut.group(0) \
                else text[cut.end():].strip()
        else:
            pieces[first] = text
            rec.setdefault("_warn", []).append("could not separate the recommendation from the "
                                               f"{rest_members[0]} text")
    for kind, value in pieces.items():
        value = value.strip()
        if not value:
            continue
        if kind == "text":
            rec["text"] = _squash(value)
        elif kind == "position":
            rec["position"] = _tidy_position(value)
        elif kind == "action":
            rec["actions"] = _tidy_position(value)
        elif kind == "theme":
            rec["theme"] = _squash(value)


def _tidy_position(text: str) -> str:
    """Bullets on their own lines, wrapped lines joined."""
    items = re.split(r"(?:^|\n)\s*[-–•]\s+", "\n" + text)
    items = [_squash(i) for i in items if _squash(i)]
    if len(items) > 1 or text.lstrip().startswith(("-", "–", "•")):
        return "\n".join(f"- {i}" for i in items)
    return _squash(text)


# ============================================================================ text clean-up

_BULLET_GLYPHS = "•▪◦●○■□➢►▶✓✔\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0a8\u2023\u2043\u25aa\u25cf\u2219\u00b7\u25e6\u27a2"
_NAV_NOISE = re.compile(r"^(?:skip to (?:main )?content|menu|search|home|cookies?.*|accept .*cookies.*)$", re.I)


def _clean_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = text.translate({0xa0: " ", 0x2007: " ", 0x202f: " ", 0x2009: " ", 0x200b: None, 0xad: None,
                           0x2010: "-", 0x2011: "-", 0x0c: "\n"})
    # markdown emphasis and links
    text = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m.group(1) or m.group(2), text)
    text = re.sub(r"\[([^\]\n]+)\]\([^)\n]*\)", r"\1", text)
    lines = []
    for line in text.split("\n"):
        line = line.rstrip()
        m = re.match(rf"^(\s*)[{_BULLET_GLYPHS}]\s*", line)
        if m:
            line = m.group(1) + "- " + line[m.end():]
        lines.append(line)
    return lines


_TOC = re.compile(r"(?:\t|\.{3,}|…+|\s{3,})\s*\d{1,3}\s*$")


def _is_toc(line: str) -> bool:
    return bool(_TOC.search(line.rstrip()))


# ============================================================================ prose

_REC_HEAD = re.compile(
    r"^(?:#{1,6}\s*)?(?:\d{1,2}(?:\.\d{1,2})*\.?\s+)?(?:(?:key|peer(?:\s+team)?|lga|main)\s+)?"
    r"recommendation\s*(?:no\.?\s*|number\s*)?(?P<num>\d{1,3}[a-z]?)\b"
    r"(?:\s*\((?P<code>[A-Za-z]{1,6}\s?\d{1,3}[a-z]?)\))?(?:(?P<sep>\s*[:.)\-–—]\s*)(?P<rest>.*)|\s*$)",
    re.I)
_REC_CODE = re.compile(
    r"^(?:#{1,6}\s*)?(?:REC|Rec)\.?\s*(?P<num>\d{1,3}[a-z]?)\s*(?:\((?P<code>[A-Za-z]{1,6}\s?\d{1,3}[a-z]?)\))?"
    r"\s*[:.\-–—)]?\s+(?P<rest>\S.*)$"
    r"|^(?:#{1,6}\s*)?R(?P<num2>\d{1,3}[a-z]?)\s*[:.\-–—)]\s+(?P<rest2>\S.*)$")
_NOT_A_REC_REST = re.compile(r"^(?:see|above|below|in|of|and|to|is|was|has|will|refers?|relates?|"
                             r"as|on|at|for|with|which|that)\b", re.I)


def _rec_start(line: str):
    """(number, code, inline text) if the line starts a recommendation, else None."""
    stripped = line.strip()
    if not stripped or _is_toc(line):
        return None
    m = _REC_HEAD.match(stripped)
    if m:
        rest = (m.group("rest") or "").strip()
        if rest and (_NOT_A_REC_REST.match(rest) or re.fullmatch(r"\d{1,3}", rest)):
            return None
        return m.group("num"), m.group("code"), rest
    m = _REC_CODE.match(stripped)
    if m:
        num = m.group("num") or m.group("num2")
        rest = (m.group("rest") or m.group("rest2") or "").strip()
        if _NOT_A_REC_REST.match(rest):
            return None
        return num, m.group("code"), rest
    return None


_LABEL_KINDS: list[tuple[str, str]] = [
    ("revised_target", r"revised\s+(?:target(?:\s+date)?|timescales?|date|deadline)|new\s+target(?:\s+date)?"),
    ("target", r"target(?:\s+(?:completion\s+)?date)?|timescales?|time\s*frame|deadline|due(?:\s+date|\s+by)?|"
               r"completion\s+date|by\s+when|target\s+completion|original\s+target|when"),
    ("status", r"(?:current\s+|overall\s+|progress\s+)?status"),
    ("rag", r"rag(?:\s+(?:rating|status))?|rating"),
    ("accountable", r"accountable(?:\s+(?:officer|member|lead))?|lead\s+member|portfolio\s+holder|"
                    r"(?:lead\s+)?cabinet\s+member|political\s+lead"),
    ("responsible", r"responsible(?:\s+officer)?|lead\s+officer|officer\s+lead"),
    ("owner", r"owners?|leads?|action\s+owner|lead\s*\(s\)"),
    ("position", r"progress(?:\s+(?:update|to\s+date|so\s+far|made))?|update|position|current\s+position|"
                 r"comments?|commentary|position\s+statement|latest\s+position"),
    ("action", r"actions?(?:\s+(?:taken|to\s+date|proposed|planned|agreed))?|council\s+response|response|"
               r"what\s+we\s+will\s+do"),
    ("theme", r"(?:core\s+)?theme"),
    ("as_of", r"as\s+at|as\s+of|date\s+of\s+update|last\s+updated"),
]
_LABEL_ALT = "|".join(f"(?P<{k}{i}>{p})" for i, (k, p) in enumerate(_LABEL_KINDS))
_LABEL_RE = re.compile(rf"^\s*(?:[-*]\s*)?(?:{_LABEL_ALT})\s*(?::|\s[-–—]\s)\s*(?P<value>.*)$", re.I)
_LABEL_SPLIT = re.compile(rf"(?:\s*[|;]\s*|\s+[–—]\s+)(?=(?:{'|'.join(p for _, p in _LABEL_KINDS)})\s*:)", re.I)


_BARE_LABEL_RE = re.compile(rf"^\s*(?:[-*]\s*)?(?:{_LABEL_ALT})\s*:?\s*$", re.I)


def _bare_label(line: str) -> str | None:
    """The kind of a label standing alone on its line ("Progress update", "Status:"), else None."""
    m = _BARE_LABEL_RE.match(line)
    if not m:
        return None
    for name, value in m.groupdict().items():
        if value is not None:
            return re.sub(r"\d+$", "", name)
    return None


def _label(line: str):
    """(kind, value) for a labelled line such as "Target: Oct 24", else None."""
    m = _LABEL_RE.match(line)
    if not m:
        return None
    for name, value in m.groupdict().items():
        if value is not None and name != "value":
            return re.sub(r"\d+$", "", name), m.group("value").strip()
    return None


class _Para:
    """A paragraph: lines joined, with what its first line looks like."""

    def __init__(self, lines: list[str]):
        self.lines = lines

    @property
    def first(self) -> str:
        return self.lines[0]

    @property
    def text(self) -> str:
        joined = ""
        for line in self.lines:
            line = line.strip()
            if joined.endswith("-") and not joined.endswith(" -") and line[:1].islower():
                joined = joined + line  # "decision-" + "making": keep the hyphen, no space
            else:
                joined = f"{joined} {line}" if joined else line
        return _squash(joined)

    @property
    def indent(self) -> bool:
        return self.first[:1] in (" ", "\t")

    def __repr__(self):  # pragma: no cover - debugging aid
        return f"_Para({self.text[:60]!r})"


_ITEM = re.compile(r"^\s*(?:(?P<num>\d{1,2})[.)]|\((?P<num2>\d{1,2})\)|(?P<letter>[a-z])[.)]|\((?P<letter2>[a-z])\)|"
                   r"(?P<bullet>[-*]))\s+(?P<rest>\S.*)$")
_NUMBERED_PARA = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})+\.?\s+\S")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+\S")


def _is_break_line(line: str) -> bool:
    """A line that always starts a new paragraph."""
    return bool(_rec_start(line) or _label(line) or _ITEM.match(line) or _NUMBERED_PARA.match(line)
                or _MD_HEADING.match(line) or _is_toc(line))


def _ends_sentence(text: str) -> bool:
    return bool(re.search(r"[.:;!?][\"'’”)\]]*\s*$", text))


def _paragraphs(lines: list[str]) -> list[_Para]:
    paras: list[list[str]] = []
    blank_before: list[bool] = []
    cur: list[str] | None = None
    blank = True
    # text from a PDF often has no blank lines: a paragraph then ends where a line that finishes a
    # sentence is clearly shorter than the lines around it, and a short title line stands alone
    filled = [ln.strip() for ln in lines if ln.strip()]
    dense = len(filled) >= 3 and (len(lines) - len(filled)) < 0.05 * len(lines)
    widths = sorted(len(ln) for ln in filled)
    full = widths[int(len(widths) * 0.9)] if widths else 0
    prev_line = ""
    prev_title = False
    for line in lines:
        if not line.strip():
            cur = None
            blank = True
            prev_line = ""
            continue
        stripped = line.strip()
        title = (len(stripped.split()) <= 8 and not _ends_sentence(stripped) and stripped[:1].isupper()
                 and (not prev_line or _ends_sentence(prev_line) or prev_title))
        pdf_break = dense and cur is not None and (
            (_ends_sentence(prev_line) and len(prev_line.strip()) < 0.8 * full) or title or prev_title)
        new = cur is None or pdf_break or _is_break_line(line) or (
            line[:1] in (" ", "\t") and _ends_sentence(cur[-1]))
        prev_line = line
        prev_title = dense and title
        if new:
            cur = [line]
            paras.append(cur)
            blank_before.append(blank)
        else:
            cur.append(line)
        blank = False
    # re-join paragraphs split by a blank line in the middle of a sentence (PDF page layout)
    out: list[list[str]] = []
    for lines_, was_blank in zip(paras, blank_before):
        if out and was_blank:
            prev = out[-1]
            first = lines_[0]
            lower_next = first[:1].islower() or first[:1].isdigit()
            short_head = len(prev) == 1 and (
                _is_heading(_Para(prev)) or (_rec_start(prev[0]) and len(prev[0].split()) <= 14))
            if (len(prev[-1].strip()) >= 40 and not _ends_sentence(prev[-1]) and first[:1] not in (" ", "\t")
                    and not _is_break_line(first) and not _MD_HEADING.match(prev[0])
                    and (lower_next or not short_head)):
                prev.extend(lines_)
                continue
        out.append(list(lines_))
    return [_Para(p) for p in out]


def _is_heading(p: _Para) -> bool:
    """A section heading: markdown '#', a numbered title, an ALL-CAPS line, or a short title line."""
    if _MD_HEADING.match(p.first):
        return True
    if len(p.lines) > 2 or _label(p.first) or p.indent:
        return False
    text = p.text
    words = text.split()
    if not words or len(words) > 12 or _ends_sentence(text) or text.endswith(","):
        return False
    if re.match(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+[A-Z]", text):
        return True
    letters = re.sub(r"[^A-Za-z]", "", text)
    if len(letters) >= 4 and letters.isupper():
        return True
    return text[:1].isupper() and len(words) <= 8 and not _ITEM.match(p.first)


_IMPERATIVE = set("""
adopt agree align articulate assess build capitalise celebrate clarify commission communicate complete confirm
consider continue create define deliver design determine develop drive embed empower enable encourage engage
enhance ensure establish evaluate explore expand focus foster formalise harness identify implement improve
increase introduce invest lead learn look maintain make maximise mobilise monitor agree appoint plan prioritise
promote provide put raise reconsider reduce refresh reset review revisit seek set simplify streamline strengthen
support take undertake use work reflect share strengthen refocus rebuild recognise reassess re-establish
""".split())


def _prose_recs(paras: list[_Para], warnings: list[str]) -> list[dict]:
    recs: list[dict] = []
    i = 0
    heading_style = []  # per record: True when its text came after a bare heading
    while i < len(paras):
        start = _rec_start(paras[i].first)
        if not start:
            i += 1
            continue
        num, code, inline = start
        rec = _new_rec(number=num, code=code)
        # the heading paragraph may hold the start of the text on the following lines
        head = paras[i]
        text_lines = [inline] if inline else []
        text_lines += [ln.strip() for ln in head.lines[1:]]
        text_open = True
        in_list = False
        # "Recommendation 1 - Financial sustainability" then a paragraph: the inline words are a title
        if (inline and len(head.lines) == 1 and len(inline.split()) <= 10 and not _ends_sentence(inline)
                and i + 1 < len(paras) and not _rec_start(paras[i + 1].first) and not _label(paras[i + 1].first)
                and not _is_heading(paras[i + 1])):
            rec["_title"] = inline
            text_lines = []
        bare = not text_lines
        heading_style.append(bare)
        position: list[str] = []
        pending_label = None
        waiting_value = None  # a label whose value is the next paragraph ("Target:" then "Oct 24")
        i += 1
        while i < len(paras):
            p = paras[i]
            if _rec_start(p.first) or _is_toc(p.first):
                break
            if waiting_value:
                _set_label(rec, waiting_value, p.text)
                pending_label = waiting_value if waiting_value in ("position", "action") else None
                waiting_value = None
                i += 1
                continue
            bare_kind = _bare_label(p.first)
            if bare_kind:
                if len(p.lines) > 1:
                    _set_label(rec, bare_kind, _squash(" ".join(p.lines[1:])))
                    pending_label = bare_kind if bare_kind in ("position", "action") else None
                else:
                    waiting_value = bare_kind
                text_open = False
                i += 1
                continue
            lab = _label(p.first)
            if lab:
                kind, value = lab
                rest = " ".join(ln.strip() for ln in p.lines[1:])
                value = _squash(f"{value} {rest}")
                # several labels on one line: "Target: Oct 24 | Status: Complete"
                for piece in _LABEL_SPLIT.split(p.text)[1:] if _LABEL_SPLIT.search(p.text) else []:
                    sub = _label(piece)
                    if sub:
                        _set_label(rec, *sub)
                if _LABEL_SPLIT.search(p.text):
                    value = _squash(_LABEL_SPLIT.split(_label(p.text)[1])[0])
                if not value and len(p.lines) == 1:
                    waiting_value = kind
                _set_label(rec, kind, value)
                pending_label = kind if kind in ("position", "action") else None
                text_open = False
                i += 1
                continue
            if _is_heading(p) and not (text_open and not text_lines):
                break
            if _NUMBERED_PARA.match(p.first) and not text_open:
                break
            item = _ITEM.match(p.first)
            if text_open:
                joined = " ".join(text_lines)
                if not text_lines:
                    text_lines.append(p.text)
                elif (joined.rstrip().endswith(":") or in_list) and (
                        (item and (not in_list or item.group("bullet") or item.group("num") or item.group("letter")))
                        or (p.indent and p.text.split()[0].lower() in _IMPERATIVE)):
                    text_lines.append("\n- " + (_squash(item.group("rest") + " " + " ".join(p.lines[1:])) if item else p.text))
                    in_list = True
                    i += 1
                    continue
                elif not _ends_sentence(joined) and not p.indent and not item:
                    text_lines.append(p.text)
                else:
                    text_open = False
                    continue
                i += 1
                # a bare heading's text is its first paragraph (plus a list it introduces)
                if bare and not " ".join(text_lines).rstrip().endswith(":"):
                    text_open = False
                continue
            if pending_label:
                _append(rec, "position" if pending_label == "position" else "actions", p.text)
            else:
                position.append(p.text)
            i += 1
        text = "".join((t if t.startswith("\n") else (" " + t)) for t in text_lines).strip()
        text = re.sub(r"[ \t]+", " ", text)
        rec["text"] = text or None
        if position:
            rec["_extra"] = position
        recs.append(rec)
    # unlabelled paragraphs after a recommendation are its progress, unless they only follow the last
    # one (then they are more likely the report going on)
    with_extra = [r for r in recs[:-1] if r.get("_extra")]
    for k, rec in enumerate(recs):
        extra = rec.pop("_extra", None)
        if not extra:
            continue
        if k == len(recs) - 1 and recs and heading_style[k] and not with_extra:
            continue
        _append(rec, "position", "\n".join(extra))
    return recs


def _append(rec: dict, key: str, text: str) -> None:
    text = text.strip()
    if text:
        rec[key] = f"{rec[key]}\n{text}" if rec.get(key) else text


def _set_label(rec: dict, kind: str, value: str) -> None:
    value = value.strip()
    if not value:
        return
    key = {"target": "target_raw", "revised_target": "revised_target_raw", "status": "status_raw",
           "rag": "rag_raw", "as_of": "as_of_raw", "position": "position", "action": "actions",
           "theme": "theme"}.get(kind)
    if key in ("position", "actions"):
        _append(rec, key, value)
    elif key:
        rec[key] = value
    elif kind == "accountable":
        rec["accountable"] = value
    elif kind == "responsible":
        rec["responsible"] = value
    elif kind == "owner":
        if rec.get("accountable"):
            rec["responsible"] = rec.get("responsible") or value
        else:
            rec["accountable"] = value


_KEYREC_HEAD = re.compile(
    r"^(?:#{1,6}\s*)?(?:\d{1,2}(?:\.\d{1,2})*\.?\s+)?(?:(?:the|key|main|summary\s+of(?:\s+the)?|our|peer\s+team'?s?|"
    r"peer\s+challenge|lga|top|headline|corporate\s+peer\s+challenge|cpc|list\s+of(?:\s+the)?)\s+)*"
    r"recommendations?(?:\s+(?:for|to)\s+the\s+council|\s+from\s+the\s+peer\s+(?:team|challenge|review)|"
    r"\s+made\s+by\s+the\s+peer\s+team)?\s*:?$", re.I)
_COMMITTEE_REC = re.compile(
    r"^(?:that\s+)?(?:the\s+)?(?:cabinet|council|committee|members?|board|full\s+council|panel|executive)\s+"
    r"(?:is\s+asked\s+to\s+|are\s+asked\s+to\s+)?(?:note|notes|noted|agree|agrees|approve|approves|receive|receives|"
    r"consider|considers|endorse|endorses|recommend|recommends|comment|delegate|delegates)\b|"
    r"^(?:note|notes|receive|receives|approve|approves|endorse|endorses)\s+(?:the\s+)?(?:report|contents?|progress)"
    r"|it\s+is\s+recommended", re.I)


def _list_recs(paras: list[_Para], warnings: list[str]) -> list[dict]:
    """Numbered or bulleted lists under a 'Key recommendations' heading."""
    recs: list[dict] = []
    for h, head in enumerate(paras):
        if len(head.lines) != 1 or _is_toc(head.first) or not _KEYREC_HEAD.match(head.first.strip()):
            continue
        head_num = re.match(r"^\s*(?:#+\s*)?(\d{1,2})\.", head.first)
        items: list[dict] = []
        intro = 0
        committee = False
        for p in paras[h + 1:]:
            if _rec_start(p.first):
                break
            m = _ITEM.match(p.first)
            if m:
                rest = _squash(" ".join([m.group("rest")] + [ln.strip() for ln in p.lines[1:]]))
                num = m.group("num") or m.group("num2")
                short_title = len(rest.split()) <= 8 and not _ends_sentence(rest)
                if num is not None:
                    numbered = [it for it in items if it["number"] is not None]
                    expected = (int(numbered[-1]["number"]) + 1) if numbered else None
                    if items and short_title and all(_ends_sentence(it["text"]) for it in items):
                        break  # "3. Summary of the approach": the next section
                    if head_num and not items and int(num) == int(head_num.group(1)) + 1 and short_title:
                        break
                    if expected is not None and int(num) != expected:
                        break
                    items.append(_new_rec(number=num, text=rest))
                elif m.group("letter") or m.group("letter2"):
                    if items:
                        items[-1]["text"] += "\n- " + rest
                    else:
                        items.append(_new_rec(number=m.group("letter") or m.group("letter2"), text=rest))
                else:  # bullet
                    if items and items[-1]["number"] is not None and p.indent:
                        items[-1]["text"] += "\n- " + rest
                    else:
                        items.append(_new_rec(number=None, text=rest, record_flag="unnumbered"))
                continue
            if items:
                if p.indent and not _is_heading(p):
                    items[-1]["text"] += " " + p.text
                    continue
                break
            if _is_heading(p):
                break
            if re.search(r"recommended\s+that|it\s+is\s+recommended", p.text, re.I):
                committee = True
            intro += 1
            if intro > 3:
                break
        if not items and not committee:
            items = _imperative_paragraphs(paras[h + 1:])
        kept = []
        for it in items:
            if committee or _COMMITTEE_REC.search(it["text"]):
                committee = True
                continue
            kept.append(it)
        if committee and items:
            warnings.append("a 'Recommendations' list that asks a committee to note or agree something was "
                            "skipped (committee-report recommendations are not peer recommendations)")
        recs.extend(kept)
    return recs


def _imperative_paragraphs(paras: list[_Para]) -> list[dict]:
    """Unnumbered recommendations: paragraphs that each start with a verb ("Develop ...", "Review ..."),
    after at most two introductory paragraphs and before the next heading; two or more of them."""
    items: list[dict] = []
    intro = 0
    for p in paras:
        if _rec_start(p.first) or _is_heading(p) or _is_toc(p.first):
            break
        first = re.sub(r"[^a-z-]", "", p.text.split()[0].lower()) if p.text.split() else ""
        if first in _IMPERATIVE and len(p.text.split()) <= 80:
            items.append(_new_rec(number=None, text=p.text, record_flag="unnumbered"))
            continue
        if items:
            break
        intro += 1
        if intro > 2:
            return []
    return items if len(items) >= 2 else []


_DONE_SENT = re.compile(
    r"\b(?P<count>" + _NUMBER_WORD + r"|all|some|several)\s+of\s+the\s+(?:\w+\s+)?(?:recommendations|actions)\s+"
    r"(?:were|have\s+been|has\s+been|are\s+now|are|had\s+been|was)\s+(?:now\s+)?(?:fully\s+)?"
    r"(?P<status>completed|complete|closed|achieved|delivered|implemented|superseded|withdrawn|embedded)"
    r"(?P<when>\s+(?:during|in|by|within|before)\s+(?:the\s+)?[\w/ -]{2,30}?)?\s*[,:;]?\s+"
    r"(?:namely|these\s+(?:were|are|being)|i\.?\s?e\.?|including|being|as\s+follows)?\s*[:,]?\s*", re.I)
_CODE_REF = re.compile(r"\((?P<code>[A-Z]{1,6}\s?\d{1,3}[a-z]?|(?:rec(?:ommendation)?\.?\s*)?\d{1,3}[a-z]?)\)", re.I)
_ROLLED = re.compile(
    r"\b(?:the\s+)?(?:remaining|other|outstanding)\s+(?:\w+\s+)?(?:actions|recommendations)\s+(?:have\s+been|were|are|"
    r"will\s+be|had\s+been)\s+(?:rolled|carried|moved|brought)\s+(?:forward|over)\s+(?:in)?to\s+(?:the\s+)?(?P<period>[^.;,]+)",
    re.I)


def _status_sentences(paras: list[_Para], warnings: list[str]) -> tuple[list[dict], str | None]:
    """'Three of the recommendations were completed during 2019/20, namely X (CRD1); Y (CRD2) and Z (CRD5)'."""
    recs: list[dict] = []
    rolled = None
    for p in paras:
        text = p.text
        for m in _DONE_SENT.finditer(text):
            count = m.group("count").lower()
            limit = _to_int(count) if re.fullmatch(_NUMBER_WORD, count) else None
            rest = text[m.end():]
            pos = 0
            found = 0
            for cm in _CODE_REF.finditer(rest):
                desc = rest[pos:cm.start()]
                if len(desc) > 400:
                    break
                desc = re.sub(r"^[\s;,.]*(?:and\s+|namely\s+)?", "", desc).strip(" ;,")
                desc = re.sub(r"\s*(?:;|,)?\s*and\s*$", "", desc)
                code = cm.group("code")
                number = re.search(r"\d{1,3}[a-z]?$", code).group(0)
                when = (m.group("when") or "").strip()
                status_raw = _squash(f"{m.group('status')} {when}")
                rec = _new_rec(number=number, code=code if not code.isdigit() else None,
                               text=(desc[:1].upper() + desc[1:]) if desc else None, status_raw=status_raw,
                               status=normalise_status(m.group("status")))
                period = re.sub(r"^(?:during|in|by|within|before)\s+(?:the\s+)?", "", when, flags=re.I)
                if period and try_parse_date(period).value:
                    rec["as_of_raw"] = period
                rec["_from_sentence"] = True
                recs.append(rec)
                found += 1
                pos = cm.end()
                if limit is not None and found >= limit:
                    break
            if limit is not None and found and found != limit:
                warnings.append(f"the text says {count} recommendations were {m.group('status')} "
                                f"but names {found}")
        rm = _ROLLED.search(text)
        if rm and rolled is None:
            period = rm.group("period").strip()
            if try_parse_date(period).value:
                rolled = period
    return recs, rolled


# ============================================================================ challenge facts

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)")
_RANGE = re.compile(
    rf"(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+(?P<m1>{_MONTH}))?(?:\s+(?P<y1>\d{{4}}))?\s*(?:-|–|—|to|and|until|till)\s*"
    rf"(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH})\s+(?P<y2>\d{{4}})", re.I)
_ONSITE_CUE = re.compile(r"on[- ]?site|took\s+place|visit|peer\s+challenge|peer\s+review|were\s+at|spent|"
                         r"carried\s+out|conducted|welcomed?|peer\s+team", re.I)


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", text)


def _date_for_record(text: str) -> str | None:
    """A date phrase as the source files write it: YYYY-MM-DD, YYYY-MM, or the phrase itself."""
    parsed = try_parse_date(text)
    if parsed.value is None:
        return None
    if parsed.precision == "day":
        return parsed.value.isoformat()
    if parsed.precision == "month":
        return parsed.value.strftime("%Y-%m")
    return _squash(text)


def _find_as_of(text: str) -> str | None:
    """The date a progress document speaks for: 'as at 31 March 2025', 'Last updated: 23/03/2023',
    '2nd quarter 2020/21'."""
    flat = _squash(text)
    for pattern in (r"\bas\s+(?:at|of)\s+(?P<d>[\w/ ,.-]{4,30})", r"\blast\s+updated:?\s+(?:on\s+)?(?P<d>[\w/ ,.-]{4,30})",
                    r"\bposition\s+at\s+(?P<d>[\w/ ,.-]{4,30})"):
        for m in re.finditer(pattern, flat, re.I):
            words = m.group("d").split()
            for k in range(min(5, len(words)), 0, -1):
                cand = " ".join(words[:k]).strip(" ,.")
                if re.search(r"\d", cand) and try_parse_date(cand).value:
                    return cand
    m = re.search(r"\b(?P<q>1st|2nd|3rd|4th|first|second|third|fourth)\s+quarter\s+(?:of\s+)?(?P<fy>\d{4}\s*/\s*\d{2,4})",
                  flat, re.I)
    if m:
        q = {"1st": 1, "first": 1, "2nd": 2, "second": 2, "3rd": 3, "third": 3, "4th": 4, "fourth": 4}[m.group("q").lower()]
        return f"Q{q} {m.group('fy').replace(' ', '')}"
    # a short title line such as "Action plan update Q2 2024/25"
    for line in [ln.strip() for ln in text.split("\n") if ln.strip()][:6]:
        if len(line.split()) <= 12 and re.search(r"progress|update|position|monitoring", line, re.I):
            m = re.search(r"\b(?:Q|Quarter\s*)([1-4])\s+(\d{4}\s*/\s*\d{2,4})\b", line, re.I)
            if m and try_parse_date(m.group(0)).value:
                return f"Q{m.group(1)} {m.group(2).replace(' ', '')}"
    return None


def _facts(lines: list[str]) -> tuple[dict, list[str]]:
    """Challenge fields the text states, and warnings."""
    warnings: list[str] = []
    flat = _squash("\n".join(lines))
    facts: dict[str, Any] = {}
    # how many recommendations the report made
    totals = []
    for m in re.finditer(
            r"\b(?:total\s+of|series\s+of|set\s+out|sets\s+out|made|makes|contains?|contained|included?|includes|"
            r"identified|put\s+forward|gave|offers?|offered|proposed|with|its|their|report'?s?|response\s+to|respond\s+to)\s+(?:a\s+series\s+of\s+|"
            r"a\s+total\s+of\s+)?(?:the\s+)?(?P<n>" + _NUMBER_WORD + r")\s+(?:key\s+|main\s+|high[- ]level\s+|specific\s+|"
            r"formal\s+|headline\s+|further\s+)?recommendations\b", flat, re.I):
        totals.append(_to_int(m.group("n")))
    for m in re.finditer(r"\b(?P<n>" + _NUMBER_WORD + r")\s+(?:key\s+|main\s+)?recommendations\s+(?:were|have\s+been|are)\s+"
                         r"(?:made|put\s+forward|set\s+out|given|identified|proposed)", flat, re.I):
        totals.append(_to_int(m.group("n")))
    if totals:
        facts["recommendations_total"] = totals[0]
        if len(set(totals)) > 1:
            warnings.append(f"the text gives different numbers of recommendations ({', '.join(map(str, sorted(set(totals))))}); "
                            f"recommendations_total = {totals[0]}")
    lower = r"(?P<lb>more\s+than|over|at\s+least|in\s+excess\s+of|upwards\s+of|around|approximately|about|almost|nearly|some)?\s*"
    m = re.search(r"\b(?:spoke\s+to|speaking\s+to|spoken\s+to|met(?:\s+with)?|meeting\s+with|talked\s+(?:to|with)|"
                  r"engaged\s+with|interviewed|heard\s+from|conversations\s+with)\s+" + lower +
                  r"(?P<n>\d{1,4})(?P<plus>\+)?\s+(?:different\s+|individual\s+)?(?:people|individuals|persons)\b", flat, re.I)
    if m:
        facts["people_met"] = int(m.group("n"))
        facts["people_met_lower_bound"] = bool(m.group("plus")) or (m.group("lb") or "").lower().split()[:1] in (
            ["more"], ["over"], ["at"], ["in"], ["upwards"])
    for s in _sentences(flat):
        m = re.search(r"\b" + lower + r"(?P<n>\d{1,4})(?P<plus>\+)?\s+(?:separate\s+|different\s+|individual\s+)?meetings\b", s, re.I)
        if m and re.search(r"peer|team|on[- ]?site|visit|interview|people|during\s+their|stay|days", s, re.I):
            facts["meetings_held"] = int(m.group("n"))
            facts["meetings_held_lower_bound"] = bool(m.group("plus")) or (m.group("lb") or "").lower().split()[:1] in (
                ["more"], ["over"], ["at"], ["in"], ["upwards"])
            break
    m = re.search(r"\bpeer\s+(?:review\s+|challenge\s+)?team\s+(?:was\s+)?(?:made\s+up\s+of|consisted\s+of|comprised(?:\s+of)?|"
                  r"of)\s+(?P<n>" + _NUMBER_WORD + r")\b", flat, re.I)
    if m:
        facts["peer_team_size"] = _to_int(m.group("n"))
    # on-site dates
    head_text = _squash("\n".join([ln for ln in lines if ln.strip()][:15]))
    for s in [head_text] + _sentences(flat):
        if "progress review" in s.lower() and s is not head_text:
            continue
        m = _RANGE.search(s)
        if m and (s is head_text or _ONSITE_CUE.search(s)):
            y1 = m.group("y1") or m.group("y2")
            m1 = m.group("m1") or m.group("m2")
            start = _date_for_record(f"{m.group('d1')} {m1} {y1}")
            end = _date_for_record(f"{m.group('d2')} {m.group('m2')} {m.group('y2')}")
            if start and end and start <= end:
                facts["onsite_start"], facts["onsite_end"] = start, end
                break
    if "onsite_start" not in facts:
        for s in _sentences(flat):
            if re.search(r"progress\s+review|report(?:ed)?\s+to", s, re.I):
                continue
            m = re.search(rf"\b(?:in|during|over)\s+(?:the\s+)?(?P<d>(?:{_MONTH}\s+\d{{4}})|(?:(?:spring|summer|autumn|winter)\s+(?:of\s+)?\d{{4}}))",
                          s, re.I)
            if m and _ONSITE_CUE.search(s):
                d = m.group("d").replace(" of ", " ")
                value = _date_for_record(d[:1].upper() + d[1:])
                if value:
                    facts["onsite_start"] = value
                    break
    for s in _sentences(flat):
        if not re.search(r"progress\s+review|review\s+progress", s, re.I):
            continue
        m = re.search(rf"\b(?:in|on|during)\s+(?P<d>(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?{_MONTH}\s+\d{{4}})", s, re.I)
        if m:
            value = _date_for_record(m.group("d"))
            if value:
                facts["progress_review_onsite"] = value
                break
    m = re.search(rf"\b(?:reported|presented|taken|submitted|considered)\s+(?:it\s+)?(?:to|by|at)\s+(?:the\s+|a\s+meeting\s+of\s+(?:the\s+)?)?"
                  rf"(?:full\s+)?(?:Council|Cabinet|Executive|[A-Z][\w&]*(?:\s+[A-Z&][\w&]*)*\s+Committee)\s+on\s+"
                  rf"(?P<d>\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\s+\d{{4}})", flat)
    if m:
        facts["report_published"] = _date_for_record(m.group("d"))
        facts["report_published_basis"] = "first committee date"
    m = re.search(rf"\baction\s+plan\b[^.]{{0,100}}?\b(?:approved|agreed|adopted)\b(?:\s+by\s+[^.]{{1,40}}?)?\s+(?:in|on)\s+"
                  rf"(?P<d>(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?{_MONTH}\s+\d{{4}})", flat, re.I)
    if m:
        facts["action_plan_approved"] = _date_for_record(m.group("d"))
    return facts, warnings


def _council_name(lines: list[str]) -> str | None:
    for line in [ln.strip() for ln in lines if ln.strip()][:15]:
        line = line.lstrip("# ").strip()
        if re.fullmatch(r"(?:[A-Z][\w&'’.,-]*\s+){1,6}(?:Council)|London\s+Borough\s+of\s+[A-Z][\w ]+|"
                        r"(?:Royal\s+)?Borough\s+of\s+[A-Z][\w ]+(?:\s+Council)?", line) and \
                not re.match(r"Local\s+Government|Full\s+Council|The\s+Council$", line):
            return line
    return None


def _doc_title(lines: list[str]) -> str | None:
    for line in lines[:30]:
        text = line.strip().lstrip("#").strip()
        if not text or _NAV_NOISE.match(text) or _is_toc(line):
            continue
        if len(text.split()) <= 15:
            return text
        return None
    return None


def _source_kind(flat_head: str, ext: str) -> str:
    low = flat_head.lower()
    if "progress review" in low and ("local government association" in low or "lga" in low.split()):
        return "lga_progress_review"
    if "feedback report" in low and ("peer challenge" in low or "lga" in low.split()):
        return "lga_feedback_report"
    if re.search(r"\b(?:cabinet|committee|council)\b.*\b(?:meeting\s+date|report\s+subject|report\s+of|report\s+to)\b|"
                 r"\b(?:cabinet|committee|scrutiny)\s+report\b|"
                 r"\breport\s+to\b.*\b(?:cabinet|committee|council)\b|\bagenda\s+item\b", low):
        return "committee_report"
    if ext in HTML_EXTS:
        return "council_page"
    return "other"


# ============================================================================ assembling the result

def _number_sort_key(number):
    key = number_key(number) or ""
    parts = re.findall(r"\d+|[a-z]+", key)
    return [(0, int(p)) if p.isdigit() else (1, p) for p in parts]


def _merge_recs(primary: list[dict], extra: list[dict]) -> list[dict]:
    """Add recommendations from another recogniser; the same number fills in what is missing."""
    by_key = {number_key(r["number"]): r for r in primary if r["number"] is not None}
    out = list(primary)
    for rec in extra:
        key = number_key(rec["number"])
        if key is not None and key in by_key:
            old = by_key[key]
            for k, v in rec.items():
                if v and not old.get(k):
                    old[k] = v
            continue
        out.append(rec)
        if key is not None:
            by_key[key] = rec
    return out


def _short_title(text: str | None, number) -> str:
    if not text:
        return f"Recommendation {number}" if number else "Recommendation"
    first = _squash(text.split("\n")[0])
    m = re.match(r"^(.+?[.;:])(?:\s|$)", first)
    if m and len(m.group(1)) >= 15:
        first = m.group(1).rstrip(".;:")
    if len(first) > 90:
        cut = first[:90].rsplit(" ", 1)[0]
        first = cut.rstrip(",;:- ") + "…"
    return first


def _finish(rec: dict, warnings: list[str], doc_as_of: str | None) -> dict:
    """Parse a draft record's dates, status and RAG; return its JSON form."""
    label = f"recommendation {rec['number']}" if rec["number"] else f"unnumbered recommendation ({_short_title(rec['text'], None)[:40]})"
    for w in rec.pop("_warn", []):
        warnings.append(f"{label}: {w}")
    out: dict[str, Any] = {"number": rec["number"]}
    if rec.get("code"):
        out["code"] = rec["code"]
    out["title"] = rec.get("_title") or _short_title(rec["text"], rec["number"])
    out["text"] = rec["text"]
    out["position"] = rec["position"]
    if rec.get("actions"):
        out["actions"] = rec["actions"]
    out["accountable"] = rec["accountable"]
    out["responsible"] = rec["responsible"]
    # target
    target_raw = rec["target_raw"]
    if rec.get("_targets"):
        targets = rec["_targets"]
        dated = [(try_parse_date(t).value, t) for t in targets]
        dated = [d for d in dated if d[0]]
        warnings.append(f"{label}: its action rows give different timescales ({'; '.join(targets)}); "
                        + (f"the latest, {max(dated)[1]!r}, is the target" if dated else "none is a single date"))
        target_raw = max(dated)[1] if dated else "; ".join(targets)
    out["target_raw"] = target_raw
    out["target_date"], out["target_precision"] = None, None
    if target_raw:
        try:
            parsed = parse_date(target_raw)
            out["target_date"], out["target_precision"] = _iso(parsed.value), parsed.precision
        except DateParseError:
            warnings.append(f"{label}: target {target_raw!r} is not a date the importer can read for certain; "
                            "target_date left null")
    revised = rec["revised_target_raw"]
    out["revised_target_raw"] = revised
    out["revised_target"] = None
    if revised:
        try:
            out["revised_target"] = _iso(parse_date(revised).value)
        except DateParseError:
            warnings.append(f"{label}: revised target {revised!r} is not a readable date; left null")
    # status and RAG (kept apart: a RAG colour is never turned into a status)
    status_raw = rec["status_raw"]
    rag_raw = rec["rag_raw"]
    if rec.get("_statuses"):
        raws = rec["_statuses"]
        found = {normalise_status(r) for r in raws}
        if len(found) == 1:
            status_raw = raws[0]
        else:
            status_raw = "; ".join(raws)
            warnings.append(f"{label}: its action rows have different statuses ({status_raw}); status left null")
    status = None
    rag = None
    mixed = bool(rec.get("_statuses")) and len({normalise_status(r) for r in rec["_statuses"]}) > 1
    if status_raw and not mixed:
        status = normalise_status(status_raw) or rec.get("status")
        if status is None and not rec.get("_statuses"):
            colour = normalise_rag(status_raw)
            if colour and not rag_raw:
                rag = colour
            elif not colour:
                warnings.append(f"{label}: status {status_raw!r} is not one the importer knows; status left null")
    if rec.get("_rag_raw") and len({normalise_rag(r) for r in rec["_rag_raw"]}) > 1:
        warnings.append(f"{label}: its action rows have different RAG ratings ({'; '.join(rec['_rag_raw'])}); "
                        "rag left null")
        rag_raw = None
    if rag_raw:
        rag = normalise_rag(rag_raw)
        if rag is None:
            alt = normalise_status(rag_raw)
            if alt and status is None:
                status = alt
                status_raw = status_raw or rag_raw
            else:
                warnings.append(f"{label}: RAG rating {rag_raw!r} is not red, amber or green; rag left null")
    out["status"] = status
    out["status_raw"] = status_raw
    out["rag"] = rag
    as_of_raw = rec["as_of_raw"] or doc_as_of
    out["as_of_raw"] = as_of_raw
    out["as_of"] = _date_text_iso(as_of_raw) if as_of_raw else None
    theme = rec.get("theme")
    out["theme"] = theme
    out["core_theme"] = next((t for t in CORE_ELEMENTS if theme and _squash(theme).lower() == t.lower()), None)
    out["record_flag"] = rec.get("record_flag")
    return out


_CHALLENGE_DATES = ("onsite_start", "onsite_end", "report_published", "action_plan_approved",
                    "progress_review_onsite", "progress_review_published")


def _assemble(recs: list[dict], warnings: list[str], *, lines: list[str] | None, council_id: str | None,
              source_name: str | None, ext: str, as_of_raw: str | None = None, rolled: str | None = None,
              extra_facts: dict | None = None) -> dict:
    lines = lines or []
    facts, fact_warnings = _facts(lines) if lines else ({}, [])
    facts.update(extra_facts or {})
    warnings = list(warnings) + fact_warnings
    doc_as_of = as_of_raw or (_find_as_of("\n".join(ln for ln in lines[:15] if "\t" not in ln and "|" not in ln))
                              if lines else None)
    if all(r["number"] is not None for r in recs) and recs:
        recs = sorted(recs, key=lambda r: _number_sort_key(r["number"]))
    out_recs = []
    for rec in recs:
        if rolled and not rec["status_raw"] and not rec["revised_target_raw"]:
            rec["revised_target_raw"] = rolled
            rec.setdefault("_warn", []).append(
                f"no status given; the document says the remaining actions were rolled forward to {rolled} "
                "(recorded as the revised target)")
        out_recs.append(_finish(rec, warnings, doc_as_of))
    seen: dict[str, int] = {}
    for r in out_recs:
        key = number_key(r["number"])
        if key is not None:
            seen[key] = seen.get(key, 0) + 1
    dupes = sorted(k for k, n in seen.items() if n > 1)
    if dupes:
        warnings.append(f"recommendation numbers appear more than once: {', '.join(dupes)}")
    total = facts.get("recommendations_total")
    if total is not None and out_recs and total != len(out_recs):
        warnings.append(f"the document says {total} recommendations but {len(out_recs)} were found")
    if not out_recs:
        warnings.append("no recommendations found"
                        + (f" (the document says there are {total})" if total else ""))
    no_status = [r["number"] or "?" for r in out_recs if r["status"] is None and r["rag"] is None]
    already = {w.split(":")[0] for w in warnings}
    no_status_new = [n for n in no_status if f"recommendation {n}" not in already]
    if out_recs and no_status and any(r["status"] or r["rag"] for r in out_recs) and no_status_new:
        warnings.append(f"no status given for recommendation{'s' if len(no_status_new) > 1 else ''} "
                        f"{', '.join(no_status_new)}")
    head = _squash(" ".join([ln for ln in lines if ln.strip() and len(ln.split()) <= 15][:6]))
    title = _doc_title(lines) if lines else None
    challenge_raw = {
        "kind": "corporate_peer_challenge",
        "onsite_start": facts.get("onsite_start"), "onsite_end": facts.get("onsite_end"),
        "report_published": facts.get("report_published"),
        "report_published_basis": facts.get("report_published_basis"),
        "action_plan_approved": facts.get("action_plan_approved"),
        "progress_review_onsite": facts.get("progress_review_onsite"),
        "progress_review_published": None,
        "people_met": facts.get("people_met"), "people_met_lower_bound": facts.get("people_met_lower_bound", False),
        "meetings_held": facts.get("meetings_held"),
        "meetings_held_lower_bound": facts.get("meetings_held_lower_bound", False),
        "peer_team_size": facts.get("peer_team_size"),
        "recommendations_total": total,
    }
    # JSON: ISO dates (last day of the period) with their precision; YAML keeps the text as written
    challenge: dict[str, Any] = {}
    for key, value in challenge_raw.items():
        if key in _CHALLENGE_DATES:
            parsed = try_parse_date(value) if value else None
            challenge[key] = _iso(parsed.value) if parsed else None
            challenge[f"{key}_precision"] = parsed.precision if parsed else None
        else:
            challenge[key] = value
    return {
        "council": {"council_id": council_id, "name": _council_name(lines) if lines else None},
        "challenge": challenge,
        "challenge_raw": challenge_raw,
        "source": {"title": title or source_name, "file": source_name, "kind": _source_kind(head, ext)},
        "title": title,
        "as_of": _date_text_iso(doc_as_of) if doc_as_of else None,
        "as_of_raw": doc_as_of,
        "recommendations": out_recs,
        "warnings": warnings,
    }


# ============================================================================ public functions

def extract_text(text: str, council_id: str | None = None, *, source_name: str | None = None,
                 ext: str = ".txt") -> dict:
    """Draft records from a document's text (report prose, a flattened or tab-separated table)."""
    lines = _clean_lines(text)
    warnings: list[str] = []
    recs: list[dict] = []
    as_of_raw = None
    # 1. tables: tab-separated / markdown / HTML tables
    for table in _delimited_tables(lines):
        header = find_header(table)
        if header is None:
            continue
        result = _table_records(table, header=header)
        recs = _merge_recs(recs, result["recommendations"])
        warnings += result["warnings"]
        as_of_raw = as_of_raw or result["as_of_raw"]
    if not recs and "," in text[:20000]:
        # a CSV saved with a .txt name
        rows = list(csv.reader(io.StringIO("\n".join(lines[:5000]))))
        header = find_header(rows)
        if header is not None and len(set(header[1].values())) >= 3 and len(rows[header[0]]) >= 3:
            result = _table_records(rows, header=header)
            recs, warnings = result["recommendations"], warnings + result["warnings"]
            as_of_raw = as_of_raw or result["as_of_raw"]
    # 2. action plans flattened to text
    if not recs:
        flat, flat_warnings = _flattened_tables(lines)
        if flat:
            recs, warnings = flat, warnings + flat_warnings
    rolled = None
    # 3. prose
    if not recs:
        prose_lines = [ln for ln in lines if not _is_toc(ln)]
        paras = _paragraphs(prose_lines)
        recs = _prose_recs(paras, warnings)
        recs = _merge_recs(recs, _list_recs(paras, warnings))
        done, rolled = _status_sentences(paras, warnings)
        recs = _merge_recs(recs, done)
    return _assemble(recs, warnings, lines=lines, council_id=council_id, source_name=source_name, ext=ext,
                     as_of_raw=as_of_raw, rolled=rolled)


def extract_rows(rows: list[list], council_id: str | None = None, *, source_name: str | None = None,
                 ext: str = ".csv") -> dict:
    """Draft records from a spreadsheet's rows (CSV, XLSX sheet)."""
    result = _table_records(rows)
    title_lines = [" ".join(dict.fromkeys(_cell_text(c) for c in r if _cell_text(c))) for r in rows[:result["header_row"]]]
    out = _assemble(result["recommendations"], result["warnings"], lines=None, council_id=council_id,
                    source_name=source_name, ext=ext, as_of_raw=result["as_of_raw"])
    if title_lines:
        out["title"] = next((t for t in title_lines if t), None)
        out["source"]["title"] = out["title"] or source_name
        name = _council_name(title_lines)
        if name:
            out["council"]["name"] = name
    out["columns"] = result["columns"]
    return out


def extract_file(path, council_id: str | None = None) -> dict:
    """Read one file (any supported format) and return the draft: see the module docstring."""
    path = Path(path)
    ext = path.suffix.lower()
    if not path.exists():
        raise UserError(f"{path}: no such file")
    if not path.is_file():
        raise UserError(f"{path}: not a file; expected a report or action plan ({', '.join(SUPPORTED_EXTS)})")
    if ext not in SUPPORTED_EXTS:
        hint = " (save it as .xlsx or .csv)" if ext in (".xls", ".ods", ".numbers") else \
            " (save it as PDF or text)" if ext in (".doc", ".docx", ".odt", ".rtf") else ""
        raise UserError(f"{path}: unsupported file type {ext or '(none)'!r}{hint}; expected one of "
                        f"{', '.join(SUPPORTED_EXTS)}")
    size = path.stat().st_size
    if size == 0:
        raise UserError(f"{path}: the file is empty; expected a report or action plan")
    if size > MAX_BYTES:
        raise UserError(f"{path}: the file is {size / 1024 / 1024:.0f} MB, over the {MAX_BYTES // 1024 // 1024} MB "
                        "limit for one report or action plan; split it or extract the relevant pages")
    name = path.name
    if ext in CSV_EXTS:
        return extract_rows(_read_csv(path, ext), council_id, source_name=name, ext=ext)
    if ext in XLSX_EXTS:
        return extract_rows(_read_xlsx(path), council_id, source_name=name, ext=ext)
    if ext in PDF_EXTS:
        return extract_text(_read_pdf(path), council_id, source_name=name, ext=ext)
    text = _decode(path.read_bytes(), path, "a text document")
    if ext in HTML_EXTS:
        text = html_to_text(text)
    if not text.strip():
        raise UserError(f"{path}: no text in the file; expected a report or action plan")
    return extract_text(text, council_id, source_name=name, ext=ext)


# ============================================================================ readers

def _decode(data: bytes, path: Path, what: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UserError(f"{path}: cannot decode the UTF-16 text; expected {what}") from None
    if b"\x00" in data[:1 << 16]:
        raise UserError(f"{path}: binary content, not text; expected {what}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    sample = text[:1 << 16]
    bad = sum(1 for c in sample if (ord(c) < 32 and c not in "\t\n\r\f") or c in "\ufffd\x7f")
    if sample and bad / len(sample) > 0.005:
        raise UserError(f"{path}: binary content, not text; expected {what}")
    return text


def _read_csv(path: Path, ext: str) -> list[list]:
    text = _decode(path.read_bytes(), path, "comma-separated text with a header row")
    if not text.strip():
        raise UserError(f"{path}: no text in the file; expected comma-separated text with a header row")
    if ext == ".tsv":
        delimiter = "\t"
    else:
        try:
            delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise UserError(f"{path}: not readable as CSV ({exc}); expected comma-separated text with a header row") from None
    if find_header(rows) is None and delimiter != ",":
        rows2 = list(csv.reader(io.StringIO(text, newline=""), delimiter=","))
        if find_header(rows2) is not None:
            rows = rows2
    if find_header(rows) is None:
        raise UserError(f"{path}: no header row found in the first 40 rows; expected {HEADER_HELP}")
    return rows


def _read_xlsx(path: Path) -> list[list]:
    import zipfile

    try:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError:  # pragma: no cover
        raise UserError("reading .xlsx needs openpyxl (pip install openpyxl)") from None
    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        raise UserError(f"{path}: not a readable .xlsx workbook ({type(exc).__name__}); expected an Excel "
                        "workbook saved as .xlsx") from None
    best = None
    for ws in wb.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        width = max((len(r) for r in rows), default=0)
        rows = [r + [None] * (width - len(r)) for r in rows]
        for rng in ws.merged_cells.ranges:
            value = rows[rng.min_row - 1][rng.min_col - 1] if rng.min_row - 1 < len(rows) else None
            for r in range(rng.min_row - 1, min(rng.max_row, len(rows))):
                for c in range(rng.min_col - 1, min(rng.max_col, width)):
                    rows[r][c] = value
        header = find_header(rows)
        if header is not None:
            score = _header_score(rows[header[0]])[0]
            if best is None or score > best[0]:
                best = (score, rows)
    if best is None:
        sheets = ", ".join(repr(ws.title) for ws in wb.worksheets)
        raise UserError(f"{path}: no header row found in any sheet ({sheets}); expected {HEADER_HELP}")
    return best[1]


def _read_pdf(path: Path) -> str:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError:  # pragma: no cover
        raise UserError("reading .pdf needs pypdf (pip install pypdf)") from None
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:  # noqa: BLE001 - any failure means we cannot read it
                raise UserError(f"{path}: the PDF is encrypted; expected an unprotected PDF") from None
        pages = [page.extract_text() or "" for page in reader.pages]
    except UserError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AttributeError, IndexError) as exc:
        raise UserError(f"{path}: not a readable PDF ({type(exc).__name__}); expected a PDF with a text layer") from None
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds of error on broken files
        raise UserError(f"{path}: not a readable PDF ({type(exc).__name__}); expected a PDF with a text layer") from None
    text = "\n".join(pages)
    if len(re.sub(r"\s", "", text)) < 20:
        raise UserError(f"{path}: the PDF has no text layer (a scanned image?); run it through OCR first, or "
                        "copy its text into a .txt file")
    return text


class _HTMLText(html.parser.HTMLParser):
    """HTML to text: blocks on their own lines, headings as '#', list items as '-' or '1.', tables as
    tab-separated rows."""

    BLOCKS = {"p", "div", "section", "article", "header", "footer", "main", "br", "ul", "ol", "table",
              "blockquote", "pre", "hr", "dl", "dt", "dd", "nav", "aside", "figure", "figcaption", "form"}
    SKIP = {"script", "style", "noscript", "template", "svg", "head"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.lists: list[list] = []  # [kind, counter]
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.span = (1, 1)  # (rowspan, colspan) of the open cell
        self.pending: dict[int, list] = {}  # column -> [rows left, text] from a rowspan above

    def _nl(self, n=1):
        self.out.append("\n" * n)

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
            return
        if tag in ("ul", "ol"):
            self.lists.append([tag, 0])
        if tag == "li":
            self._nl()
            if self.lists and self.lists[-1][0] == "ol":
                self.lists[-1][1] += 1
                self.out.append(f"{self.lists[-1][1]}. ")
            else:
                self.out.append("- ")
        elif re.fullmatch(r"h[1-6]", tag):
            self._nl(2)
            self.out.append("#" * int(tag[1]) + " ")
        elif tag == "tr":
            self.row = []
            self._fill_spans()
        elif tag in ("td", "th"):
            self.cell = []
            a = dict(attrs)

            def _int(v):
                try:
                    return max(1, min(int(v or 1), 50))
                except ValueError:
                    return 1
            self.span = (_int(a.get("rowspan")), _int(a.get("colspan")))
        elif tag in self.BLOCKS:
            self._nl(2 if tag == "p" else 1)

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self._nl()
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            text = _squash("".join(self.cell))
            rowspan, colspan = self.span
            for k in range(colspan):
                if rowspan > 1:
                    self.pending[len(self.row)] = [rowspan - 1, text]
                self.row.append(text if k == 0 else "")
                self._fill_spans()
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self._fill_spans(end=True)
            self._nl()
            self.out.append("\t".join(c.replace("\t", " ") or " " for c in self.row) + ("\t" if len(self.row) == 1 else ""))
            self._nl()
            self.row = None
        elif re.fullmatch(r"h[1-6]", tag) or tag in self.BLOCKS:
            self._nl(2 if tag in ("p",) or tag.startswith("h") else 1)

    def _fill_spans(self, end: bool = False) -> None:
        """Put the text of cells merged down from rows above into this row."""
        if self.row is None:
            return
        while len(self.row) in self.pending or (end and any(c >= len(self.row) for c in self.pending)):
            col = len(self.row)
            if col not in self.pending:
                self.row.append("")
                continue
            left, text = self.pending[col]
            self.row.append(text)
            if left <= 1:
                del self.pending[col]
            else:
                self.pending[col][0] = left - 1

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            if self.cell is not None:
                self.cell.append(" ")
            else:
                self._nl()

    def handle_data(self, data):
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        else:
            self.out.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_to_text(markup: str) -> str:
    parser = _HTMLText()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.out)
    lines = [ln.strip(" ") if "\t" not in ln else ln for ln in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


# ============================================================================ output

def to_source_record(result: dict) -> dict:
    """The draft in the docs/SOURCE_FORMAT.md layout (what the YAML output shows)."""
    challenge = dict(result["challenge_raw"])
    challenge.update({"focus_areas": [], "joint_with": [], "synthetic": False,
                      "notes": f"Drafted by `python -m peer_challenges extract` from {result['source']['file'] or 'a document'}; "
                               "review every field against the document."})
    recs = []
    for r in result["recommendations"]:
        update = {
            "as_of": r["as_of_raw"], "status": r["status"], "status_raw": r["status_raw"], "rag": r["rag"],
            "revised_target": r["revised_target_raw"], "assessed_by": "council",
            "note": r["position"] or r.get("actions"), "source": "s1",
        }
        has_update = any(update[k] for k in ("status", "status_raw", "rag", "revised_target", "note"))
        recs.append({
            "number": r["number"], "title": r["title"], "text": r["text"], "core_theme": r["core_theme"],
            "topics": [], "record_flag": r["record_flag"], "accountable": r["accountable"],
            "responsible": r["responsible"], "target_raw": r["target_raw"], "target": None, "source": "s1",
            "updates": [update] if has_update else [],
        })
    return {
        "council": {"council_id": result["council"]["council_id"], "name": result["council"]["name"],
                    "ons_code": None, "council_type": None, "region": None},
        "challenge": challenge,
        "sources": [{"id": "s1", "url": None, "title": result["source"]["title"] or "document",
                     "kind": result["source"]["kind"], "published": None}],
        "recommendations": recs,
        "progress_snapshots": [],
    }


def to_yaml(result: dict) -> str:
    lines = ["# DRAFT extracted from " + (result["source"]["file"] or "a document")
             + " -- review it, then save as data/sources/<council_id>/<YYYY-MM>-corporate-peer-challenge.yaml"]
    for w in result["warnings"]:
        lines.append("# warning: " + _squash(w))
    return "\n".join(lines) + "\n" + dump_source(to_source_record(result))


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "extract", help="draft a source record from a report or action plan (txt, md, html, pdf, csv, xlsx)",
        description="Read a CPC report or action plan and print a draft source record to review "
                    "(YAML in the data/sources layout, or JSON).")
    p.add_argument("file", metavar="FILE", help="the document: " + ", ".join(SUPPORTED_EXTS))
    p.add_argument("--json", action="store_true", help="print JSON instead of YAML")
    p.add_argument("--council", metavar="ID", help="council_id (slug) to put in the draft")
    p.add_argument("--output", "-o", metavar="PATH",
                   help="write the draft to PATH (e.g. data/sources/<id>/<YYYY-MM>-corporate-peer-challenge.yaml) "
                        "instead of printing it; an existing file is never overwritten")
    p.set_defaults(func=_run)


def _run(args) -> int:
    council = args.council
    if council is not None and not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", council):
        raise UserError(f"--council {council!r}: expected a lower-case slug such as 'castle-point'")
    output = Path(args.output) if getattr(args, "output", None) else None
    if output is not None and output.exists():
        raise UserError(f"{output} already exists; extract never overwrites a source file (edit it, or use "
                        "import-plan to add progress)")
    result = extract_file(args.file, council)
    text = json.dumps(result, indent=2, ensure_ascii=False) + "\n" if args.json else to_yaml(result)
    if output is None:
        sys.stdout.write(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        tmp = output.with_name(f".{output.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(output)
        print(f"wrote {output} ({_plural(len(result['recommendations']), 'recommendation')}, "
              f"{_plural(len(result['warnings']), 'warning')})", file=sys.stderr)
    if not args.json:
        for w in result["warnings"]:
            print(f"warning: {w}", file=sys.stderr)
    return 0
