"""Draft source records from a council's documents.

``python -m peer_challenges extract FILE [--json] [--council ID]`` (peer_challenges.cli.extract) reads
a report or an action plan (.txt, .md, .html, .pdf, .docx, .csv, .tsv, .xlsx) with ``extract_file`` and prints
a *draft* source record in the layout of docs/SOURCE_FORMAT.md (YAML via ``to_yaml``, or JSON) for a
person to review and save under ``data/sources/<council_id>/``.

What it recognises (all by meaning, not by position):
- tables: a header row found among the first rows (title rows above it are skipped) whose columns
  are matched by name -- Ref / No. / Rec No.; Recommendation; Position / Progress update / Comments;
  Actions; Owner / Lead / Lead officer / Accountable / Responsible; Timescale / Target date / Due by /
  Deadline; Revised target; Status / Progress / Current status; RAG / RAG rating -- in CSV, XLSX
  (merged cells, real date cells), Word tables (merged cells), PDF tables (ruled, or unruled under a
  header line; continued over pages, repeated header rows dropped, rows cut by a page end put back
  together), tab-separated or markdown ``|`` tables in text, HTML <table>s, and action plans
  flattened to text (a header line, then rows that start with the ref number and end with "...
  <owner> <owner> <timescale> <status>", possibly over several lines). In a Word or PDF table a row
  with empty Ref and Recommendation cells is one more action row of the recommendation above: the
  recommendation's target is the latest dated timescale and its rows are kept in ``action_rows``;
- prose: "Recommendation N" headings (also numbered: "2.1. Recommendation 1"), "Recommendation N:"
  lines with "Target:", "Status:", "Owner:", "Progress:" lines, "REC N (CODE) text" blocks followed
  by a progress paragraph, numbered or bulleted lists under a "Key recommendations" heading, and
  sentences such as "Three of the recommendations were completed during 2019/20, namely ... (CRD1);
  ... (CRD2) and ... (CRD5)";
- challenge facts the text states: on-site dates, people met, meetings held, team size, how many
  recommendations the report made, progress-review date, committee date, action-plan approval.

Dates and statuses are read by peer_challenges.domain.dates and peer_challenges.domain.status. Nothing is
guessed: what the document does not say stays null, and every doubt becomes a warning.

The package, in the order a document goes through it: ``readers`` (a file as text or rows; a Word
.docx through ``docx_xml`` (package checks, numbering) and ``docx`` (tables with merged cells, numbered
text); a PDF through ``pdf`` (pdfplumber: tables over pages, bad files refused) and ``pdf_lines``
(a cell's wrapped lines joined), else its pypdf text layer), ``grid`` (Word and PDF tables as grids of
cells: repeated headers, action rows, the draft), ``paragraphs`` (clean lines, paragraphs,
recommendation and label lines), ``headers`` (column names), ``tables`` (real tables), ``flattened``
(tables flattened to text), ``prose`` (recommendations in report text), ``facts`` (challenge facts),
``assembly`` (the draft, its warnings, its YAML) and ``pipeline`` (the entry points); ``common``
holds what they share.
"""

from __future__ import annotations

from peer_challenges.sources.extract.assembly import to_source_record, to_yaml
from peer_challenges.sources.extract.common import (CSV_EXTS, HEADER_HELP, HTML_EXTS, MAX_BYTES, PDF_EXTS,
                                                    SUPPORTED_EXTS, TEXT_EXTS, XLSX_EXTS, number_key)
from peer_challenges.sources.extract.headers import column_kind, find_header
from peer_challenges.sources.extract.pipeline import extract_file, extract_rows, extract_text
from peer_challenges.sources.extract.readers import html_to_text
from peer_challenges.sources.extract.tables import extract_table

__all__ = [
    "CSV_EXTS", "HEADER_HELP", "HTML_EXTS", "MAX_BYTES", "PDF_EXTS", "SUPPORTED_EXTS", "TEXT_EXTS", "XLSX_EXTS",
    "column_kind", "extract_file", "extract_rows", "extract_table", "extract_text", "find_header",
    "html_to_text", "number_key", "to_source_record", "to_yaml",
]
