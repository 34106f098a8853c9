"""PDF documents read with pdfplumber: their tables as grids of cells (``read_pdf``) and the draft made
from them (``extract_pdf``).

What ``read_pdf`` gives:
- ruled tables (pdfplumber's "lines" strategy: cells bounded by drawn lines) on every page; a table
  that goes on at the top of the next page with the same columns continues the one before, the
  title and header rows repeated at the top of each page are dropped, and a row that breaks across
  the page end is put back together (a recommendation merged down over its action rows and cut by
  the page end stays one cell);
- unruled tables (no drawn lines), tried only on a page with no ruled recommendations table and a
  line that reads like a recommendations header (most of its groups of words are column names that
  ``headers.find_header`` knows): the columns start where the header's words start (pdfplumber's own
  "text" strategy, which guesses columns from the alignment of all the words, cut the wide columns of
  a Word table in two, mid-word), rows start at a filled Ref cell, or at an owner, date or status
  cell that starts again after a paragraph gap (one more action row), and the table ends at a line
  that runs across the columns or after a gap of more than two lines; it does not go on over a page
  unless the next page repeats the header line;
- a cell's text with its wrapped lines joined: with a space for a line the layout wrapped, without
  one for a word the layout broke in the middle (a one-word line that fills the cell) or after a
  hyphen ("medium-" + "term"), and with a new line where the text itself started a new line (the
  next word would have fitted);
- the text outside the tables (title, covering report) for the title, council and challenge facts.

What ``extract_pdf`` does with them: the tables with a recommendations header go the way of
``extract_rows`` through ``grid.tables_draft``, as a Word document's do -- a row whose Ref and
Recommendation cells are empty while others are filled is one more action row of the recommendation
above, the recommendation keeps its rows in ``action_rows`` and its target is the latest dated
timescale. When no table gives a recommendation, the text layer read by pypdf goes to
``extract_text`` as before (prose reports, tables flattened to text).

Bad files raise a UserError naming the file: not a PDF (a Word file, a web page ... with a .pdf name),
truncated or damaged, password-protected, or with no text layer (a scan that needs OCR).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path

from peer_challenges.domain.dates import try_parse_date
from peer_challenges.domain.errors import UserError
from peer_challenges.domain.status import normalise_rag, normalise_status
from peer_challenges.sources.extract.common import HEADER_HELP, _squash
from peer_challenges.sources.extract.grid import (LOOKED_FOR, GridTable, drop_repeated_headers, head_count,
                                                  is_header_like, row_key, tables_draft)
from peer_challenges.sources.extract.headers import column_kind, find_header
from peer_challenges.sources.extract.pdf_lines import (_Cell, _count_pairs, _group_lines, _Line, _norm, _Registry,
                                                       _Vocab)

_NO_TEXT = ("the PDF has no text layer (a scanned image?); run it through OCR first, or copy its text into a "
            ".txt file")


# ============================================================================ tables on a page

@dataclass
class PdfTable(GridTable):
    """A table of the PDF, perhaps over several pages: the GridTable rows and cell ids, and where it was
    found (the pages, the strategy) and the x of its column edges."""

    pages: list[int] = field(default_factory=list)
    strategy: str = "lines"
    edges: list[float] = field(default_factory=list)
    _cells: list[list[_Cell | None]] = field(default_factory=list, repr=False)
    _words: set[int] = field(default_factory=set, repr=False)  # the words of the page inside the table


def _in_box(obj: dict, box) -> bool:
    xm, ym = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return box[0] <= xm < box[2] and box[1] <= ym < box[3]


def _cluster(values: list[float], tol: float = 1.5) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _grid(cell_boxes: list[tuple], words: list[dict],
          registry: _Registry) -> tuple[list[float], list[list[_Cell | None]]]:
    """The grid of a ruled table: column edges, and for each grid position the cell covering it (the
    same _Cell for every position of a merged cell)."""
    xs = _cluster([b[0] for b in cell_boxes])
    tops = _cluster([b[1] for b in cell_boxes])
    right = max(b[2] for b in cell_boxes)
    bottom = max(b[3] for b in cell_boxes)
    cells = []
    for box in cell_boxes:
        cell = registry.new(box[0], box[2])
        cell.lines = _group_lines([w for w in words if _in_box(w, box)])
        cells.append((box, cell))
    edges = xs + [right]
    row_edges = tops + [bottom]
    grid: list[list[_Cell | None]] = []
    for r in range(len(tops)):
        ym = (row_edges[r] + row_edges[r + 1]) / 2
        row: list[_Cell | None] = []
        for c in range(len(xs)):
            xm = (edges[c] + edges[c + 1]) / 2
            row.append(next((cell for b, cell in cells if b[0] <= xm < b[2] and b[1] <= ym < b[3]), None))
        grid.append(row)
    return edges, grid


def _ruled_tables(page, words: list[dict], registry: _Registry) -> list[PdfTable]:
    tables = []
    for found in page.find_tables():
        if len(found.cells) < 4:
            continue
        edges, grid = _grid(found.cells, words, registry)
        if len(edges) < 3 or len(grid) < 2:
            continue
        tables.append(PdfTable(rows=[], cell_ids=[], pages=[page.page_number], edges=edges, _cells=grid,
                               strategy="lines", _words={id(w) for w in words if _in_box(w, found.bbox)}))
    return tables


def _render(table: PdfTable, space: float, vocab: _Vocab | None = None) -> None:
    """Fill a table's rows and cell ids from its cells: a cell merged down gives its text to every row it
    covers, a cell spanning columns gives it to its first column only."""
    rows, ids = [], []
    for grid_row in table._cells:
        texts, row_ids = [], []
        for c, cell in enumerate(grid_row):
            if cell is None:
                texts.append("")
                row_ids.append(-1)
                continue
            texts.append("" if c > 0 and grid_row[c - 1] is cell else cell.text(space, vocab))
            row_ids.append(cell.ident)
        rows.append(texts)
        ids.append(row_ids)
    table.rows, table.cell_ids = rows, ids


# ============================================================================ tables over pages

def _same_columns(a: PdfTable, b: PdfTable) -> bool:
    return len(a.edges) == len(b.edges) and all(abs(x - y) <= 2.0 for x, y in zip(a.edges, b.edges))


def _kinds(table: PdfTable, space: float) -> dict[int, str]:
    _render(table, space)
    header = find_header(table.rows, max_scan=10)
    return header[1] if header else {}


def _continue(prev: PdfTable, nxt: PdfTable, space: float) -> None:
    """Join a table continued on the next page to the one before: its leading rows that repeat the
    first table's heading go, and its first row is put together with the last row above when it is
    the rest of a row cut by the page end."""
    _render(prev, space)
    _render(nxt, space)
    heads = {row_key(r) for r in prev.rows[:head_count(prev)]}
    n = 0
    while n < len(nxt.rows) and row_key(nxt.rows[n]) in heads:
        n += 1
    if n and not any(is_header_like(r) for r in nxt.rows[:n]):
        n = 0
    rows = nxt._cells[n:]
    prev.dropped_header_rows += n
    kinds = _kinds(prev, space)
    if rows and prev._cells:
        last, first = prev._cells[-1], rows[0]
        kind_of = {i: k for i, k in kinds.items()}
        ref_c = next((i for i, k in sorted(kind_of.items()) if k == "ref"), None)
        text_c = next((i for i, k in sorted(kind_of.items()) if k == "text"), None)
        if _cut_row(last, first, kind_of, ref_c, space):
            for c, cell in enumerate(first):
                spans_from_left = c > 0 and cell is first[c - 1]
                if cell is not None and last[c] is not None and cell.lines and not spans_from_left:
                    last[c].lines += cell.lines
            rows = rows[1:]
        elif ref_c is not None and not _text(first[ref_c], space):
            # an action row of the recommendation above, which is merged down over the page end
            for c in (ref_c, text_c):
                if c is None or first[c] is None or last[c] is None:
                    continue
                if first[c].lines:
                    last[c].lines += first[c].lines
                first[c] = last[c]
    prev._cells.extend(rows)
    prev.pages += nxt.pages


def _text(cell: _Cell | None, space: float) -> str:
    return cell.text(space) if cell is not None else ""


def _cut_row(last: list, first: list, kinds: dict[int, str], ref_c: int | None, space: float) -> bool:
    """Whether a page's first row is the rest of the row the page before ended with: no Ref; nothing
    in a column that was empty above (cell text starts at the top of its row); and no date, status or
    RAG cell that reads as a value of its own both above and here."""
    if ref_c is not None and _text(first[ref_c], space):
        return False
    filled = False
    for c, cell in enumerate(first):
        here = _text(cell, space)
        if not here:
            continue
        filled = True
        above = _text(last[c], space) if c < len(last) else ""
        if not above:
            return False
        kind = kinds.get(c)
        if kind in ("target", "revised_target") and try_parse_date(above).value and try_parse_date(here).value:
            return False
        if kind in ("status", "rag") and (normalise_status(above) or normalise_rag(above)) and \
                (normalise_status(here) or normalise_rag(here)):
            return False
    return filled


# ============================================================================ unruled tables

_STRUCTURED = ("accountable", "responsible", "owner", "target", "revised_target", "status", "rag")


def _split_cells(line: _Line, space: float) -> list[list[dict]]:
    """A line's words in groups separated by more than a wide space (the gaps between columns)."""
    groups: list[list[dict]] = [[line.words[0]]]
    for prev, w in zip(line.words, line.words[1:]):
        if w["x0"] - prev["x1"] > max(2.5 * space * line.size, 0.8 * line.size):
            groups.append([w])
        else:
            groups[-1].append(w)
    return groups


