"""Recommendations from real tables: rows of cells from CSV, XLSX, HTML <table>s or tab-separated
and markdown ``|`` tables found in text. Finds the header, reads each row by its column kinds, skips
title / section / repeated-header rows, folds continuation and action rows into their
recommendation, and turns Excel date cells and serial numbers into dates (``extract_table``)."""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
from typing import Any

from peer_challenges.domain.errors import UserError
from peer_challenges.domain.status import normalise_rag, normalise_status
from peer_challenges.sources.extract.assembly import _finish
from peer_challenges.sources.extract.common import (HEADER_HELP, _cell_text, _looks_like_ref, _new_rec, _ref_number, _squash,
                        number_key)
from peer_challenges.sources.extract.facts import _find_as_of
from peer_challenges.sources.extract.headers import _normalise_header, _resolve_owner_columns, find_header
from peer_challenges.sources.extract.paragraphs import _ends_sentence


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
