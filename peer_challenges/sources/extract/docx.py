"""Word .docx documents (read with python-docx): the document read as tables and body text
(``read_docx``, after ``docx_xml``'s checks of the package), and the draft made from them (``extract_docx``).

What ``read_docx`` gives:
- tables in document order as rows of cell text, one cell per grid column: a cell merged down over
  several rows (w:vMerge) gives its text to every row it covers, so a recommendation merged over its
  action rows reads as one recommendation; a cell spanning columns (w:gridSpan) gives its text to its
  first column only; ``cell_ids`` tell which grid cells are one Word cell. Header rows repeated inside
  a table, and at the top of a table that continues the one before it (nothing but empty paragraphs
  between them), are dropped and the continuation joins the table;
- the body in reading order with auto-numbered paragraphs given the numbers Word shows (numbering
  from w:numPr or the paragraph style, the numbering part's abstractNum start, format and level
  text, "1.", "1.1", "a)", "iv." ...; bullets become "- "), headings on their own lines as "# ...",
  tables as tab-separated rows (a one-column table, e.g. a text box drawn as a table, as paragraphs).

What ``extract_docx`` does with them: tables whose header row names recommendation columns go through
the same path as CSV / XLSX rows (header recognition, action rows folded into their recommendation,
dates and statuses parsed), the body paragraphs giving the title, council and challenge facts; when
no table yields a recommendation the body text goes to ``extract_text``. A recommendation that spans
several action rows keeps them in ``action_rows`` (text, owner, timescale, status of each row), a
draft-only field: the source-file schema has no place for actions, so the YAML keeps the joined
action texts in the update's note, as for the other formats.

Bad files raise a UserError naming the file: not a zip, not a Word document, password-protected (an
OLE compound file), an old .doc renamed, or a zip that would decompress beyond a sane size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from peer_challenges.domain.dates import try_parse_date
from peer_challenges.domain.errors import UserError
from peer_challenges.domain.status import normalise_status
from peer_challenges.sources.extract.assembly import _assemble
from peer_challenges.sources.extract.common import HEADER_HELP, _cell_text, _iso, _ref_number, _squash, number_key
from peer_challenges.sources.extract.facts import _council_name
from peer_challenges.sources.extract.headers import _normalise_header, _resolve_owner_columns, find_header
from peer_challenges.sources.extract.paragraphs import _clean_lines
from peer_challenges.sources.extract.tables import _table_records

from peer_challenges.sources.extract.docx_xml import (
    _BLOCK_CONTAINERS, _P, _R, _SDT, _SDT_CONTENT, _SKIP_IN_P, _TBL, _TC, _TR, _VAL, _check_package, _int_attr,
    _Numbering, _Styles, _w,
)



# ============================================================================ what read_docx gives

@dataclass
class DocxParagraph:
    text: str  # as written, without its list number
    label: str | None = None  # the number Word shows ("1.", "1.1", "a)"), "-" for a bullet
    level: int | None = None  # list level (w:ilvl) of a numbered paragraph
    heading: int | None = None  # heading level (1 for Heading 1 / Title)
    style: str | None = None

    @property
    def line(self) -> str:
        """The paragraph as text: '## heading', '    a) item', '1. item', or the text (a numbered
        paragraph without text is its number: an auto-numbered Ref cell)."""
        text = self.text
        if self.label:
            text = f"{self.label} {text}" if text.strip() else self.label
        if not text.strip():
            return ""
        if self.heading:
            return "#" * min(self.heading, 6) + " " + _squash(text)
        if self.label and self.level:
            return "    " * self.level + text
        return text


@dataclass
class DocxTable:
    rows: list[list[str]]  # cell text per grid column
    cell_ids: list[list[int]]  # the same number = the same Word cell (merged across rows or columns)
    header_rows: int = 1  # leading rows marked "repeat as header row" (at least 1)
    dropped_header_rows: int = 0  # repeated header rows left out

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass
class DocxContent:
    blocks: list[DocxParagraph | DocxTable] = field(default_factory=list)  # reading order

    @property
    def tables(self) -> list[DocxTable]:
        return [b for b in self.blocks if isinstance(b, DocxTable)]

    @property
    def paragraphs(self) -> list[DocxParagraph]:
        return [b for b in self.blocks if isinstance(b, DocxParagraph)]

    @property
    def text(self) -> str:
        """The body in reading order, tables included (as tab-separated rows)."""
        return _render(self.blocks, tables=True)

    @property
    def prose(self) -> str:
        """The body's paragraphs only."""
        return _render(self.blocks, tables=False)

    @property
    def has_text(self) -> bool:
        return any(p.text.strip() for p in self.paragraphs) or any(c for t in self.tables for r in t.rows for c in r)