def _header_line(lines: list[_Line], space: float) -> tuple[int, list[list[dict]]] | None:
    """The line that reads like a recommendations header: at least three groups, most of them column
    names, naming a recommendation column and two other kinds."""
    for i, line in enumerate(lines):
        if len(line.words) > 20:
            continue
        groups = _split_cells(line, space)
        if len(groups) < 3:
            continue
        names = [" ".join(w["text"] for w in g) for g in groups]
        kinds = [column_kind(n) for n in names]
        header = find_header([names])
        if header is None or sum(k is not None for k in kinds) < 0.6 * len(names) or \
                len(set(header[1].values())) < 3:
            continue
        return i, groups
    return None


def _unruled_table(page, lines: list[_Line], space: float, registry: _Registry) -> PdfTable | None:
    """The table under a header line of a page with no ruled table: columns start at the header
    words; a row starts at a second Ref, or after a paragraph gap at a Ref, or at a recommendation,
    owner, date or status cell already filled in the row above (one more action row: its Ref and
    Recommendation cells stay empty); a Ref half-way down its row (cells centred top to bottom)
    stays in that row. The table ends at a line that runs across the columns with ordinary spaces,
    or after a gap of more than two lines."""
    found = _header_line(lines, space)
    if found is None:
        return None
    h, groups = found
    size = lines[h].size
    starts = [g[0]["x0"] - 0.5 * size for g in groups]
    bounds = starts + [float(page.width)]
    names = [" ".join(w["text"] for w in g) for g in groups]
    kinds = find_header([names])[1]
    ref_c = next((c for c, k in sorted(kinds.items()) if k == "ref"), None)
    text_c = next((c for c, k in sorted(kinds.items()) if k == "text"), None)
    structured = [c for c, k in kinds.items() if k in _STRUCTURED]

    def column(w: dict) -> int:
        return max((c for c, x in enumerate(starts) if w["x0"] >= x), default=0)

    def new_row() -> list[_Cell]:
        return [registry.new(bounds[c], bounds[c + 1]) for c in range(len(starts))]

    header = new_row()
    for c, g in enumerate(groups):
        header[c].lines = [_Line(list(g))]
    rows: list[list[_Cell]] = [header]
    used: set[int] = {id(w) for w in lines[h].words}
    prev = lines[h]
    for line in lines[h + 1:]:
        gap = line.top - prev.bottom
        if gap > 2.2 * line.size:
            break
        cols: dict[int, list[dict]] = {}
        across = False
        for a, b in zip(line.words, line.words[1:]):
            if column(a) != column(b) and b["x0"] - a["x1"] < 0.6 * line.size:
                across = True
        if across or line.words[0]["x0"] < starts[0] - size:
            break
        for w in line.words:
            cols.setdefault(column(w), []).append(w)
        if len(rows) == 1:
            if gap <= 0.5 * line.size and ref_c not in cols and all(
                    column_kind(f"{names[c]} {' '.join(w['text'] for w in ws)}") for c, ws in cols.items()):
                for c, ws in cols.items():  # a header cell wrapped onto a second line ("Lead" / "officer")
                    header[c].lines.append(_Line(ws))
                used |= {id(w) for w in line.words}
                prev = line
                continue
            rows.append(new_row())
        else:
            cur = rows[-1]
            big = gap > 0.5 * line.size  # more than the space between the lines of one paragraph
            has_ref = ref_c is not None and ref_c in cols
            if (has_ref and (big or cur[ref_c].lines)) or (big and any(
                    c in cols and cur[c].lines for c in (text_c, *structured) if c is not None)):
                rows.append(new_row())  # a new recommendation, or one more action row of the one above
        cur = rows[-1]
        for c, ws in cols.items():
            cur[c].lines.append(_Line(ws))
        used |= {id(w) for w in line.words}
        prev = line
    if len(rows) < 2:
        return None
    return PdfTable(rows=[], cell_ids=[], pages=[page.page_number], strategy="text", edges=bounds,
                    _cells=[list(r) for r in rows], _words=used)


