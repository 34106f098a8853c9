"""Tables read as grids of cells, whichever format they came from (a Word .docx through ``docx``, a PDF
through ``pdf``), and the draft made from them.

A ``GridTable`` holds one text per grid position and a cell id per position: positions with the same id
are one cell of the document (merged down over several rows, or across columns). What is shared:
- dropping header rows repeated further down a table (``drop_repeated_headers``);
- grouping a table's data rows by recommendation (``action_spans``): a row whose recommendation cell is
  the cell of the row above (merged down), or repeats its text and number, or whose ref and
  recommendation cells are both empty, is one more action row of the recommendation above;
- the draft from the tables that have a recommendations header (``tables_draft``): the rows go the way
  of ``extract_rows`` (header recognition, action rows folded into one recommendation whose target is
  the latest dated timescale, dates and statuses parsed) and every recommendation made from several
  action rows keeps them in ``action_rows`` (text, owner, timescale and status of each). Status words
  written in a RAG column ("Complete", "Delayed") count as the status, row by row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from peer_challenges.domain.dates import try_parse_date
from peer_challenges.domain.status import normalise_rag, normalise_status
from peer_challenges.sources.extract.assembly import _assemble
from peer_challenges.sources.extract.common import _cell_text, _iso, _ref_number, _squash, number_key
from peer_challenges.sources.extract.facts import _council_name
from peer_challenges.sources.extract.headers import _normalise_header, _resolve_owner_columns, find_header
from peer_challenges.sources.extract.paragraphs import _clean_lines
from peer_challenges.sources.extract.tables import _table_records


# what a draft with no recommendations says was looked for (``help`` is common.HEADER_HELP)
LOOKED_FOR = ("looked for: a table with {help}; 'Recommendation N' headings or lines; and numbered or "
              "bulleted lists under a 'Key recommendations' heading")


@dataclass
class GridTable:
    rows: list[list[str]]  # cell text per grid column
    cell_ids: list[list[int]]  # the same number = the same cell (merged across rows or columns); -1 = none
    header_rows: int = 1  # leading rows marked as the heading (at least 1)
    dropped_header_rows: int = 0  # repeated header rows left out

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


# ============================================================================ header rows

def row_key(row: list[str]) -> tuple:
    return tuple(_squash(c).lower() for c in row)


def is_header_like(row: list[str]) -> bool:
    return len({c for c in row if c.strip()}) >= 2


def head_count(table: GridTable) -> int:
    """How many leading rows are the table's heading: the rows marked as heading rows, and at least
    down to the row naming the columns (title rows above it included)."""
    n = table.header_rows
    header = find_header(table.rows, max_scan=10)
    if header is not None:
        n = max(n, header[0] + 1)
    return max(1, min(n, len(table.rows)))


def drop_repeated_headers(table: GridTable) -> None:
    """Rows that repeat a header row further down the table (tables pasted together) are dropped."""
    k = head_count(table)
    heads = {row_key(r) for r in table.rows[:k] if is_header_like(r)}
    if not heads:
        return
    keep_rows, keep_ids = table.rows[:k], table.cell_ids[:k]
    for r, i in zip(table.rows[k:], table.cell_ids[k:]):
        if row_key(r) in heads:
            table.dropped_header_rows += 1
            continue
        keep_rows.append(r)
        keep_ids.append(i)
    table.rows, table.cell_ids = keep_rows, keep_ids


# ============================================================================ the draft

def tables_draft(tables: list[GridTable], prose: str, council_id, *, source_name: str, ext: str) -> dict | None:
    """The draft from the tables with a recommendations header (``prose``, the document's text outside
    its tables, giving the title, council and challenge facts), or None when they give nothing."""
    recs: list[dict] = []
    warnings: list[str] = []
    spans: list[_Span] = []
    columns = None
    as_of_raw = None
    title_lines: list[str] = []
    for table in tables:
        header = find_header(table.rows)
        if header is None:
            continue
        result = _table_records(table.rows, header=header)
        if not result["recommendations"]:
            continue
        for rec in result["recommendations"]:
            _rag_words_as_status(rec)
        recs += result["recommendations"]
        warnings += result["warnings"]
        columns = columns or result["columns"]
        as_of_raw = as_of_raw or result["as_of_raw"]
        spans += action_spans(table, header)
        title_lines += [" ".join(dict.fromkeys(c for c in r if c)) for r in table.rows[:header[0]]]
    if not recs:
        return None
    prose_lines = _clean_lines(prose) if prose.strip() else None
    out = _assemble(recs, warnings, lines=prose_lines or [t for t in title_lines if t] or None,
                    council_id=council_id, source_name=source_name, ext=ext, as_of_raw=as_of_raw)
    if not out["council"]["name"] and title_lines:
        out["council"]["name"] = _council_name(title_lines)
    out["columns"] = columns
    attach_action_rows(out["recommendations"], spans)
    return out


def _rag_words_as_status(rec: dict) -> None:
    """A RAG column holding status words ("Complete", "Delayed") and no Status column: the words are the
    status, so that action rows with different ones leave the status open (with a warning) as a Status
    column's would, instead of the first row's word standing for all of them."""
    raws = rec.get("_rag_raw") or ([rec["rag_raw"]] if rec.get("rag_raw") else [])
    if rec.get("status_raw") or not raws or not all(normalise_status(r) and not normalise_rag(r) for r in raws):
        return
    rec["status_raw"], rec["rag_raw"] = raws[0], None
    rec.pop("_rag_raw", None)
    if len(raws) > 1:
        rec["_statuses"] = raws


@dataclass
class _Span:
    """The rows of one recommendation: its first row and the rows its merged cells cover."""

    number: str | None
    text: str
    ref_id: int | None
    text_id: int | None
    rows: list[list[str]] = field(default_factory=list)
    has_action_column: bool = False
    col_of: dict[str, list[int]] = field(default_factory=dict)  # kind -> columns, owners resolved


_TEXT_NUMBER = re.compile(r"^(?:recommendation\s+|rec\.?\s*)?(\d{1,3}[a-z]?)[.):]\s+(.*)$", re.I | re.S)


def action_spans(table: GridTable, header: tuple[int, dict[int, str]]) -> list[_Span]:
    """Group a table's data rows by recommendation: a row whose recommendation (and ref) cell is the
    cell of the row above -- merged down -- or the same text and number, or that has neither, is one
    more action row of that recommendation."""
    h, kinds = header
    col_of: dict[str, int] = {}
    for i in sorted(kinds):
        col_of.setdefault(kinds[i], i)
    ref_c, text_c = col_of.get("ref"), col_of.get("text")
    header_key = [_normalise_header(c) for c in table.rows[h]]
    spans: list[_Span] = []
    cur: _Span | None = None
    for row, ids in zip(table.rows[h + 1:], table.cell_ids[h + 1:]):
        filled = [c for c in row if c]
        if not filled or [_normalise_header(c) for c in row] == header_key:
            continue
        ref = row[ref_c] if ref_c is not None else ""
        text = row[text_c] if text_c is not None else ""
        if len(set(filled)) == 1 and len(filled) > 1 and not (ref and text and ref != text):
            continue  # a title or section row across the table
        ref_id = ids[ref_c] if ref_c is not None else None
        text_id = ids[text_c] if text_c is not None else None
        number = _ref_number(ref) if ref else None
        if text and number is None:
            m = _TEXT_NUMBER.match(text)
            if m:
                number, text = m.group(1), m.group(2).strip()
        if cur is not None:
            same_cell = text_id is not None and text_id == cur.text_id and text_id >= 0 and (
                not ref or ref_id == cur.ref_id or number_key(number) == number_key(cur.number))
            same_text = bool(text) and text == cur.text and (not ref or number_key(number) == number_key(cur.number))
            sub_row = not text and number is not None and cur.number is not None and (
                number_key(number) == number_key(cur.number)
                or (number_key(number) or "").startswith((number_key(cur.number) or "") + "."))
            if (not ref and not text) or same_cell or same_text or sub_row:
                cur.rows.append(row)
                continue
        cur = _Span(number=number, text=text, ref_id=ref_id, text_id=text_id, rows=[row],
                    has_action_column="action" in col_of, col_of=_resolve_col_of(kinds))
        spans.append(cur)
    return spans


def _resolve_col_of(kinds: dict[int, str]) -> dict[str, list[int]]:
    cols: dict[str, list[int]] = {}
    for i, kind in sorted(_resolve_owner_columns(kinds).items()):
        cols.setdefault(kind, []).append(i)
    return cols


def _action(row: list[str], cols: dict[str, list[int]]) -> dict:
    def first(kind: str) -> str | None:
        for i in cols.get(kind, [])[:1]:
            if i < len(row) and _cell_text(row[i]):
                return _cell_text(row[i])
        return None

    owners = [_squash(row[i]) for k in ("accountable", "responsible") for i in cols.get(k, [])
              if i < len(row) and row[i].strip()]
    target = first("target")
    parsed = try_parse_date(target) if target else None
    status_raw = first("status")
    rag_word = first("rag")
    if status_raw is None and rag_word and normalise_status(rag_word) and not normalise_rag(rag_word):
        status_raw = rag_word  # "Complete" / "Delayed" written in the RAG column, read as the draft reads it
    return {
        "text": first("action"),
        "owner": "; ".join(dict.fromkeys(owners)) or None,
        "target_raw": target,
        "target_date": _iso(parsed.value) if parsed else None,
        "target_precision": parsed.precision if parsed and parsed.value else None,
        "status_raw": status_raw,
        "status": normalise_status(status_raw) if status_raw else None,
    }


def attach_action_rows(recs: list[dict], spans: list[_Span]) -> None:
    """Give each recommendation the action rows it was made from (when it has several, or the table has
    an Actions column)."""
    unused = list(spans)
    for rec in recs:
        key = number_key(rec["number"]) if rec["number"] else None
        span = None
        if key is not None:
            same = [s for s in unused if number_key(s.number) == key]
            if len(same) == 1:
                span = same[0]
        if span is None and rec["text"]:
            text = _squash(rec["text"])
            span = next((s for s in unused if s.text and text.startswith(_squash(s.text))
                         and (key is None or number_key(s.number) in (None, key))), None)
        if span is None:
            continue
        unused.remove(span)
        if len(span.rows) > 1 or span.has_action_column:
            rec["action_rows"] = [_action(r, span.col_of) for r in span.rows]