def _render(blocks, *, tables: bool) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, DocxParagraph):
            if block.text.strip():  # an empty list paragraph shows only its number: left out
                out.append(block.line)
            continue
        if not tables:
            continue
        rows = [[c.replace("\t", " ") for c in r] for r in block.rows]
        if all(len({c for c in r if c}) <= 1 for r in rows):
            # a one-column table (a box of text): its cells as paragraphs
            for r in rows:
                cell = next((c for c in r if c), "")
                out.extend(line for line in cell.split("\n") if line.strip())
            continue
        lines = []
        for r in rows:
            cells = [_squash(c) for c in r]
            if any(cells):
                lines.append("\t".join(c or " " for c in cells))
        if lines:
            out.append("\n".join(lines))
    return "\n\n".join(out) + ("\n" if out else "")


# ============================================================================ reading the body

def _visible_runs(el, out: list[str]) -> None:
    """The visible text of a paragraph: runs, also inside hyperlinks, tracked insertions, content
    controls, fields and smart tags; not deleted text, hidden text or text boxes."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP_IN_P:
            continue
        if tag == _R:
            vanish = child.find(f"{_w('rPr')}/{_w('vanish')}")
            if vanish is not None and vanish.get(_VAL) not in ("0", "false", "off"):
                continue
            out.append(child.text or "")  # python-docx: w:t, w:tab as \t, w:br / w:cr as \n
        else:
            _visible_runs(child, out)


class _Reader:
    def __init__(self, document):
        self.document = document
        self.styles = _Styles(document)
        self.numbering = _Numbering(document, self.styles)
        self.cell_text: dict[object, str] = {}
        self.cell_id: dict[object, int] = {}

    # -- paragraphs
    def paragraph(self, p) -> DocxParagraph:
        ppr = p.find(_w("pPr"))
        style_el = ppr.find(_w("pStyle")) if ppr is not None else None
        style_id = style_el.get(_VAL) if style_el is not None else None
        num_id, ilvl = self.styles.num_pr(style_id)
        num_el = ppr.find(_w("numPr")) if ppr is not None else None
        if num_el is not None:
            nid = num_el.find(_w("numId"))
            if nid is not None:
                num_id = nid.get(_VAL)
            lvl = _int_attr(num_el.find(_w("ilvl")))
            if lvl is not None:
                ilvl = lvl
        ilvl = max(0, min(ilvl or 0, 8))
        label = self.numbering.label(num_id, ilvl) if num_id and num_id != "0" else None
        heading = self.styles.heading(style_id)
        outline = _int_attr(ppr.find(_w("outlineLvl"))) if ppr is not None else None
        if heading is None and outline is not None and outline < 9:
            heading = outline + 1
        parts: list[str] = []
        _visible_runs(p, parts)
        text = "".join(parts).replace("\u00a0", " ")
        return DocxParagraph(text=text, label=label, level=ilvl if label else None, heading=heading,
                             style=self.styles.name(style_id))

    # -- blocks
    def blocks(self, parent, out: list) -> None:
        for child in parent:
            tag = child.tag
            if tag == _P:
                out.append(self.paragraph(child))
            elif tag == _TBL:
                table = self.table(child)
                if table is not None:
                    out.append(table)
            elif tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self.blocks(content, out)
            elif tag in _BLOCK_CONTAINERS:
                self.blocks(child, out)

    def cell_lines(self, tc) -> str:
        inner: list = []
        self.blocks(tc, inner)
        lines = []
        for block in inner:
            if isinstance(block, DocxParagraph):
                line = block.line.lstrip("#").strip() if block.heading else block.line
                lines.extend(ln for ln in line.split("\n") if ln.strip())
            else:  # a table inside the cell
                for row in block.rows:
                    cells = [_squash(c) for c in row if c]
                    if cells:
                        lines.append(" | ".join(dict.fromkeys(cells)))
        return "\n".join(lines)

    # -- tables
    def table(self, tbl) -> DocxTable | None:
        trs = []
        header_rows = 0
        still_header = True
        for tr in tbl.findall(_TR):
            trpr = tr.find(_w("trPr"))
            if trpr is not None and trpr.find(_w("del")) is not None:
                continue  # a row deleted with track changes on
            is_header = trpr is not None and trpr.find(_w("tblHeader")) is not None and \
                trpr.find(_w("tblHeader")).get(_VAL) not in ("0", "false", "off")
            if still_header and is_header:
                header_rows += 1
            else:
                still_header = False
            trs.append(tr)
            # the cells' text in document order (list numbers count in this order); a cell merged from
            # above (vMerge continue) shows the text of the cell it continues
            for tc in tr.findall(_TC):
                if self._continues(tc):
                    continue
                self.cell_id[tc] = len(self.cell_id)
                self.cell_text[tc] = self.cell_lines(tc)
        if not trs:
            return None
        rows: list[list[str]] = []
        ids: list[list[int]] = []
        for tr in trs:
            tcs = self._row_tcs(tr)
            texts: list[str] = []
            row_ids: list[int] = []
            for j, tc in enumerate(tcs):
                if tc is None:  # a grid column before the row's first cell or after its last
                    texts.append("")
                    row_ids.append(-1)
                    continue
                if tc not in self.cell_id:
                    self.cell_id[tc] = len(self.cell_id)
                    self.cell_text[tc] = ""
                row_ids.append(self.cell_id[tc])
                # a cell spanning columns: its text in the first of them only
                same_as_left = j > 0 and tcs[j - 1] is tc
                texts.append("" if same_as_left else self.cell_text.get(tc, ""))
            rows.append(texts)
            ids.append(row_ids)
        width = max((len(r) for r in rows), default=0)
        for r, i in zip(rows, ids):
            r.extend([""] * (width - len(r)))
            i.extend([-1] * (width - len(i)))
        table = DocxTable(rows=rows, cell_ids=ids, header_rows=max(1, header_rows))
        _drop_repeated_headers(table)
        return table

    @staticmethod
    def _continues(tc) -> bool:
        return tc.vMerge == "continue"  # python-docx: w:vMerge without a value continues too

    @staticmethod
    def _row_tcs(tr) -> list:
        """The Word cell at each grid column of a row: a cell merged down from above (vMerge continue)
        is the cell it continues, found as python-docx finds it (CT_Tc._tc_above, the cell at the same
        grid offset in the row above), so the rows it covers share one cell; a cell spanning columns
        (gridSpan) stands in each of them; None where the row starts late or ends early."""
        cells: list = []
        for tc in tr.tc_lst:
            root = tc
            try:
                while root.vMerge == "continue":
                    root = root._tc_above
            except ValueError:  # nothing above at that grid offset: the cell stands alone
                root = tc
            cells.extend([root] * max(1, tc.grid_span))
        return [None] * tr.grid_before + cells + [None] * tr.grid_after


def _row_key(row: list[str]) -> tuple:
    return tuple(_squash(c).lower() for c in row)


def _is_header_like(row: list[str]) -> bool:
    return len({c for c in row if c.strip()}) >= 2


def _head_count(table: DocxTable) -> int:
    """How many leading rows are the table's heading: the rows marked "repeat as header row", and at
    least down to the row naming the columns (title rows above it included)."""
    n = table.header_rows
    header = find_header(table.rows, max_scan=10)
    if header is not None:
        n = max(n, header[0] + 1)
    return max(1, min(n, len(table.rows)))


def _drop_repeated_headers(table: DocxTable) -> None:
    """Rows that repeat a header row further down the table (tables pasted together) are dropped."""
    k = _head_count(table)
    heads = {_row_key(r) for r in table.rows[:k] if _is_header_like(r)}
    if not heads:
        return
    keep_rows, keep_ids = table.rows[:k], table.cell_ids[:k]
    for r, i in zip(table.rows[k:], table.cell_ids[k:]):
        if _row_key(r) in heads:
            table.dropped_header_rows += 1
            continue
        keep_rows.append(r)
        keep_ids.append(i)
    table.rows, table.cell_ids = keep_rows, keep_ids


def _join_continuations(blocks: list) -> list:
    """A table that starts with the header row of the table just before it (nothing but empty
    paragraphs between them) continues that table: its leading rows that repeat the first table's
    heading are dropped and the rest join the first table."""
    out: list = []
    last_table: DocxTable | None = None
    for block in blocks:
        if isinstance(block, DocxParagraph):
            if block.text.strip():
                last_table = None
            out.append(block)
            continue
        if last_table is not None and last_table.width == block.width:
            heads = {_row_key(r) for r in last_table.rows[:_head_count(last_table)]}
            n = 0
            while n < len(block.rows) and _row_key(block.rows[n]) in heads:
                n += 1
            if n and any(_is_header_like(r) for r in block.rows[:n]):
                last_table.rows.extend(block.rows[n:])  # cell ids are unique across the document
                last_table.cell_ids.extend(block.cell_ids[n:])
                last_table.dropped_header_rows += n + block.dropped_header_rows
                continue
        out.append(block)
        last_table = block
    return out


def read_docx(path) -> DocxContent:
    """The tables and body text of a Word .docx file (see the module docstring); UserError if the file
    is not one, is password-protected, or would decompress to too much."""
    path = Path(path)
    _check_package(path)
    try:
        import docx
    except ImportError:  # pragma: no cover
        raise UserError("reading .docx needs python-docx (pip install python-docx)") from None
    try:
        document = docx.Document(str(path))
    except ValueError as exc:
        m = re.search(r"content type is '([^']+)'", str(exc))
        what = (f"its main part is {m.group(1)!r}, not a Word document (a macro-enabled .docm or a template? "
                "save it as .docx)") if m else f"python-docx cannot open it ({_squash(str(exc))[:120]})"
        raise UserError(f"{path}: this is not a Word .docx file: {what}") from None
    except Exception as exc:  # noqa: BLE001 - python-docx and lxml raise many kinds of error on broken files
        raise UserError(f"{path}: this is not a Word .docx file: python-docx cannot open it "
                        f"({type(exc).__name__})") from None
    try:
        reader = _Reader(document)
        blocks: list = []
        reader.blocks(document.element.body, blocks)
    except (UserError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - a malformed part must not give a traceback
        raise UserError(f"{path}: the Word document's content cannot be read ({type(exc).__name__}); "
                        "save it again from Word, or as PDF") from None
    return DocxContent(blocks=_join_continuations(blocks))


# ============================================================================ the draft

_LOOKED_FOR = ("looked for: a table with {help}; 'Recommendation N' headings or lines; and numbered or "
               "bulleted lists under a 'Key recommendations' heading")


def extract_docx(path, council_id: str | None = None, *, source_name: str | None = None,
                 ext: str = ".docx") -> dict:
    """The draft from a Word .docx file: its recommendation tables, else its text (module docstring)."""
    path = Path(path)
    content = read_docx(path)
    if not content.has_text:
        raise UserError(f"{path}: no text in the Word document (only pictures, or empty); expected a report "
                        "or action plan")
    source_name = source_name or path.name
    out = _tables_draft(content, council_id, source_name=source_name, ext=ext)
    if out is None:
        from peer_challenges.sources.extract.pipeline import extract_text

        out = extract_text(content.text, council_id, source_name=source_name, ext=ext)
    if not out["recommendations"]:
        tables = content.tables
        found = (f"; the document has {len(tables)} table{'s' if len(tables) != 1 else ''}, none with such a header"
                 if tables else "; the document has no tables")
        out["warnings"].append(_LOOKED_FOR.format(help=HEADER_HELP) + found)
    return out


def _tables_draft(content: DocxContent, council_id, *, source_name: str, ext: str) -> dict | None:
    """The draft from the tables with a recommendations header, or None when they give nothing."""
    recs: list[dict] = []
    warnings: list[str] = []
    spans: list[_Span] = []
    columns = None
    as_of_raw = None
    title_lines: list[str] = []
    for table in content.tables:
        header = find_header(table.rows)
        if header is None:
            continue
        result = _table_records(table.rows, header=header)
        if not result["recommendations"]:
            continue
        recs += result["recommendations"]
        warnings += result["warnings"]
        columns = columns or result["columns"]
        as_of_raw = as_of_raw or result["as_of_raw"]
        spans += _action_spans(table, header)
        title_lines += [" ".join(dict.fromkeys(c for c in r if c)) for r in table.rows[:header[0]]]
    if not recs:
        return None
    prose_lines = _clean_lines(content.prose) if content.prose.strip() else None
    out = _assemble(recs, warnings, lines=prose_lines or [t for t in title_lines if t] or None,
                    council_id=council_id, source_name=source_name, ext=ext, as_of_raw=as_of_raw)
    if not out["council"]["name"] and title_lines:
        out["council"]["name"] = _council_name(title_lines)
    out["columns"] = columns
    _attach_action_rows(out["recommendations"], spans)
    return out


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


def _action_spans(table: DocxTable, header: tuple[int, dict[int, str]]) -> list[_Span]:
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
    return {
        "text": first("action"),
        "owner": "; ".join(dict.fromkeys(owners)) or None,
        "target_raw": target,
        "target_date": _iso(parsed.value) if parsed else None,
        "target_precision": parsed.precision if parsed and parsed.value else None,
        "status_raw": status_raw,
        "status": normalise_status(status_raw) if status_raw else None,
    }


def _attach_action_rows(recs: list[dict], spans: list[_Span]) -> None:
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
