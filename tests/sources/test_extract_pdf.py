"""extract: PDF action plans and reports read with pdfplumber, measured on the fixtures that
tests/fixtures/pdf/make_fixtures.py makes (Word documents exported to PDF by LibreOffice, committed
beside it) and on a few small files made here."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import by_number, load_fixture_builder

pytest.importorskip("pdfplumber")

from peer_challenges.cli import main  # noqa: E402
from peer_challenges.domain.errors import UserError  # noqa: E402
from peer_challenges.sources import extract as ex  # noqa: E402
from peer_challenges.sources.extract.pdf import read_pdf  # noqa: E402
from peer_challenges.sources.extract.pdf_lines import _join_lines, _Line  # noqa: E402
from peer_challenges.sources.extract.readers import _read_pdf  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "pdf"
WORD_PLAN = ROOT / "tests" / "fixtures" / "docx" / "action_plan.docx"


def _builder():
    return load_fixture_builder(FIXTURES / "make_fixtures.py", "make_pdf_fixtures")


# ------------------------------------------------------------------------------------------ action plan

def test_action_plan_table_runs_over_three_pages_as_one():
    content = read_pdf(FIXTURES / "action_plan.pdf")
    assert content.pages == 3
    assert len(content.tables) == 1
    table = content.tables[0]
    assert (table.pages, table.strategy) == ([1, 2, 3], "lines")
    # page 2 repeats the title and header rows, page 3 the header row: all three dropped
    assert table.dropped_header_rows == 3
    assert table.rows[0] == ["Action plan: Corporate Peer Challenge 2024", "", "", "", "", ""]
    assert len(set(table.cell_ids[0])) == 1  # the title row is one cell across the six columns
    # "Recomme" + "ndation": a word the narrow column broke, put back together
    assert table.rows[1] == ["Ref", "Recommendation", "Action", "Owner", "Timescale", "Status"]
    assert [r[0] for r in table.rows[2:]] == ["1.", "1.", "1.", "Theme 2: Financial sustainability",
                                             "2.", "2.", "3.", "4.", "4.", "5."]
    # recommendation 1 is one cell merged down over its three action rows
    assert len({ids[1] for ids in table.cell_ids[2:5]}) == 1 and len({ids[2] for ids in table.cell_ids[2:5]}) == 3
    # "medium-" + "term": a hyphen at a line end keeps the word whole
    assert table.rows[6][1] == "Agree a medium-term financial strategy that closes the budget gap."
    # recommendation 3's row breaks across the end of page 1: the rest of its Action cell, on page 2, joins it
    assert table.rows[8] == ["3.", "Strengthen the role of overview and scrutiny.",
                             "Review the scrutiny work programme\nTrain committeechairs", "Monitoring Officer",
                             "Ongoing", "On track"]
    assert content.prose.startswith("Stroud District Council\nCorporate Peer Challenge: action plan\n"
                                    "Position as at 31 March 2025.")


def test_action_plan_pdf_gives_what_its_word_file_gives():
    from_word, from_pdf = ex.extract_file(WORD_PLAN), ex.extract_file(FIXTURES / "action_plan.pdf")
    assert [r["number"] for r in from_pdf["recommendations"]] == ["1", "2", "3", "4", "5"]
    assert from_pdf["warnings"] == from_word["warnings"]
    for key in ("council", "challenge", "title", "as_of", "as_of_raw", "columns"):
        assert from_pdf[key] == from_word[key], key
    # the only differences: two one-word lines that happen to fill their narrow cell, followed by a word
    # in lower case, cannot be told from a word broken across lines ("committee" + "chairs")
    differs = {}
    for w, p in zip(from_word["recommendations"], from_pdf["recommendations"]):
        keys = sorted(k for k in set(w) | set(p) if w.get(k) != p.get(k))
        if keys:
            differs[w["number"]] = (keys, p["actions"])
    assert differs == {
        "3": (["action_rows", "actions"], "Review the scrutiny work programme\nTrain committeechairs"),
        "4": (["action_rows", "actions"], "Launch a leadershipdevelopment programme\nAgree a workforce strategy")}
    assert from_pdf["source"] == {**from_word["source"], "file": "action_plan.pdf"}


def test_action_plan_pdf_known_answers():
    recs = by_number(ex.extract_file(FIXTURES / "action_plan.pdf"))
    got = [(n, r["title"].split()[:3], r["target_raw"], r["target_date"], r["target_precision"], r["status_raw"],
            r["status"], r["accountable"], len(r["action_rows"])) for n, r in recs.items()]
    assert got == [
        ("1", ["Develop", "a", "shared"], "Q2 2025/26", "2025-09-30", "quarter", "Complete; On track; Not started",
         None, "Chief Executive; Head of Communications; Director of Resources", 3),
        ("2", ["Agree", "a", "medium-term"], "March 2025", "2025-03-31", "month", "Complete", "complete",
         "Chief Finance Officer", 2),
        ("3", ["Strengthen", "the", "role"], "Ongoing", None, None, "On track", "in_progress", "Monitoring Officer", 1),
        ("4", ["Invest", "in", "the"], "June 2025", "2025-06-30", "month", "Complete; On track", None, "Head of HR", 2),
        ("5", ["Improve", "the", "council's"], "September 2025", "2025-09-30", "month", "Not started", "not_started",
         "Head of Performance", 1)]
    assert [r["theme"] for r in recs.values()] == [None] + ["Financial sustainability"] * 4


# ------------------------------------------------------------------------------------------ progress report

def test_progress_report_known_answers():
    result = ex.extract_file(FIXTURES / "progress_report.pdf")
    recs = by_number(result)
    got = [(n, r["title"].split()[:2], r["target_raw"], r["target_date"], r["target_precision"], r["revised_target"],
            r["status_raw"], r["status"], r["rag"], r["responsible"], len(r["action_rows"])) for n, r in recs.items()]
    assert got == [
        ("R1", ["Set", "out"], "December 2024", "2024-12-31", "month", None, "Complete", "complete", None,
         "Chief Executive; Head of Policy and Performance", 2),
        ("R2", ["Develop", "a"], "March 2025", "2025-03-31", "month", None, "On track", "in_progress", None,
         "Chief Finance Officer", 1),
        ("R3", ["Strengthen", "overview"], "Q4 2024/25", "2025-03-31", "quarter", None, "Complete; On track", None,
         None, "Monitoring Officer; Democratic Services Manager", 3),
        ("R4", ["Invest", "in"], "June 2025", "2025-06-30", "month", "2025-12-31", "Delayed", "delayed", None,
         "Head of Human Resources", 1),
        ("R5", ["Improve", "the"], "TBC", None, None, None, "On track", "in_progress", None,
         "Head of Policy and Performance", 1),
        ("R6", ["Work", "with"], "September 2025", "2025-09-30", "month", "2026-03-31", "Complete; Delayed", None, None,
         "Director of Place", 2)]
    # status words in the RAG column count as the status of each action row
    assert [[a["status"] for a in r["action_rows"]] for r in recs.values()] == [
        ["complete", "complete"], ["in_progress"], ["complete", "complete", "in_progress"], ["delayed"],
        ["in_progress"], ["complete", "delayed"]]
    assert result["warnings"] == [
        "recommendation R1: its action rows give different timescales (July 2024; December 2024); the latest, "
        "'December 2024', is the target",
        "recommendation R3: its action rows give different timescales (September 2024; December 2024; Q4 2024/25); "
        "the latest, 'Q4 2024/25', is the target",
        "recommendation R3: its action rows have different statuses (Complete; On track); status left null",
        "recommendation R6: its action rows give different timescales (October 2024; September 2025); the latest, "
        "'September 2025', is the target",
        "recommendation R6: its action rows have different statuses (Complete; Delayed); status left null"]
    assert result["council"]["name"] == "Northfield Borough Council"
    assert result["source"]["kind"] == "committee_report"
    assert {k: v for k, v in result["challenge"].items() if v} == {
        "kind": "corporate_peer_challenge", "onsite_start": "2024-03-04", "onsite_start_precision": "day",
        "onsite_end": "2024-03-07", "onsite_end_precision": "day", "people_met": 140, "people_met_lower_bound": True,
        "recommendations_total": 6}
    assert result["columns"] == {"ref": "Ref", "text": "Recommendation", "action": "Action",
                                 "responsible": "Lead officer", "target": "Target date",
                                 "revised_target": "Revised target", "rag": "RAG", "position": "Progress update"}
    # a cell's own line break is kept, its wrapped lines are joined
    assert recs["R1"]["position"] == ("The Council Plan was agreed by Full Council on 16 July 2024 after a six-week "
                                      "public consultation.\nThe delivery plan was published in December 2024.\n"
                                      "Measures are reported to Cabinet each quarter.")


def test_row_broken_across_the_page_end_is_put_back_together():
    content = read_pdf(FIXTURES / "progress_report.pdf")
    table = content.tables[0]
    assert (table.pages, table.dropped_header_rows, len(table.rows)) == ([2, 3], 1, 11)
    # recommendation 6's second action row starts at the foot of page 2 and ends at the top of page 3
    # ("Septembe" | "r 2025" included)
    assert table.rows[-1] == ["R6", "Work with partners on a shared plan for the regeneration of the town centre.",
                              "Agree a town centre investment plan with the partnership board", "Director of Place",
                              "September 2025", "March 2026", "Delayed",
                              "The plan is waiting for the outcome of the government's funding decision, now "
                              "expected in autumn 2025."]


def test_progress_report_word_and_pdf_give_the_same_draft():
    from_word = ex.extract_file(FIXTURES / "progress_report.docx")
    from_pdf = ex.extract_file(FIXTURES / "progress_report.pdf")
    assert from_pdf["recommendations"] == from_word["recommendations"]
    for key in ("council", "challenge", "title", "as_of", "columns", "warnings"):
        assert from_pdf[key] == from_word[key], key
    assert [r["text"] for r in from_pdf["recommendations"]] == [rec for _, rec, _ in _builder().PROGRESS]


# ------------------------------------------------------------------------------------------ feedback report

def test_feedback_report_numbers_come_from_the_pdf_text():
    from_pdf = ex.extract_file(FIXTURES / "feedback_report.pdf")
    assert read_pdf(FIXTURES / "feedback_report.pdf").tables == []  # prose only: read through the text layer
    assert [(r["number"], r["text"]) for r in from_pdf["recommendations"]] == [
        (str(k), text) for k, text in enumerate(_builder().FEEDBACK_RECS, start=1)]
    assert from_pdf["recommendations"][1]["title"] == ("Put the medium-term financial plan on a sustainable footing "
                                                       "by agreeing savings for…")
    assert {k: v for k, v in from_pdf["challenge"].items() if v} == {
        "kind": "corporate_peer_challenge", "onsite_start": "2025-06-10", "onsite_start_precision": "day",
        "onsite_end": "2025-06-13", "onsite_end_precision": "day", "people_met": 150, "people_met_lower_bound": True,
        "meetings_held": 40, "meetings_held_lower_bound": True, "recommendations_total": 7}
    assert (from_pdf["council"]["name"], from_pdf["source"]["kind"]) == ("Northfield Borough Council",
                                                                         "lga_feedback_report")
    assert from_pdf["warnings"] == []
    from_word = ex.extract_file(FIXTURES / "feedback_report.docx")
    assert from_pdf["recommendations"] == from_word["recommendations"]
    assert (from_pdf["challenge"], from_pdf["council"], from_pdf["title"]) == (
        from_word["challenge"], from_word["council"], from_word["title"])


# ------------------------------------------------------------------------------------------ unruled table

def test_unruled_table_is_read_from_the_alignment_of_its_words():
    content = read_pdf(FIXTURES / "unruled_plan.pdf")
    assert [(t.strategy, t.pages) for t in content.tables] == [("text", [1])]
    assert content.tables[0].rows[:4] == [
        ["Ref", "Recommendation", "Lead", "Timescale", "Status"],
        ["1", "Agree a set of corporate priorities and publish them in a new corporate plan.", "Chief Executive",
         "March 2025", "Complete"],
        ["2", "Set a balanced budget for 2025/26 and a savings plan for the two years after it.",
         "Chief Finance Officer", "February 2025", "Complete"],
        ["", "", "Chief Finance Officer", "2026/27", "On track"]]
    # the sentence under the table is not a row of it
    assert content.prose.endswith("Position as at 30 June 2025.\nThe plan is reviewed by Cabinet every six months.")
    result = ex.extract_file(FIXTURES / "unruled_plan.pdf")
    got = [(r["number"], r["target_raw"], r["target_date"], r["target_precision"], r["status"], r["accountable"],
            len(r.get("action_rows") or [])) for r in result["recommendations"]]
    assert got == [
        ("1", "March 2025", "2025-03-31", "month", "complete", "Chief Executive", 0),
        ("2", "2026/27", "2027-03-31", "year", None, "Chief Finance Officer", 2),
        ("3", "June 2025", "2025-06-30", "month", "delayed", "Monitoring Officer", 0),
        ("4", "Q2 2025/26", "2025-09-30", "quarter", "in_progress", "Head of Communications", 0),
        ("5", "Before the May 2026 elections", None, None, "not_started", "Democratic Services Manager", 0)]
    # a timescale that is not a date is kept as written, and flagged
    assert result["warnings"][-1] == ("recommendation 5: target 'Before the May 2026 elections' is not a date the "
                                      "importer can read for certain; target_date left null")
    assert (result["as_of"], result["council"]["name"]) == ("2025-06-30", "Westbury District Council")


def test_unruled_table_over_two_pages_with_cells_centred_top_to_bottom(tmp_path):
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 8, "Eastshire County Council - action plan", new_x="LMARGIN", new_y="NEXT")
    statuses = ["Complete", "On track", "Delayed"]
    with pdf.table(borders_layout="NONE", col_widths=(10, 80, 25, 25, 25), line_height=5, padding=2) as table:
        for values in [["Ref", "Recommendation", "Lead officer", "Target date", "Status"]] + [
                [str(n), f"Recommendation number {n}, long enough to wrap onto a second line in its column.",
                 "Head of Service", f"{['March', 'June', 'September'][n % 3]} 2026", statuses[n % 3]]
                for n in range(1, 31)]:
            row = table.row()
            for value in values:
                row.cell(value)  # fpdf2 centres a cell's text top to bottom: each Ref sits on its row's 2nd line
    path = tmp_path / "plan.pdf"
    pdf.output(str(path))
    content = read_pdf(path)
    assert content.pages == 2
    assert [(t.strategy, t.pages, len(t.rows), t.dropped_header_rows) for t in content.tables] == [
        ("text", [1, 2], 31, 1)]
    result = ex.extract_file(path)
    assert result["warnings"] == []
    got = [(r["number"], r["text"], r["responsible"], r["target_raw"], r["status"]) for r in result["recommendations"]]
    assert got == [
        (str(n), f"Recommendation number {n}, long enough to wrap onto a second line in its column.", "Head of Service",
         f"{['March', 'June', 'September'][n % 3]} 2026", ["complete", "in_progress", "delayed"][n % 3])
        for n in range(1, 31)]


# ------------------------------------------------------------------------------------------ a long report

def test_long_report_over_twenty_pages():
    content = read_pdf(FIXTURES / "long_progress.pdf")
    assert content.pages == 20
    assert [(t.pages, t.dropped_header_rows) for t in content.tables] == [(list(range(1, 21)), 19)]
    result = ex.extract_file(FIXTURES / "long_progress.pdf")
    plan = _builder().long_plan()
    assert len(result["recommendations"]) == len(plan) == 57
    got = [(r["number"], r["text"], r["position"], [(a["text"], a["owner"], a["target_raw"], a["status_raw"])
                                                   for a in r["action_rows"]]) for r in result["recommendations"]]
    expected = [(ref, rec, "\n".join(row[5] for row in rows), [(row[0], row[1], row[2], row[4]) for row in rows])
                for ref, rec, rows in plan]
    assert got == expected
    assert sum(1 for r in result["recommendations"] if len(r["action_rows"]) == 2) == 19


# ------------------------------------------------------------------------------------------ nothing found

LOOKED_FOR = ("looked for: a table with a header row naming the columns, e.g. Ref | Recommendation | Owner | "
              "Timescale | Status (Due by, Lead officer, RAG rating ... also work); 'Recommendation N' headings or "
              "lines; and numbered or bulleted lists under a 'Key recommendations' heading")


def test_table_whose_columns_are_not_recognised():
    result = ex.extract_file(FIXTURES / "unrecognised_columns.pdf")
    assert result["recommendations"] == []
    assert result["warnings"] == [
        "no recommendations found",
        LOOKED_FOR + "; the PDF has 1 table, none with such a header (the first, on page 1, starts with the row: "
                     "Topic | Detail | Person responsible | Month)"]


def test_document_without_recommendations():
    result = ex.extract_file(FIXTURES / "no_recommendations.pdf")
    assert result["recommendations"] == []
    assert result["warnings"] == ["no recommendations found", LOOKED_FOR + "; the PDF has no tables"]
    assert result["council"]["name"] == "Northfield Borough Council"


# ------------------------------------------------------------------------------------------ bad files

BAD = {
    "encrypted.pdf": "the PDF is encrypted (it needs a password to open); expected an unprotected PDF: save a copy "
                     "without the password",
    "scanned.pdf": "the PDF has no text layer (a scanned image?); run it through OCR first, or copy its text into a "
                   ".txt file",
    "not_a_pdf.pdf": "this is not a PDF: it is a Word .docx document with a .pdf name (rename it .docx to read it "
                     "as one)",
    "truncated.pdf": "not a readable PDF: the file is cut short or damaged (it has no end-of-file marker; an "
                     "incomplete download?); download or export it again",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_pdf_is_a_one_line_user_error(name, capsys):
    path = FIXTURES / name
    with pytest.raises(UserError) as err:
        ex.extract_file(path)
    assert str(err.value) == f"{path}: {BAD[name]}"
    assert main(["extract", str(path)]) == 2
    out, errtext = capsys.readouterr()
    assert out == "" and errtext == f"error: {path}: {BAD[name]}\n"


@pytest.mark.parametrize("data, message", [
    (b"<!DOCTYPE html><html><body>Action plan</body></html>",
     "it is a web page (HTML) with a .pdf name; save the page's PDF, or read it as .html"),
    (b"Recommendation 1: agree a plan.\n", "it is a text file with a .pdf name; read it as .txt"),
    (b"\x89PNG\r\n\x1a\n" + bytes(64), "it is a picture with a .pdf name; it needs OCR"),
    (bytes.fromhex("D0CF11E0A1B11AE1") + bytes(64),
     "it is an Office file in the old format (.doc, .xls) or a protected Office file, with a .pdf name"),
])
def test_other_files_with_a_pdf_name(tmp_path, data, message):
    path = tmp_path / "plan.pdf"
    path.write_bytes(data)
    with pytest.raises(UserError) as err:
        ex.extract_file(path)
    assert str(err.value) == f"{path}: this is not a PDF: {message}"


def test_pdf_encrypted_without_a_user_password_is_read(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(str(FIXTURES / "unruled_plan.pdf")))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")  # printing, copying limits only
    path = tmp_path / "restricted.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    assert [r["number"] for r in ex.extract_file(path)["recommendations"]] == ["1", "2", "3", "4", "5"]


# ------------------------------------------------------------------------------------------ PDFs without tables

def test_pdf_without_tables_reads_its_text_layer_as_before(tmp_path):
    fpdf = pytest.importorskip("fpdf")
    seed = (ROOT / "tests" / "fixtures" / "seeds" / "001_38b853c589099239.txt").read_text(encoding="utf-8")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for line in seed.translate({0x2019: "'", 0x2013: "-"}).encode("latin-1", "replace").decode("latin-1").split("\n"):
        if line.strip():
            pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "plan.pdf"
    pdf.output(str(path))
    assert read_pdf(path).tables == []  # a table flattened to text lines: no ruled or aligned columns
    assert ex.extract_file(path) == ex.extract_text(_read_pdf(path), source_name="plan.pdf", ext=".pdf")


# ------------------------------------------------------------------------------------------ wrapped lines

def _line(x0: float, text: str, top: float, size: float = 10.0, char_w: float = 5.0) -> _Line:
    words, x = [], x0
    for word in text.split():
        chars = [{"x0": x + k * char_w, "x1": x + (k + 1) * char_w} for k in range(len(word))]
        words.append({"text": word, "x0": x, "x1": x + len(word) * char_w, "top": top, "bottom": top + size,
                      "size": size, "chars": chars})
        x += (len(word) + 0.5) * char_w
    return _Line(words)


def test_wrapped_lines_of_a_cell_are_joined_by_what_the_layout_did():
    # a cell from x=100 to x=200, its text from 105 to 195 (18 characters of 5 points)
    def join(*texts: str) -> str:
        return _join_lines([_line(105, t, 10 + 12 * k) for k, t in enumerate(texts)], 100, 200, 0.25)

    assert join("Agree the medium-", "term plan") == "Agree the medium-term plan"  # hyphen kept, no space
    assert join("Agree the plan - ", "then publish it") == "Agree the plan - then publish it"  # a dash stays apart
    assert join("Recommendationxxxx", "ndation") == "Recommendationxxxxndation"  # one word filling the line
    assert join("Officers and staff", "will work") == "Officers and staff will work"  # "will" did not fit
    assert join("Done.", "Next steps") == "Done.\nNext steps"  # "Next" would have fitted: a line break
    assert join("Recommendationxxxx", "a plan") == "Recommendationxxxx a plan"  # "a" is a word of its own