# ============================================================================ reading the file

@dataclass
class PdfContent:
    tables: list[PdfTable]  # in reading order, tables continued over pages joined
    prose: str  # the text outside the tables, page by page
    pages: int


def _not_a_pdf(head: bytes) -> str | None:
    """What a file that does not start like a PDF is, for the error message (None when it is a PDF)."""
    if b"%PDF-" in head[:1024]:
        return None
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in head:
            return "it is a Word .docx document with a .pdf name (rename it .docx to read it as one)"
        if b"xl/" in head:
            return "it is an Excel workbook with a .pdf name (rename it .xlsx to read it as one)"
        return "it is a zip file with a .pdf name"
    if head.startswith(bytes.fromhex("D0CF11E0A1B11AE1")):
        return "it is an Office file in the old format (.doc, .xls) or a protected Office file, with a .pdf name"
    low = head[:512].lstrip().lower()
    if low.startswith((b"<!doctype html", b"<html")) or b"<html" in low:
        return "it is a web page (HTML) with a .pdf name; save the page's PDF, or read it as .html"
    if low.startswith(b"{\\rtf"):
        return "it is an RTF document with a .pdf name"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        return "it is a picture with a .pdf name; it needs OCR"
    if b"\x00" not in head:
        return "it is a text file with a .pdf name; read it as .txt"
    return "it does not start with the %PDF- marker a PDF file starts with"


