"""The Contribute page's view model (peer_challenges.app.views.contribute) and the page through app.py
(AppTest), on the frozen fixture dataset: a pasted action plan for Brentwood's 2024-03 challenge, a new challenge
for a council with no source file, bad uploads refused with a reason, and nothing written to the data folder."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from peer_challenges.app.views import contribute as view
from peer_challenges.domain.errors import UserError
from peer_challenges.store.db import run_query
from tests.conftest import ROOT

SEED_PLAN = ROOT / "tests" / "fixtures" / "seeds" / "001_38b853c589099239.txt"
DOCX_PLAN = ROOT / "tests" / "fixtures" / "docx" / "action_plan.docx"
URL = "https://www.brentwood.gov.uk/corporate-peer-review"


def _tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode() + p.read_bytes())
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------- reading

def test_upload_reads_a_word_plan_and_names_no_server_path():
    draft = view.read_upload("Action plan (final).docx", DOCX_PLAN.read_bytes())
    assert [r["number"] for r in draft["recommendations"]] == ["1", "2", "3", "4", "5"]
    with pytest.raises(UserError) as err:
        view.read_upload("plan.docx", b"this is plain text, not a Word file")
    assert str(err.value).startswith("plan.docx: ") and "/tmp" not in str(err.value)


@pytest.mark.parametrize("name, data, expected", [
    ("plan.doc", b"x", "plan.doc: we cannot read .doc; send a PDF, Word (.docx)"),
    ("notes", b"x", "notes: we cannot read files without an extension"),
    ("big.pdf", b"%PDF-1.4" + b"0" * (20 * 1024 * 1024), "big.pdf: the file is 20.0 MB, over the 20 MB limit"),
    ("<b>x</b>.txt", b"", "b_.txt: the file is empty"),  # a path in the name: its last part
])
def test_bad_uploads_get_a_reason(name, data, expected):
    with pytest.raises(UserError) as err:
        view.read_upload(name, data)
    assert str(err.value).startswith(expected)


def test_a_zip_bomb_is_refused_before_it_is_opened():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"0" * (60 * 1024 * 1024))
    with pytest.raises(UserError, match="decompress"):
        view.read_upload("plan.docx", buf.getvalue())


def test_an_xlsx_bomb_or_a_protected_workbook_is_refused_before_it_is_opened():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    with pytest.raises(UserError, match=r"plan.xlsx: the part 'xl/worksheets/sheet1.xml' decompresses to more than "
                                        r"100 times its compressed size"):
        view.read_upload("plan.xlsx", buf.getvalue())
    with pytest.raises(UserError, match="plan.xlsx: this is not an .xlsx workbook: it is password-protected"):
        view.read_upload("plan.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)


def test_pasted_text_and_its_limits():
    draft = view.read_paste(SEED_PLAN.read_text(encoding="utf-8"))
    assert len(draft["recommendations"]) == 9
    with pytest.raises(UserError, match="Paste the document's text"):
        view.read_paste("   ")
    facts = view.facts_frame(view.read_paste("No recommendations here, only a note."))
    assert facts.set_index("Fact").loc["Recommendations found", "Found in the document"] == "0"
    assert facts.set_index("Fact").loc["Peer team on site from", "Found in the document"] == "not found"


def test_editor_round_trip_keeps_draft_rows_and_marks_added_ones():
    draft = view.read_paste(SEED_PLAN.read_text(encoding="utf-8"))
    frame = view.editor_frame(draft)
    assert list(frame.columns) == list(view.EDITOR_COLUMNS) and len(frame) == 9
    assert frame.loc[2, ["No.", "Target as written", "Status as written"]].tolist() == ["3", "May 24", "Complete"]
    edited = pd.concat([frame.drop(index=[1]), pd.DataFrame([{"No.": "10", "Title": "A new one"}], index=[9])])
    rows = view.frame_rows(edited, 9)
    assert [r["_draft_row"] for r in rows] == [0, 2, 3, 4, 5, 6, 7, 8, None]
    reading = view.reading_frame(rows, {})
    assert reading.iloc[1].tolist() == [2, "3", "May 2024", "Complete", "OK"]
    assert reading.iloc[-1]["Check"] == "OK" and reading.iloc[-1]["Target date"] == "none given"


# ---------------------------------------------------------------------------------------------- the result

def test_prepare_for_a_challenge_on_record(on_fixture):
    draft = view.read_paste(SEED_PLAN.read_text(encoding="utf-8"))
    rows = view.frame_rows(view.editor_frame(draft), 9)
    rows[6]["status_raw"] = "Ongoing"  # recommendation 7 moved from Complete
    before = _tree_digest(on_fixture)
    result = view.prepare(run_query, on_fixture, draft, rows, council_id="brentwood", month="2024-03",
                          source_url=URL, kind="action_plan", as_of="2025-01-31", file_name="plan.txt")
    assert _tree_digest(on_fixture) == before  # nothing written into the data folder
    assert result.merged_into_existing and result.path == "data/sources/brentwood/2024-03-corporate-peer-challenge.yaml"
    assert result.problems == [] and result.row_problems == {}
    assert result.changes.new_updates == [("7", "2025-01-31", "Ongoing")]
    changes = view.changes_frame(result.changes)
    assert changes.iloc[0].tolist() == ["New status update (added to the history)", "7", "Ongoing, as at 2025-01-31"]
    assert result.yaml_text.startswith("# Changes to data/sources/brentwood/2024-03-corporate-peer-challenge.yaml")


def test_prepare_a_new_challenge_and_problems_per_row(on_fixture):
    draft = view.read_upload("plan.docx", DOCX_PLAN.read_bytes())
    rows = view.frame_rows(view.editor_frame(draft), len(draft["recommendations"]))
    rows[1]["title"], rows[1]["text"] = None, None  # an emptied row is left out
    result = view.prepare(run_query, on_fixture, draft, rows, council_id="middlesbrough", month="2024-06",
                          source_url="https://www.middlesbrough.gov.uk/plan.docx", kind="action_plan",
                          as_of="31 March 2025", file_name="plan.docx")
    assert not result.merged_into_existing and result.file_name == "2024-06-corporate-peer-challenge.yaml"
    assert result.problems == []
    assert [r["number"] for r in result.record["recommendations"]] == ["1", "3", "4", "5"]
    assert result.record["council"]["name"] == "Middlesbrough"
    assert "A new challenge with 4 recommendations" in result.summary
    with pytest.raises(UserError, match="every record cites its source"):
        view.prepare(run_query, on_fixture, draft, rows, council_id="middlesbrough", month="2024-06",
                     source_url="not a url", kind="action_plan", as_of=None, file_name=None)


def test_council_choices_cover_the_register(on_fixture):
    ids, labels = view.council_options(run_query)
    assert len(ids) == len(run_query("explore__council_register"))  # every register council, once
    assert labels["barrow-in-furness"].startswith("Barrow-in-Furness") and "abolished 1 April 2023" in labels[
        "barrow-in-furness"]
    keys, ch_labels = view.challenge_options(run_query, "brentwood")
    assert keys == ["2024-03", "2021-11", view.NEW_CHALLENGE]
    assert ch_labels["2024-03"] == "On site 5 Mar 2024 (9 recommendations on record)"


PDF_FIXTURES = ROOT / "tests" / "fixtures" / "pdf"


@pytest.mark.parametrize("path, numbers, kind, month, first", [
    (DOCX_PLAN, ["1", "2", "3", "4", "5"], "action_plan", None, ("Q2 2025/26", None)),
    (PDF_FIXTURES / "action_plan.pdf", ["1", "2", "3", "4", "5"], "action_plan", None, ("Q2 2025/26", None)),
    (PDF_FIXTURES / "progress_report.pdf", [f"R{n}" for n in range(1, 7)], "progress_report", "2024-03",
     ("December 2024", "complete")),
    (PDF_FIXTURES / "feedback_report.docx", [str(n) for n in range(1, 8)], "feedback_report", "2025-06", (None, None)),
])
def test_each_kind_of_document_becomes_a_draft_and_a_file_that_builds(on_fixture, path, numbers, kind, month, first):
    """The browser's path (upload -> draft -> file): a Word action plan and its PDF export, a committee progress
    report PDF and an LGA feedback report in Word, each for a council with no challenge on record."""
    draft = view.read_upload(path.name, path.read_bytes())
    assert [r["number"] for r in draft["recommendations"]] == numbers
    assert view.suggested_kind(draft) == kind
    assert view.suggested_month(draft) == (month or "")
    rows = view.frame_rows(view.editor_frame(draft), len(numbers))
    read = view.co.read_row(rows[0])
    assert (rows[0]["target_raw"], read["status"]) == first
    result = view.prepare(run_query, on_fixture, draft, rows, council_id="middlesbrough", month=month or "2024-06",
                          source_url="https://www.middlesbrough.gov.uk/" + path.name, kind=kind,
                          as_of="31 March 2025", file_name=path.name)
    assert result.problems == [] and len(result.record["recommendations"]) == len(numbers)
    who = {u["assessed_by"] for r in result.record["recommendations"] for u in r["updates"]}
    assert who == (set() if kind == "feedback_report" else {"council"})  # a feedback report has no statuses
