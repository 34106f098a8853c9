"""Readers: a file's bytes as text or rows. Text is decoded (UTF-8, UTF-16, cp1252; binary content
refused), CSV / TSV delimiters are sniffed, the XLSX sheet with the best header row is chosen with
merged cells filled in, and HTML becomes text with headings, list items and tab-separated table rows.
A PDF is read by ``pdf.read_pdf`` (pdfplumber: its tables, and the checks for files that are not
PDFs, damaged, encrypted or scanned); when it has no recommendations table, ``_read_pdf`` here gives
its text layer read by pypdf for ``extract_text``, as it always has (prose reports and tables
flattened to text read best that way). Unreadable input raises a UserError saying what was expected."""

from __future__ import annotations

import csv
import html.parser
import io
import re
from pathlib import Path

from peer_challenges.domain.errors import UserError
from peer_challenges.sources.extract.common import HEADER_HELP, _squash
from peer_challenges.sources.extract.headers import _header_score, find_header


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


def _check_xlsx_package(path: Path) -> None:
    """Refuse, before openpyxl opens it, a workbook that is not a zip or would decompress beyond the bounds a
    Word document has (docx_xml): a zip bomb named .xlsx must not take the server's memory."""
    import zipfile

    from peer_challenges.sources.extract.docx_xml import check_zip_bounds

    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UserError(f"{path}: this is not an .xlsx workbook: it is password-protected or an old Excel 97-2003 "
                        ".xls file; save an unprotected copy as .xlsx (or .csv)")
    if not zipfile.is_zipfile(path):
        raise UserError(f"{path}: not a readable .xlsx workbook (not a zip package); expected an Excel workbook "
                        "saved as .xlsx")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise UserError(f"{path}: not a readable .xlsx workbook (a damaged zip package: {type(exc).__name__})") from None
    check_zip_bounds(path, infos, "the workbook", "an Excel workbook")


def _read_xlsx(path: Path) -> list[list]:
    import zipfile

    try:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError:  # pragma: no cover
        raise UserError("reading .xlsx needs openpyxl (pip install openpyxl)") from None
    _check_xlsx_package(path)
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