def _open(path: Path):
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFPasswordIncorrect
        from pdfplumber.utils.exceptions import PdfminerException
    except ImportError:  # pragma: no cover
        raise UserError("reading .pdf needs pdfplumber (pip install pdfplumber)") from None
    with open(path, "rb") as fh:
        head = fh.read(2048)
        fh.seek(max(0, path.stat().st_size - 2048))
        tail = fh.read()
    what = _not_a_pdf(head)
    if what:
        raise UserError(f"{path}: this is not a PDF: {what}")
    try:
        pdf = pdfplumber.open(path)
        _ = pdf.pages
    except PdfminerException as exc:
        inner = exc.args[0] if exc.args else exc
        if isinstance(inner, PDFPasswordIncorrect):
            raise UserError(f"{path}: the PDF is encrypted (it needs a password to open); expected an unprotected "
                            "PDF: save a copy without the password") from None
        if b"%%EOF" not in tail:
            raise UserError(f"{path}: not a readable PDF: the file is cut short or damaged (it has no "
                            "end-of-file marker; an incomplete download?); download or export it again") from None
        raise UserError(f"{path}: not a readable PDF ({type(inner).__name__}); expected a PDF with a text "
                        "layer") from None
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds of error on broken files
        raise UserError(f"{path}: not a readable PDF ({type(exc).__name__}); expected a PDF with a text "
                        "layer") from None
    return pdf


