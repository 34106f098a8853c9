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

What ``extract_docx`` does with them (``grid.tables_draft``, shared with PDFs): tables whose header
row names recommendation columns go through the same path as CSV / XLSX rows (header recognition,
action rows folded into their recommendation, dates and statuses parsed), the body paragraphs giving
the title, council and challenge facts; when no table yields a recommendation the body text goes to
``extract_text``. A recommendation that spans several action rows keeps them in ``action_rows`` (text,
owner, timescale, status of each row), a draft-only field: the source-file schema has no place for
actions, so the YAML keeps the joined action texts in the update's note, as for the other formats.

Bad files raise a UserError naming the file: not a zip, not a Word document, password-protected (an
OLE compound file), an old .doc renamed, or a zip that would decompress beyond a sane size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from peer_challenges.domain.errors import UserError
from peer_challenges.sources.extract.common import HEADER_HELP, _squash
from peer_challenges.sources.extract.docx_xml import (
    _BLOCK_CONTAINERS, _P, _R, _SDT, _SDT_CONTENT, _SKIP_IN_P, _TBL, _TC, _TR, _VAL, _check_package, _int_attr,
    _Numbering, _Styles, _w,
)
from peer_challenges.sources.extract.grid import (LOOKED_FOR, GridTable, drop_repeated_headers, head_count,
                                                  is_header_like, row_key, tables_draft)


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
class DocxTable(GridTable):
    """A Word table: cell text per grid column, ``cell_ids`` telling which grid cells are one Word cell,
    ``header_rows`` the leading rows marked "repeat as header row"."""


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
        drop_repeated_headers(table)
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
            heads = {row_key(r) for r in last_table.rows[:head_count(last_table)]}
            n = 0
            while n < len(block.rows) and row_key(block.rows[n]) in heads:
                n += 1
            if n and any(is_header_like(r) for r in block.rows[:n]):
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

def extract_docx(path, council_id: str | None = None, *, source_name: str | None = None,
                 ext: str = ".docx") -> dict:
    """The draft from a Word .docx file: its recommendation tables, else its text (module docstring)."""
    path = Path(path)
    content = read_docx(path)
    if not content.has_text:
        raise UserError(f"{path}: no text in the Word document (only pictures, or empty); expected a report "
                        "or action plan")
    source_name = source_name or path.name
    out = tables_draft(content.tables, content.prose, council_id, source_name=source_name, ext=ext)
    if out is None:
        from peer_challenges.sources.extract.pipeline import extract_text

        out = extract_text(content.text, council_id, source_name=source_name, ext=ext)
    if not out["recommendations"]:
        tables = content.tables
        found = (f"; the document has {len(tables)} table{'s' if len(tables) != 1 else ''}, none with such a header"
                 if tables else "; the document has no tables")
        out["warnings"].append(LOOKED_FOR.format(help=HEADER_HELP) + found)
    return out
