"""The extractor's entry points: ``extract_text`` runs the recognisers on a document's text in
order (delimited tables, a CSV saved as text, flattened action plans, then prose), ``extract_rows``
reads a spreadsheet's rows, and ``extract_file`` checks a file (exists, supported type, not empty,
under the size limit), reads it in its format and hands it to one of the two (a Word .docx goes to
``docx.extract_docx`` and a PDF to ``pdf.extract_pdf``: both send their recommendation tables the way
of ``extract_rows`` through ``grid.tables_draft`` and otherwise their text to ``extract_text`` -- for
a PDF, its text layer read by pypdf, as before)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from peer_challenges.domain.errors import UserError
from peer_challenges.sources.extract.assembly import _assemble, _merge_recs
from peer_challenges.sources.extract.common import (CSV_EXTS, DOCX_EXTS, HTML_EXTS, MAX_BYTES, PDF_EXTS, SUPPORTED_EXTS,
                                                    XLSX_EXTS, _cell_text)
from peer_challenges.sources.extract.docx import extract_docx
from peer_challenges.sources.extract.facts import _council_name
from peer_challenges.sources.extract.flattened import _flattened_tables
from peer_challenges.sources.extract.headers import find_header
from peer_challenges.sources.extract.paragraphs import _clean_lines, _is_toc, _paragraphs
from peer_challenges.sources.extract.pdf import extract_pdf
from peer_challenges.sources.extract.prose import _list_recs, _prose_recs, _status_sentences
from peer_challenges.sources.extract.readers import _decode, _read_csv, _read_xlsx, html_to_text
from peer_challenges.sources.extract.tables import _delimited_tables, _table_records


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
    """Read one file (any supported format) and return the draft: see the package docstring."""
    path = Path(path)
    ext = path.suffix.lower()
    if not path.exists():
        raise UserError(f"{path}: no such file")
    if not path.is_file():
        raise UserError(f"{path}: not a file; expected a report or action plan ({', '.join(SUPPORTED_EXTS)})")
    if ext not in SUPPORTED_EXTS:
        hint = " (save it as .xlsx or .csv)" if ext in (".xls", ".ods", ".numbers") else \
            " (save it as PDF or text)" if ext in (".doc", ".odt", ".rtf") else ""
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
        return extract_pdf(path, council_id, source_name=name, ext=ext)
    if ext in DOCX_EXTS:
        return extract_docx(path, council_id, source_name=name, ext=ext)
    text = _decode(path.read_bytes(), path, "a text document")
    if ext in HTML_EXTS:
        text = html_to_text(text)
    if not text.strip():
        raise UserError(f"{path}: no text in the file; expected a report or action plan")
    return extract_text(text, council_id, source_name=name, ext=ext)