def _space_width(pages) -> float:
    """The width of a space as a share of the font size (0.25 when the PDF draws no spaces)."""
    ratios = [c["width"] / c["size"] for p in pages[:3] for c in p.chars if c["text"] == " " and c.get("size")]
    return statistics.median(ratios[:500]) if ratios else 0.25


def read_pdf(path) -> PdfContent:
    """The tables and the other text of a PDF (see the module docstring); UserError when the file is not
    a readable PDF or has no text layer."""
    path = Path(path)
    pdf = _open(path)
    try:
        pages = pdf.pages
        space = _space_width(pages)
        registry = _Registry()
        page_words: list[list[dict]] = []
        per_page: list[list[PdfTable]] = []
        glyphs = 0
        for page in pages:
            glyphs += sum(1 for c in page.chars if not c["text"].isspace())
            words = page.extract_words(extra_attrs=["size"], return_chars=True)
            tables = _ruled_tables(page, words, registry)
            if not any(_kinds(t, space) for t in tables):
                lines = _group_lines([w for w in words if not any(id(w) in t._words for t in tables)])
                unruled = _unruled_table(page, lines, space, registry)
                if unruled is not None:
                    tables.append(unruled)
            page_words.append(words)
            per_page.append(tables)
            page.close()  # the page's parsed objects are not needed any more
        if glyphs < 20:
            raise UserError(f"{path}: {_NO_TEXT}")
    except (UserError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged page must not give a traceback
        raise UserError(f"{path}: the PDF's pages cannot be read ({type(exc).__name__}); expected a PDF with a "
                        "text layer") from None
    finally:
        pdf.close()
    prose = []
    for words, page_tables in zip(page_words, per_page):
        inside = set().union(*(t._words for t in page_tables)) if page_tables else set()
        prose.append("\n".join(ln.text for ln in _group_lines([w for w in words if id(w) not in inside])))
    tables: list[PdfTable] = []
    for number, page_tables in enumerate(per_page, start=1):
        for j, table in enumerate(page_tables):
            # the first table of a page goes on from the last one of the page before when its columns match
            if j == 0 and tables and tables[-1].pages[-1] == number - 1 and _same_columns(tables[-1], table):
                _continue(tables[-1], table, space)
                continue
            tables.append(table)
    vocab = _Vocab()
    for words in page_words:
        for w in words:
            key = _norm(w["text"])
            vocab.seen[key] = vocab.seen.get(key, 0) + 1
    _count_pairs(registry.cells, vocab)
    for table in tables:
        _render(table, space, vocab)
        drop_repeated_headers(table)
    return PdfContent(tables=tables, prose="\n\n".join(p for p in prose if p.strip()), pages=len(per_page))


# ============================================================================ the draft

def extract_pdf(path, council_id: str | None = None, *, source_name: str | None = None, ext: str = ".pdf") -> dict:
    """The draft from a PDF: its recommendation tables, else its text layer (module docstring)."""
    path = Path(path)
    content = read_pdf(path)
    source_name = source_name or path.name
    out = tables_draft(content.tables, content.prose, council_id, source_name=source_name, ext=ext)
    if out is None:
        from peer_challenges.sources.extract.pipeline import extract_text
        from peer_challenges.sources.extract.readers import _read_pdf

        out = extract_text(_read_pdf(path), council_id, source_name=source_name, ext=ext)
    if not out["recommendations"]:
        out["warnings"].append(LOOKED_FOR.format(help=HEADER_HELP) + _tables_found(content.tables))
    return out


def _tables_found(tables: list[PdfTable]) -> str:
    if not tables:
        return "; the PDF has no tables"
    first = next((r for r in tables[0].rows if any(c.strip() for c in r)), [])
    cells = " | ".join(_squash(c) for c in first if c.strip())
    n = len(tables)
    return (f"; the PDF has {n} table{'s' if n != 1 else ''}, none with such a header (the first, on page "
            f"{tables[0].pages[0]}, starts with the row: {cells})")
