"""extract: Word .docx action plans and reports, measured on the fixtures that
tests/fixtures/docx/make_fixtures.py builds with python-docx (committed beside it) and on small
documents built here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import by_number, load_fixture_builder
import yaml

docx = pytest.importorskip("docx")
from docx.oxml import parse_xml  # noqa: E402
from docx.oxml.ns import nsdecls, qn  # noqa: E402

from peer_challenges.cli import main  # noqa: E402
from peer_challenges.domain.errors import UserError  # noqa: E402
from peer_challenges.sources import extract as ex  # noqa: E402
from peer_challenges.sources import schema  # noqa: E402
from peer_challenges.sources.extract.docx import read_docx  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "docx"
PLAN = FIXTURES / "action_plan.docx"
NUMBERED = FIXTURES / "numbered_recs.docx"


def _load_builder():
    return load_fixture_builder(FIXTURES / "make_fixtures.py", "make_docx_fixtures")


# ------------------------------------------------------------------------------------------ action plan

def test_action_plan_merged_recommendations_become_one_each():
    result = ex.extract_file(PLAN, council_id="stroud")
    recs = by_number(result)
    assert list(recs) == ["1", "2", "3", "4", "5"]
    assert [r["text"] for r in result["recommendations"]] == [
        "Develop a shared long-term vision for the district with partners and residents.",
        "Agree a medium-term financial strategy that closes the budget gap.",
        "Strengthen the role of overview and scrutiny.",
        "Invest in the skills of the workforce.",
        "Improve the council's use of performance data."]
    assert recs["1"]["title"] == "Develop a shared long-term vision for the district with partners and residents"
    # target = the latest action's timescale, as written and parsed; statuses as the existing rules map them
    got = [(n, r["target_raw"], r["target_date"], r["target_precision"], r["status"], r["status_raw"],
            len(r["action_rows"])) for n, r in recs.items()]
    assert got == [
        ("1", "Q2 2025/26", "2025-09-30", "quarter", None, "Complete; On track; Not started", 3),
        ("2", "March 2025", "2025-03-31", "month", "complete", "Complete", 2),
        ("3", "Ongoing", None, None, "in_progress", "On track", 1),
        ("4", "June 2025", "2025-06-30", "month", None, "Complete; On track", 2),
        ("5", "September 2025", "2025-09-30", "month", "not_started", "Not started", 1)]
    assert [r["accountable"] for r in result["recommendations"]] == [
        "Chief Executive; Head of Communications; Director of Resources", "Chief Finance Officer",
        "Monitoring Officer", "Head of HR", "Head of Performance"]
    assert recs["1"]["actions"] == ("Draft a new council plan with the Leader and Cabinet\n"
                                    "Consult residents and partners on the draft plan\n"
                                    "Embed the plan in service plans and appraisals")
    assert recs["3"]["actions"] == "Review the scrutiny work programme\nTrain committee chairs"
    assert [r["theme"] for r in result["recommendations"]] == [None] + ["Financial sustainability"] * 4
    assert result["warnings"] == [
        "recommendation 1: its action rows give different timescales (March 2025; Q2 2025/26; Ongoing); "
        "the latest, 'Q2 2025/26', is the target",
        "recommendation 1: its action rows have different statuses (Complete; On track; Not started); "
        "status left null",
        "recommendation 2: its action rows give different timescales (December 2024; March 2025); "
        "the latest, 'March 2025', is the target",
        "recommendation 4: its action rows give different timescales (Q4 2024/25; June 2025); "
        "the latest, 'June 2025', is the target",
        "recommendation 4: its action rows have different statuses (Complete; On track); status left null"]


def test_action_plan_keeps_each_action_row():
    recs = by_number(ex.extract_file(PLAN))
    assert recs["1"]["action_rows"] == [
        {"text": "Draft a new council plan with the Leader and Cabinet", "owner": "Chief Executive",
         "target_raw": "March 2025", "target_date": "2025-03-31", "target_precision": "month",
         "status_raw": "Complete", "status": "complete"},
        {"text": "Consult residents and partners on the draft plan", "owner": "Head of Communications",
         "target_raw": "Q2 2025/26", "target_date": "2025-09-30", "target_precision": "quarter",
         "status_raw": "On track", "status": "in_progress"},
        {"text": "Embed the plan in service plans and appraisals", "owner": "Director of Resources",
         "target_raw": "Ongoing", "target_date": None, "target_precision": None,
         "status_raw": "Not started", "status": "not_started"}]
    assert [(a["target_raw"], a["status"]) for a in recs["4"]["action_rows"]] == [
        ("Q4 2024/25", "complete"), ("June 2025", "in_progress")]
    assert [a["owner"] for a in recs["2"]["action_rows"]] == ["Chief Finance Officer"] * 2


def test_action_plan_document_facts():
    result = ex.extract_file(PLAN, council_id="stroud")
    assert result["council"] == {"council_id": "stroud", "name": "Stroud District Council"}
    assert (result["as_of"], result["as_of_raw"]) == ("2025-03-31", "31 March 2025")
    assert result["challenge"]["recommendations_total"] == 5
    assert result["source"]["file"] == "action_plan.docx"
    assert result["columns"] == {"ref": "Ref", "text": "Recommendation", "action": "Action",
                                 "accountable": "Owner", "target": "Timescale", "status": "Status"}


def test_read_docx_resolves_merged_cells_and_the_continued_table():
    content = read_docx(PLAN)
    assert len(content.tables) == 1  # the second table continues the first: joined
    table = content.tables[0]
    assert table.dropped_header_rows == 1  # its repeated header row
    assert len(table.rows) == 12  # title, header, 3 + theme + 2 + 1 rows, then 2 + 1
    # the title row spans the six columns (gridSpan): its text once, one cell
    assert table.rows[0] == ["Action plan: Corporate Peer Challenge 2024", "", "", "", "", ""]
    assert len(set(table.cell_ids[0])) == 1
    assert table.rows[1] == ["Ref", "Recommendation", "Action", "Owner", "Timescale", "Status"]
    # recommendation 1 is one Word cell merged down over three rows (w:vMerge): its text on each row
    rows_1 = table.rows[2:5]
    assert {r[1] for r in rows_1} == {"Develop a shared long-term vision for the district with partners and residents."}
    assert len({ids[1] for ids in table.cell_ids[2:5]}) == 1 and len({ids[2] for ids in table.cell_ids[2:5]}) == 3
    # the Ref column is auto-numbered: the numbers come from the numbering part, across both tables
    assert [r[0] for r in table.rows[2:]] == ["1.", "1.", "1.", "Theme 2: Financial sustainability",
                                             "2.", "2.", "3.", "4.", "4.", "5."]
    assert content.text.count("Ref\tRecommendation\tAction") == 1
    assert "## Monitoring" in content.text.splitlines()


def test_yaml_draft_of_the_action_plan_is_in_the_source_format():
    record = yaml.safe_load(ex.to_yaml(ex.extract_file(PLAN, council_id="stroud")))
    record["council"].update(council_type="district", region="South West")
    schema.SourceFile(**record)
    recs = {r["number"]: r for r in record["recommendations"]}
    assert recs["1"]["target_raw"] == "Q2 2025/26"
    assert recs["1"]["updates"][0]["note"].splitlines() == [
        "Draft a new council plan with the Leader and Cabinet", "Consult residents and partners on the draft plan",
        "Embed the plan in service plans and appraisals"]
    assert recs["2"]["updates"][0]["status"] == "complete"


# ------------------------------------------------------------------------------------------ numbered list

def test_numbered_list_recommendations_get_their_numbers():
    result = ex.extract_file(NUMBERED, council_id="stroud")
    assert [r["number"] for r in result["recommendations"]] == ["1", "2", "3", "4", "5", "6"]
    builder = _load_builder()
    texts = list(builder.KEY_RECS)
    texts[2] += "\n- succession planning for senior posts;\n- a programme of apprenticeships."
    assert [r["text"] for r in result["recommendations"]] == texts
    assert result["warnings"] == []
    assert result["challenge"]["recommendations_total"] == 6
    assert (result["challenge"]["onsite_start"], result["challenge"]["onsite_end"]) == ("2025-03-10", "2025-03-12")
    assert result["source"]["kind"] == "lga_feedback_report"
    assert result["council"]["name"] == "Stroud District Council"


def test_numbers_are_not_in_the_text_but_resolved_from_the_numbering():
    content = read_docx(NUMBERED)
    items = [p for p in content.paragraphs if p.label]
    key = [p for p in items if p.text in _load_builder().KEY_RECS]
    assert [p.label for p in key] == ["1.", "2.", "3.", "4.", "5.", "6."]
    assert not any(p.text[:1].isdigit() for p in items)
    lines = content.text.splitlines()
    assert "# Key recommendations" in lines and "## Summary of the peer challenge approach" in lines
    assert "1. Develop a shared long-term vision for the district with partners and residents." in lines
    assert ["    a) succession planning for senior posts;", "    b) a programme of apprenticeships."] == [
        ln for ln in lines if ln.startswith("    ") and ")" in ln]
    # a list of the same definition restarted with a startOverride, a legal-style list, and a list
    # that continues the count of its definition
    assert [(p.label, p.text) for p in items[8:]] == [
        ("1.", "Publish the report on the council's website."),
        ("2.", "Agree an action plan within eight weeks."),
        ("1.", "The peer team read the council's documents."),
        ("1.1", "They met councillors, staff and partners."),
        ("2.", "They presented their feedback on the last day."),
        ("3.", "Hold a progress review in 2026.")]


# ------------------------------------------------------------------------------------------ nothing found

def test_document_without_recommendations_gives_an_empty_draft_with_what_was_looked_for():
    result = ex.extract_file(FIXTURES / "no_recommendations.docx")
    assert result["recommendations"] == []
    assert result["warnings"][0] == "no recommendations found"
    assert result["warnings"][1].startswith("looked for: a table with a header row naming the columns, e.g. "
                                            "Ref | Recommendation | Owner | Timescale | Status")
    assert result["warnings"][1].endswith("'Key recommendations' heading; the document has 1 table, none "
                                          "with such a header")


BAD = {
    "empty.docx": "no text in the Word document",
    "not_a_zip.docx": "this is not a Word .docx file: it is not a zip package",
    "spreadsheet.docx": "this is not a Word .docx file: it is an Excel workbook with a .docx name",
    "encrypted.docx": "this is not a Word .docx file: it is password-protected (an encrypted Office file); "
                      "save an unprotected copy",
    "bomb_ratio.docx": "the part 'word/media/padding.bin' decompresses to more than 100 times its compressed size",
    "bomb_declared.docx": "the .docx decompresses to more than 200 MB (2,862 MB declared)",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_docx_is_a_one_line_user_error(name, capsys):
    path = FIXTURES / name
    with pytest.raises(UserError) as err:
        ex.extract_file(path)
    message = str(err.value)
    assert message.startswith(f"{path}: ") and BAD[name] in message
    assert main(["extract", str(path)]) == 2
    out, errtext = capsys.readouterr()
    assert out == "" and errtext == f"error: {message}\n"


def test_bombs_are_refused_before_python_docx_opens_them(monkeypatch):
    monkeypatch.setattr(docx, "Document", lambda *a, **k: pytest.fail("python-docx opened a zip bomb"))
    for name in ("bomb_ratio.docx", "bomb_declared.docx", "encrypted.docx", "not_a_zip.docx"):
        with pytest.raises(UserError):
            read_docx(FIXTURES / name)


def test_other_files_with_a_docx_name(tmp_path):
    cases = {
        b"%PDF-1.4\n%...": "it is a PDF with a .docx name",
        b"{\\rtf1\\ansi hello}": "it is an RTF document with a .docx name",
        b"PK\x03\x04 not really a word file": "a damaged or incomplete zip package",
        bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504) + "WordDocument".encode("utf-16-le") + bytes(100):
            "it is an old Word 97-2003 .doc file with a .docx name",
    }
    for k, (data, message) in enumerate(cases.items()):
        path = tmp_path / f"f{k}.docx"
        path.write_bytes(data)
        with pytest.raises(UserError, match="this is not a Word .docx file: " + message.replace(".", r"\.")):
            ex.extract_file(path)


def test_doc_odt_rtf_keep_the_save_as_hint(tmp_path):
    for ext in (".doc", ".odt", ".rtf"):
        path = tmp_path / f"plan{ext}"
        path.write_bytes(b"x")
        with pytest.raises(UserError, match=r"unsupported file type '\%s' \(save it as PDF or text\)" % ext):
            ex.extract_file(path)
    assert ".docx" in ex.SUPPORTED_EXTS


# ------------------------------------------------------------------------------------------ CLI

def test_cli_json_draft_of_a_docx():
    proc = subprocess.run([sys.executable, "-m", "peer_challenges", "extract", str(PLAN), "--council", "stroud",
                           "--json"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["council"]["council_id"] == "stroud"
    assert [r["number"] for r in data["recommendations"]] == ["1", "2", "3", "4", "5"]
    first = data["recommendations"][0]
    assert (first["target_raw"], first["target_date"], len(first["action_rows"])) == ("Q2 2025/26", "2025-09-30", 3)


# ------------------------------------------------------------------------------------------ fixtures

def test_make_fixtures_builds_what_is_committed(tmp_path):
    built = {p.name: p for p in _load_builder().build(tmp_path)}
    assert sorted(built) == sorted(p.name for p in FIXTURES.glob("*.docx"))
    for name in ("action_plan.docx", "numbered_recs.docx", "no_recommendations.docx"):
        fresh, committed = read_docx(built[name]), read_docx(FIXTURES / name)
        assert fresh.text == committed.text
        assert [t.rows for t in fresh.tables] == [t.rows for t in committed.tables]
    for name in BAD:
        with pytest.raises(UserError) as fresh:
            ex.extract_file(built[name])
        with pytest.raises(UserError) as committed:
            ex.extract_file(FIXTURES / name)
        assert str(fresh.value).split(": ", 1)[1] == str(committed.value).split(": ", 1)[1]


# ------------------------------------------------------------------------------------------ small documents

def _docx_from_body(path: Path, body_xml: str) -> Path:
    """A .docx whose body is the given WordprocessingML (the section properties kept)."""
    document = docx.Document()
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    sect = body.find(qn("w:sectPr"))
    parsed = parse_xml(f'<w:body {nsdecls("w")}>{body_xml}</w:body>')
    for el in list(parsed):
        sect.addprevious(el)
    document.save(path)
    return path


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space='preserve'>{text}</w:t></w:r></w:p>"


def _tc(text: str = "", props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{_p(text) if text else '<w:p/>'}</w:tc>"


def test_visible_text_only_tracked_insertions_links_and_content_controls(tmp_path):
    body = ("<w:p><w:r><w:t xml:space='preserve'>Keep </w:t></w:r>"
            "<w:ins w:id='1' w:author='a'><w:r><w:t xml:space='preserve'>inserted </w:t></w:r></w:ins>"
            "<w:del w:id='2' w:author='a'><w:r><w:delText>deleted </w:delText></w:r></w:del>"
            "<w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden </w:t></w:r>"
            "<w:hyperlink w:anchor='x'><w:r><w:t>linked</w:t></w:r></w:hyperlink>"
            "<w:sdt><w:sdtPr/><w:sdtContent><w:r><w:t xml:space='preserve'> text</w:t></w:r></w:sdtContent></w:sdt>"
            "</w:p>"
            "<w:sdt><w:sdtPr/><w:sdtContent>" + _p("In a content control") + "</w:sdtContent></w:sdt>")
    content = read_docx(_docx_from_body(tmp_path / "t.docx", body))
    assert [p.text for p in content.paragraphs] == ["Keep inserted linked text", "In a content control"]


def test_grid_before_and_a_merge_that_does_not_line_up(tmp_path):
    body = ("<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
            "<w:tr>" + _tc("Ref") + _tc("Recommendation") + _tc("Status") + "</w:tr>"
            "<w:tr>" + _tc("1") + _tc("Agree a plan", "<w:vMerge w:val='restart'/><w:gridSpan w:val='2'/>") + "</w:tr>"
            # merged down from the cell above (same grid offset and span)
            "<w:tr>" + _tc("") + _tc("", "<w:vMerge/><w:gridSpan w:val='2'/>") + "</w:tr>"
            # a continue cell where the row above has no cell starting at its column: it stands alone
            "<w:tr>" + _tc("2") + _tc("Fix the roof") + _tc("", "<w:vMerge/>") + "</w:tr>"
            # a row that starts one grid column late
            "<w:tr><w:trPr><w:gridBefore w:val='1'/></w:trPr>" + _tc("Mend the fence") + _tc("On track") + "</w:tr>"
            "</w:tbl>")
    table = read_docx(_docx_from_body(tmp_path / "t.docx", body)).tables[0]
    assert table.rows == [["Ref", "Recommendation", "Status"], ["1", "Agree a plan", ""], ["", "Agree a plan", ""],
                          ["2", "Fix the roof", ""], ["", "Mend the fence", "On track"]]
    assert table.cell_ids[1][1:] == table.cell_ids[2][1:] and table.cell_ids[4][0] == -1


def test_recommendation_merged_down_with_the_ref_only_on_its_first_row(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=4, cols=4)
    for cell, value in zip(table.rows[0].cells, ["Ref", "Recommendation", "Lead officer", "Status"]):
        cell.text = value
    table.rows[1].cells[0].text = "R1"
    table.cell(1, 1).merge(table.cell(2, 1)).text = "Do a thing"
    for r, (lead, status) in enumerate([("Head of Planning", "Complete"), ("Head of Finance", "Completed")], 1):
        table.rows[r].cells[2].text, table.rows[r].cells[3].text = lead, status
    table.rows[3].cells[0].text, table.rows[3].cells[1].text, table.rows[3].cells[3].text = \
        "R2", "Another thing", "In progress"
    path = tmp_path / "plan.docx"
    document.save(path)
    result = ex.extract_file(path)
    assert [(r["number"], r["text"], r["responsible"], r["status"]) for r in result["recommendations"]] == [
        ("R1", "Do a thing", "Head of Planning; Head of Finance", "complete"),
        ("R2", "Another thing", None, "in_progress")]
    recs = by_number(result)
    assert [a["owner"] for a in recs["R1"]["action_rows"]] == ["Head of Planning", "Head of Finance"]
    assert "action_rows" not in recs["R2"]  # one row and no Actions column: nothing more to keep
    assert result["warnings"] == []


def test_recommendation_headings_in_a_report_go_through_the_text(tmp_path):
    document = docx.Document()
    document.add_heading("Progress against the recommendations", level=1)
    document.add_heading("Recommendation 1: Finance", level=2)
    document.add_paragraph("Agree a balanced budget for 2025/26.")
    document.add_paragraph("Target: March 2025")
    document.add_paragraph("Status: Complete")
    document.add_heading("Recommendation 2: Scrutiny", level=2)
    document.add_paragraph("Strengthen overview and scrutiny.")
    document.add_paragraph("Status: On track")
    for text in ("Draft the plan", "Consult on it"):
        document.add_paragraph(text, style="List Number")  # the template's numbered style (numPr on the style)
    path = tmp_path / "report.docx"
    document.save(path)
    assert "1. Draft the plan\n\n2. Consult on it" in read_docx(path).text
    result = ex.extract_file(path)
    assert [(r["number"], r["title"], r["target_date"], r["status"]) for r in result["recommendations"]] == [
        ("1", "Finance", "2025-03-31", "complete"), ("2", "Scrutiny", None, "in_progress")]


def test_uppercase_extension_is_read(tmp_path):
    path = tmp_path / "PLAN.DOCX"
    path.write_bytes(PLAN.read_bytes())
    assert len(ex.extract_file(path)["recommendations"]) == 5
