"""extract: draft source records from reports and action plans, measured on the seeds and on
documents written for these tests (fixtures/extract/ and files generated in tmp_path)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

import pytest

from tests.conftest import by_number
import yaml

from peer_challenges.cli import extract as extract_cli
from peer_challenges.cli import import_plan as import_plan_cli
from peer_challenges.sources import extract as ex
from peer_challenges.sources import schema
from peer_challenges.domain.errors import UserError

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "extract"
SEED_001 = SEEDS / "001_38b853c589099239.txt"
SEED_002 = SEEDS / "002_49c2ae1b04875b3a.txt"
SEED_003 = SEEDS / "003_62dcf9710bbd46fa.txt"


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """Run one command the way peer_challenges.__main__ does (UserError -> one line, exit 2)."""
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    extract_cli.register(sub)
    import_plan_cli.register(sub)
    args = parser.parse_args(argv)
    try:
        code = args.func(args)
    except UserError as err:
        print(f"error: {err}", file=__import__("sys").stderr)
        code = 2
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------------------------------------ seeds

def test_seed_001_flattened_action_plan():
    result = ex.extract_file(SEED_001)
    recs = by_number(result)
    assert list(recs) == [str(n) for n in range(1, 10)]
    assert {n: r["target_raw"] for n, r in recs.items()} == {
        "1": "Oct 24", "2": "Dec 24", "3": "May 24", "4": "Sep 24", "5": "Jan 25", "6": "Nov 24",
        "7": "Jun 24", "8": "Nov 24", "9": "Oct 24"}
    assert {n: r["target_date"] for n, r in recs.items()} == {
        "1": "2024-10-31", "2": "2024-12-31", "3": "2024-05-31", "4": "2024-09-30", "5": "2025-01-31",
        "6": "2024-11-30", "7": "2024-06-30", "8": "2024-11-30", "9": "2024-10-31"}
    assert all(r["target_precision"] == "month" for r in recs.values())
    assert [n for n, r in recs.items() if r["status"] == "complete"] == ["3", "7"]
    assert [n for n, r in recs.items() if r["status"] == "in_progress"] == ["1", "2", "4", "5", "6", "8", "9"]
    assert recs["3"]["status_raw"] == "Complete" and recs["1"]["status_raw"] == "In progress"
    owners = {n: (r["accountable"], r["responsible"]) for n, r in recs.items()}
    assert owners == {
        "1": ("Leader of the Council", "Chief Executive"),
        "2": ("Chief Executive", "Director of Policy & Transformation"),
        "3": ("Chief Executive", "Director of Policy & Transformation"),
        "4": ("Leader of the Council", "Chief Executive"),
        "5": ("Strategic Director & Deputy Chief Executive", "Director of Policy & Transformation"),
        "6": ("Strategic Director & Deputy Chief Executive", "Director of Policy & Transformation"),
        "7": ("Chief Executive", "Interim Director of Resources (s151)"),
        "8": ("Strategic Director & Deputy Chief Executive", "Director of Policy & Transformation"),
        "9": ("Chief Executive", "Strategic Director"),
    }
    # position text is kept apart from the recommendation
    assert recs["1"]["text"] == "Urgent need to develop a clear short and concise political vision for the borough"
    assert recs["1"]["position"] == (
        "- We have identified the key themes that will form the foundation of our vision statement.\n"
        "- We will share that vision with officers and the wider community")
    assert recs["5"]["text"] == ("Make a political decision on the future of the one team arrangements with "
                                 "Rochford District Council – options paper for future")
    assert recs["2"]["position"].endswith("ready for adoption in October 24, ahead of public consultation")
    assert all(r["rag"] is None for r in recs.values())
    assert result["warnings"] == []
    assert result["challenge"]["recommendations_total"] == 9
    # JSON dates are ISO, the last day of their period, with the precision beside them ...
    assert (result["challenge"]["onsite_start"], result["challenge"]["onsite_start_precision"]) == ("2024-03-31", "month")
    assert result["challenge"]["progress_review_onsite"] == "2024-11-30"
    # ... the YAML draft keeps them as the source files write them
    assert (result["challenge_raw"]["onsite_start"], result["challenge_raw"]["progress_review_onsite"]) == (
        "2024-03", "2024-11")


def test_seed_002_numbered_recommendation_headings():
    result = ex.extract_file(SEED_002)
    recs = by_number(result)
    assert list(recs) == [str(n) for n in range(1, 11)]
    assert recs["1"]["text"] == ("There are financial challenges ahead; it should be the collective responsibility "
                                 "of all staff and members to ensure financial targets are met.")
    assert recs["5"]["text"] == ("Breckland 2035 – shared ownership to deliver and fully integrate across the "
                                 "organisation, including democratic decision-making.")
    assert recs["10"]["text"] == "Explore the opportunities that will arise in advance of contracts ending."
    assert all(r["status"] is None and r["target_date"] is None and r["position"] is None for r in recs.values())
    ch = result["challenge"]
    assert (ch["onsite_start"], ch["onsite_end"]) == ("2022-06-13", "2022-06-16")
    assert (ch["people_met"], ch["people_met_lower_bound"]) == (90, True)
    assert (ch["meetings_held"], ch["meetings_held_lower_bound"]) == (38, True)
    assert result["council"]["name"] == "Breckland Council"
    assert result["source"]["kind"] == "lga_feedback_report"
    assert result["warnings"] == []


def test_seed_003_rec_blocks_and_completed_sentence():
    result = ex.extract_file(SEED_003)
    recs = by_number(result)
    assert list(recs) == [str(n) for n in range(1, 9)]
    assert {n: r["status"] for n, r in recs.items()} == {
        "1": "complete", "2": "complete", "3": None, "4": None, "5": "complete", "6": None, "7": None, "8": None}
    assert {n: r["code"] for n, r in recs.items()} == {str(n): f"CRD{n}" for n in range(1, 9)}
    assert recs["1"]["text"] == "The restructure of the senior leadership team"
    assert recs["2"]["text"] == "Adoption of the Corporate Delivery Plan to May 2020"
    assert recs["5"]["text"].startswith("Regular meetings are now held between Senior Officers and Members")
    assert recs["1"]["status_raw"] == "completed during 2019/20"
    assert recs["1"]["as_of"] == "2020-03-31"
    assert recs["3"]["text"].startswith("Ensure the integrity of the current IT system.")
    assert recs["3"]["text"].endswith("fit with longer term transformational plans.")
    assert recs["3"]["position"].startswith("Excellent progress has been made on replacing")
    assert recs["6"]["text"].count("\n- ") == 5  # the recommendation's own bullet list
    assert recs["6"]["position"].startswith("An agreed action plan has been produced")
    assert recs["8"]["position"].startswith("The CE and Leader hold and plan to hold regular meetings")
    # the open five: rolled forward to 2020/21, reported at Q2 2020/21, each with a warning
    for n in ("3", "4", "6", "7", "8"):
        assert recs[n]["revised_target"] == "2021-03-31"
        assert recs[n]["as_of"] == "2020-09-30"
    assert len(result["warnings"]) == 5
    assert all("no status given" in w and "rolled forward to 2020/21" in w for w in result["warnings"])
    ch = result["challenge"]
    assert (ch["onsite_start"], ch["onsite_end"]) == ("2019-03-26", "2019-03-29")
    assert (ch["people_met"], ch["meetings_held"], ch["recommendations_total"]) == (107, 47, 8)
    assert (ch["report_published"], ch["report_published_basis"]) == ("2019-05-16", "committee")
    assert result["as_of_raw"] == "Q2 2020/21"


def test_seeds_without_listed_recommendations_give_facts_only():
    breckland_page = ex.extract_file(SEEDS / "000_42a20b7ebbb99834.txt")
    assert breckland_page["recommendations"] == []
    assert breckland_page["challenge"]["recommendations_total"] == 10
    assert breckland_page["challenge_raw"]["progress_review_onsite"] == "2023-03"
    assert breckland_page["challenge_raw"]["onsite_start"] == "Summer 2022"  # "over the summer of 2022"
    assert breckland_page["challenge"]["onsite_start_precision"] == "season"
    assert breckland_page["warnings"] == ["no recommendations found (the document says there are 10)"]
    cabinet = ex.extract_file(SEEDS / "004_8b4f47e1d7b5da81.txt")
    # "Recommendations It is RECOMMENDED that Cabinet: Receives the report" is not a peer recommendation
    assert cabinet["recommendations"] == []
    ch = cabinet["challenge"]
    assert (ch["recommendations_total"], ch["peer_team_size"]) == (12, 8)
    assert (ch["onsite_start"], ch["action_plan_approved"], ch["progress_review_onsite"]) == (
        "2021-11-30", "2022-04-30", "2022-12-01")
    assert (ch["onsite_start_precision"], ch["progress_review_onsite_precision"]) == ("month", "day")
    assert cabinet["source"]["kind"] == "committee_report"


# ------------------------------------------------------------------------------------------ tables

def test_csv_with_bom_quoted_commas_and_other_header_names(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_bytes(
        "\ufeffAction plan progress – Anytown District Council\r\nPosition as at 31 March 2025\r\n\r\n"
        "Rec No.,Peer recommendation,Lead officer,Due by,RAG rating,Progress update\r\n"
        '1,"Refresh the council plan, with clear priorities",Chief Executive,31/03/2025,Green,'
        '"Draft plan agreed by Cabinet, consultation done"\r\n'
        '2,"Set a balanced, sustainable medium term financial strategy",Director of Finance (S151),'
        "Q2 2025/26,Amber,Savings plan in development\r\n"
        "3,Strengthen scrutiny,Monitoring Officer,TBC,Red,\r\n".encode("utf-8"))
    result = ex.extract_file(path)
    recs = by_number(result)
    assert list(recs) == ["1", "2", "3"]
    assert recs["1"]["text"] == "Refresh the council plan, with clear priorities"
    assert recs["1"]["position"] == "Draft plan agreed by Cabinet, consultation done"
    assert [r["target_date"] for r in recs.values()] == ["2025-03-31", "2025-09-30", None]
    assert [r["target_raw"] for r in recs.values()] == ["31/03/2025", "Q2 2025/26", "TBC"]
    assert [r["rag"] for r in recs.values()] == ["green", "amber", "red"]
    assert [r["status"] for r in recs.values()] == [None, None, None]  # a RAG colour is not a status
    assert [r["responsible"] for r in recs.values()] == [
        "Chief Executive", "Director of Finance (S151)", "Monitoring Officer"]
    assert result["as_of_raw"] == "31 March 2025" and result["as_of"] == "2025-03-31"
    assert result["title"] == "Action plan progress – Anytown District Council"


def test_xlsx_with_title_rows_merged_cells_and_date_cells(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Action plan"
    ws["A1"] = "Anytown Council – corporate peer challenge action plan"
    ws.merge_cells("A1:F1")
    ws["A2"] = "Update as at 31 March 2025"
    ws.merge_cells("A2:F2")
    ws.append(["Rec No.", "Peer team recommendation", "Lead", "Target date", "Status", "RAG"])
    ws.append([1, "Agree a clear vision", "Leader of the Council", dt.datetime(2025, 3, 31), "Complete", "G"])
    ws.append([2, "Improve financial planning", "Chief Finance Officer", dt.datetime(2024, 12, 31), "In progress", "A"])
    ws.append([None, None, "Chief Finance Officer", dt.datetime(2025, 6, 30), "In progress", "A"])
    ws.merge_cells("A5:A6")  # one recommendation, two action rows
    ws.merge_cells("B5:B6")
    ws.append([3, "Review the constitution", "Monitoring Officer", "Q4 2025/26", "Not yet started", None])
    ws["D4"].number_format = "dd/mm/yyyy"
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    result = ex.extract_file(path)
    recs = by_number(result)
    assert list(recs) == ["1", "2", "3"]
    assert recs["1"]["target_raw"] == "2025-03-31" and recs["1"]["target_date"] == "2025-03-31"
    assert recs["1"]["target_precision"] == "day"
    assert recs["2"]["target_date"] == "2025-06-30"  # the latest of its action rows, with a warning
    assert recs["3"]["target_date"] == "2026-03-31" and recs["3"]["target_precision"] == "quarter"
    assert [r["status"] for r in recs.values()] == ["complete", "in_progress", "not_started"]
    assert [r["rag"] for r in recs.values()] == ["green", "amber", None]
    assert [r["accountable"] for r in recs.values()] == ["Leader of the Council", "Chief Finance Officer",
                                                         "Monitoring Officer"]
    assert result["as_of_raw"] == "31 March 2025"
    assert result["warnings"] == [
        "recommendation 2: its action rows give different timescales (2024-12-31; 2025-06-30); "
        "the latest, '2025-06-30', is the target"]


def test_tab_separated_text():
    result = ex.extract_file(FIXTURES / "tabbed_plan.txt")
    recs = by_number(result)
    assert list(recs) == ["1", "2", "3", "4"]
    assert [r["target_date"] for r in recs.values()] == ["2025-03-31", "2025-06-30", "2025-05-31", None]
    assert [r["status"] for r in recs.values()] == ["complete", "in_progress", "not_started", "delayed"]
    assert recs["4"]["accountable"] == "Director of Resources (S151)"
    assert recs["4"]["position"] == "Awaiting the national funding settlement"
    assert recs["1"]["text"] == "Agree a clear, shared vision for the district with partners"
    assert result["as_of_raw"] == "30 September 2024"


def test_flattened_table_with_other_column_names():
    result = ex.extract_file(FIXTURES / "flattened_plan.txt")
    recs = by_number(result)
    assert list(recs) == ["1", "2", "3"]
    assert [(r["accountable"], r["responsible"]) for r in recs.values()] == [
        ("Leader of the Council", "Chief Executive"),
        ("Portfolio Holder for Finance", "Director of Finance"),
        ("Cabinet Member for Corporate Services", "Head of Democratic Services")]
    assert [r["target_date"] for r in recs.values()] == ["2025-03-31", "2024-12-31", "2025-08-31"]
    assert [r["rag"] for r in recs.values()] == ["green", "amber", "red"]
    assert recs["3"]["text"] == "Improve the pace of decision making and publish a forward plan"
    assert result["as_of_raw"] is None


def test_flattened_owner_text_that_cannot_be_split_goes_to_accountable_with_a_warning():
    text = ("Ref Recommendation Accountable Responsible Timescale Status\n"
            "1 Improve the website\n"
            "Cllr Jones Mrs Smith Mar 25 In progress\n")
    result = ex.extract_text(text)
    rec = result["recommendations"][0]
    assert (rec["text"], rec["accountable"], rec["responsible"]) == ("Improve the website", "Cllr Jones Mrs Smith", None)
    assert (rec["target_date"], rec["status"]) == ("2025-03-31", "in_progress")
    assert result["warnings"] == ["recommendation 1: could not split the owners 'Cllr Jones Mrs Smith' into "
                                  "accountable and responsible; all of it is in accountable"]


def test_html_table_with_entities_and_script():
    result = ex.extract_file(FIXTURES / "plan_table.html")
    recs = by_number(result)
    assert list(recs) == ["1", "2", "3"]
    assert recs["2"]["text"] == "Agree a housing delivery plan & a supporting investment strategy"
    assert [r["status"] for r in recs.values()] == ["complete", "in_progress", "ongoing"]
    assert [r["rag"] for r in recs.values()] == ["green", "amber", None]
    assert [r["target_date"] for r in recs.values()] == ["2024-12-31", "2025-03-31", None]
    assert recs["2"]["accountable"] == "Portfolio Holder for Housing" and recs["2"]["responsible"] == "Head of Housing"
    assert result["as_of_raw"] == "31 January 2025"
    assert result["source"]["kind"] == "council_page"


def test_extract_table_finds_header_below_title_rows_and_matches_columns_by_meaning():
    rows = [["Action plan", None, None], [None, None, None],
            ["Deadline", "Recommendation", "No."],  # columns in an unusual order
            ["Oct 24", "Do a thing", "1"], ["TBC", "Do another thing", "2"]]
    result = ex.extract_table(rows)
    assert result["header_row"] == 2
    assert [(r["number"], r["text"], r["target_raw"]) for r in result["recommendations"]] == [
        ("1", "Do a thing", "Oct 24"), ("2", "Do another thing", "TBC")]
    with pytest.raises(UserError, match="no header row"):
        ex.extract_table([["a", "b"], ["c", "d"]])


@pytest.mark.parametrize("header, kind", [
    ("Ref", "ref"), ("No.", "ref"), ("Rec No.", "ref"), ("Recommendation", "text"),
    ("Peer team recommendation", "text"), ("Owner", "owner"), ("Lead", "owner"), ("Lead officer", "responsible"),
    ("Accountable", "accountable"), ("Responsible", "responsible"), ("Timescale", "target"),
    ("Target date", "target"), ("Due", "target"), ("Due by", "target"), ("Deadline", "target"),
    ("Status", "status"), ("Progress", "status"), ("Current status", "status"), ("RAG", "rag"),
    ("RAG rating", "rag"), ("Position on the Recommendation", "position"), ("Revised target date", "revised_target"),
    ("Progress update", "position"), ("Comments", "position"), ("Actions", "action"), ("Colour", None),
])
def test_column_names_by_meaning(header, kind):
    assert ex.column_kind(header) == kind


# ------------------------------------------------------------------------------------------ prose

def test_markdown_recommendation_lines_with_target_and_status():
    result = ex.extract_file(FIXTURES / "inline_report.md")
    recs = by_number(result)
    assert list(recs) == ["1", "2", "3", "4"]  # "Recommendation 4 above" in Next steps is not a fifth
    assert [r["target_date"] for r in recs.values()] == ["2024-10-31", "2025-06-30", "2025-05-31", None]
    assert [r["status"] for r in recs.values()] == ["complete", "in_progress", "not_started", "superseded"]
    assert recs["4"]["rag"] == "amber"
    assert recs["1"]["text"] == "Agree a clear vision for the borough and communicate it widely."
    assert recs["1"]["accountable"] == "Leader of the Council"
    assert recs["2"]["responsible"] == "Director of Resources"
    assert recs["2"]["position"] == "Two project managers have been recruited. Recruitment of a third is under way."
    assert recs["4"]["text"] == "Refresh the medium term financial strategy."
    ch = result["challenge"]
    assert (ch["onsite_start"], ch["onsite_end"], ch["recommendations_total"]) == ("2024-03-04", "2024-03-07", 4)
    assert (ch["people_met"], ch["meetings_held"]) == (120, 40)
    assert result["as_of"] == "2024-09-30"
    assert result["warnings"] == []


def test_numbered_list_under_key_recommendations_heading_stops_at_next_heading():
    result = ex.extract_file(FIXTURES / "key_recs.txt")
    recs = by_number(result)
    assert list(recs) == ["1", "2", "3", "4"]
    assert recs["1"]["text"] == "Set out a long-term financial plan that closes the budget gap over three years."
    assert recs["3"]["text"] == "Strengthen member development, including training for scrutiny chairs."
    assert recs["4"]["text"] == "Develop a workforce strategy that addresses recruitment difficulties."
    assert result["council"]["name"] == "Westshire County Council"


def test_html_ordered_list_under_key_recommendations():
    result = ex.extract_file(FIXTURES / "key_recs.html")
    assert [(r["number"], r["text"]) for r in result["recommendations"]] == [
        ("1", "Agree a clear set of corporate priorities."),
        ("2", "Review the capacity of the finance team."),
        ("3", "Develop a long-term plan for the town centre.")]
    ch = result["challenge"]
    assert (ch["onsite_start"], ch["onsite_end"]) == ("2024-09-30", "2024-10-03")


def test_toc_lines_and_mentions_are_not_recommendations():
    result = ex.extract_file(FIXTURES / "toc_and_mentions.txt")
    assert result["recommendations"] == []
    assert result["warnings"] == ["no recommendations found"]


def test_toc_is_skipped_but_real_headings_are_found():
    text = ("Contents\n2. Key recommendations\t7\nRecommendation 1 ........ 8\n\n"
            "2. Key recommendations\n\n2.1. Recommendation 1\n\nDo the first thing.\n\n"
            "2.2. Recommendation 2\n\nDo the second thing.\n\n3. Next steps\n\nWe will meet again.\n")
    result = ex.extract_text(text)
    assert [(r["number"], r["text"]) for r in result["recommendations"]] == [
        ("1", "Do the first thing."), ("2", "Do the second thing.")]


def test_committee_style_recommendations_list_is_skipped():
    text = ("Report to Cabinet\n\nRecommendations\n\n1. That Cabinet notes the peer challenge report.\n"
            "2. That Cabinet approves the action plan.\n\nBackground\n\nThe peer team visited in May 2024.\n")
    result = ex.extract_text(text)
    assert result["recommendations"] == []
    assert any("committee" in w for w in result["warnings"])


# ------------------------------------------------------------------------------------------ PDF

def _latin1(text: str) -> str:
    table = {0x2013: "-", 0x2014: "-", 0x2018: "'", 0x2019: "'", 0x201c: '"', 0x201d: '"', 0x2026: "...",
             0xa0: " "}
    return text.translate(table).encode("latin-1", "replace").decode("latin-1")


def _make_pdf(path: Path, text: str) -> None:
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for line in _latin1(text).split("\n"):
        if line.strip():
            pdf.multi_cell(0, 5, line.replace("\t", "    "), new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(3)
    pdf.output(str(path))


def test_pdf_made_from_seed_002_gives_the_same_ten_recommendations(tmp_path):
    path = tmp_path / "report.pdf"
    _make_pdf(path, SEED_002.read_text(encoding="utf-8"))
    from_pdf = by_number(ex.extract_file(path))
    from_text = by_number(ex.extract_file(SEED_002))
    assert list(from_pdf) == [str(n) for n in range(1, 11)]
    assert {n: r["text"] for n, r in from_pdf.items()} == {n: _latin1(r["text"]) for n, r in from_text.items()}


def test_pdf_made_from_seed_001_keeps_the_table(tmp_path):
    path = tmp_path / "plan.pdf"
    _make_pdf(path, SEED_001.read_text(encoding="utf-8"))
    recs = by_number(ex.extract_file(path))
    from_text = by_number(ex.extract_file(SEED_001))
    assert list(recs) == [str(n) for n in range(1, 10)]
    fields = ("text", "accountable", "responsible", "target_raw", "target_date", "status")
    assert {n: tuple(r[f] for f in fields) for n, r in recs.items()} == {
        n: tuple(_latin1(r[f]) if isinstance(r[f], str) else r[f] for f in fields) for n, r in from_text.items()}
    assert [n for n, r in recs.items() if r["status"] == "complete"] == ["3", "7"]
    assert recs["9"]["position"].startswith("- We have identified that the East of England")


# ------------------------------------------------------------------------------------------ output

def test_yaml_draft_is_in_the_source_format(capsys):
    code, out, err = run_cli(["extract", str(SEED_001), "--council", "brentwood"], capsys)
    assert code == 0
    assert out.startswith("# DRAFT extracted from 001_38b853c589099239.txt")
    record = yaml.safe_load(out)
    assert list(record) == ["council", "challenge", "sources", "recommendations", "progress_snapshots"]
    assert record["council"]["council_id"] == "brentwood"
    assert (record["challenge"]["onsite_start"], record["challenge"]["recommendations_total"]) == ("2024-03", 9)
    assert record["sources"] == [{"id": "s1", "url": None, "title": "Corporate Peer Review", "kind": "other",
                                  "published": None}]
    rec = record["recommendations"][2]
    assert (rec["number"], rec["target_raw"], rec["accountable"], rec["source"]) == (
        "3", "May 24", "Chief Executive", "s1")
    assert rec["updates"] == [{
        "as_of": None, "status": "complete", "status_raw": "Complete", "rag": None, "revised_target": None,
        "assessed_by": "council",
        "note": "- We have created a monthly meeting of key senior officers and political leaders\n"
                "- We will use these meetings to provide strategic direction to the Council",
        "source": "s1"}]
    for r in record["recommendations"]:
        schema.Recommendation(**r)
    schema.Challenge(**record["challenge"])
    schema.Source(**record["sources"][0])


def test_json_output_has_the_agreed_keys(capsys):
    code, out, _ = run_cli(["extract", str(SEED_003), "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert set(data) >= {"recommendations", "warnings", "challenge", "council"}
    for rec in data["recommendations"]:
        assert set(rec) >= {"number", "text", "target_raw", "target_date", "status", "rag", "accountable",
                            "responsible"}
    assert data["council"]["council_id"] is None
    assert [r["status"] for r in data["recommendations"]].count("complete") == 3


# ------------------------------------------------------------------------------------------ bad input

def _junk(n: int) -> bytes:
    import random

    rnd = random.Random(6)
    return bytes(rnd.randrange(256) for _ in range(n))


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    files = {}
    files["empty"] = tmp_path / "empty.csv"
    files["empty"].write_bytes(b"")
    files["junk_csv"] = tmp_path / "junk.csv"
    files["junk_csv"].write_bytes(_junk(4000))
    files["junk_txt"] = tmp_path / "junk.txt"
    files["junk_txt"].write_bytes(_junk(4000))
    big = tmp_path / "big.csv"
    with open(big, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    files["big"] = big
    files["junk_xlsx"] = tmp_path / "junk.xlsx"
    files["junk_xlsx"].write_bytes(_junk(4000))
    files["junk_pdf"] = tmp_path / "junk.pdf"
    files["junk_pdf"].write_bytes(b"%PDF-1.4\n" + _junk(2000))
    files["missing"] = tmp_path / "missing.csv"
    files["docx"] = tmp_path / "plan.docx"
    files["docx"].write_bytes(b"PK\x03\x04 not really a word file")
    files["doc"] = tmp_path / "plan.doc"
    files["doc"].write_bytes(b"\xd0\xcf\x11\xe0 an old Word file")
    files["no_header_csv"] = tmp_path / "numbers.csv"
    files["no_header_csv"].write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    return files


BAD_MESSAGES = {
    "empty": "the file is empty",
    "junk_csv": "binary content, not text; expected comma-separated text",
    "junk_txt": "binary content, not text",
    "big": "over the 20 MB limit",
    "junk_xlsx": "not a readable .xlsx workbook",
    "junk_pdf": "not a readable PDF",
    "missing": "no such file",
    "docx": "this is not a Word .docx file: a damaged or incomplete zip package",
    "doc": "unsupported file type '.doc' (save it as PDF or text)",
    "no_header_csv": "no header row found",
}


@pytest.mark.parametrize("name", sorted(BAD_MESSAGES))
def test_bad_input_is_a_one_line_user_error(tmp_path, name, capsys):
    path = _bad_files(tmp_path)[name]
    with pytest.raises(UserError, match=BAD_MESSAGES[name].replace("(", r"\(").replace(")", r"\)")):
        ex.extract_file(path)
    code, out, err = run_cli(["extract", str(path)], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ")


def test_big_file_is_refused_without_reading_it(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read a file over the limit"))
    with pytest.raises(UserError, match="50 MB, over the 20 MB limit"):
        ex.extract_file(big)


def test_xlsx_without_a_recognisable_header(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.append(["Name", "Value"])
    wb.active.append(["Alpha", 1])
    path = tmp_path / "sheet.xlsx"
    wb.save(path)
    with pytest.raises(UserError, match=r"no header row found in any sheet \('Sheet'\); expected a header row"):
        ex.extract_file(path)


def test_pdf_without_a_text_layer(tmp_path):
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")  # a page with a picture and no text
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(UserError, match="no text layer"):
        ex.extract_file(path)


def test_bad_council_slug(capsys):
    code, _, err = run_cli(["extract", str(FIXTURES / "key_recs.txt"), "--council", "Brentwood Council"], capsys)
    assert code == 2 and "expected a lower-case slug" in err


def test_real_entry_point_exit_code(tmp_path, capsys):
    from peer_challenges.cli import main

    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert main(["extract", str(empty)]) == 2
    assert "the file is empty" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------ more layouts

def test_heading_with_title_and_labels_on_their_own_lines():
    text = ("Recommendation 1 – Financial sustainability\n\n"
            "The council should set a balanced budget for the medium term and identify savings.\n\n"
            "Progress update\n\nSavings of £2m were identified in the 2025/26 budget.\n\nStatus\nIn progress\n\n"
            "Recommendation 2 – Leadership\n\n"
            "Build a shared understanding of the council's priorities among members.\n\n"
            "Target date:\nMarch 2025\n\nStatus: Complete\n")
    recs = by_number(ex.extract_text(text))
    assert recs["1"]["title"] == "Financial sustainability"
    assert recs["1"]["text"] == "The council should set a balanced budget for the medium term and identify savings."
    assert recs["1"]["position"] == "Savings of £2m were identified in the 2025/26 budget."
    assert (recs["1"]["status"], recs["2"]["status"]) == ("in_progress", "complete")
    assert (recs["2"]["title"], recs["2"]["target_date"]) == ("Leadership", "2025-03-31")


def test_r_numbered_prose_and_several_labels_on_one_line():
    text = ("R1: Publish a single corporate plan.\nTarget: Q3 2024/25 | Status: Completed | RAG: Green\n\n"
            "R2: Review the constitution.\nTimescale: 31/01/2025; Status: Not started\n")
    recs = by_number(ex.extract_text(text))
    assert (recs["1"]["target_date"], recs["1"]["status"], recs["1"]["rag"]) == ("2024-12-31", "complete", "green")
    assert (recs["2"]["target_date"], recs["2"]["status"]) == ("2025-01-31", "not_started")


def test_table_cells_on_separate_lines_as_pdf_text_from_word():
    text = ("Ref Recommendation Owner Timescale Status\n"
            "1\nDevelop a vision with partners\nChief Executive\nMarch 2025\nComplete\n"
            "2\nStrengthen financial resilience\nDirector of Finance\nQ4 2024/25\nOn track\n"
            "3\nImprove member development\nHead of Democratic Services\nTBC\nNot started\n"
            "Appendix B\n")
    result = ex.extract_text(text)
    assert [(r["number"], r["text"], r["accountable"], r["target_date"], r["status"])
            for r in result["recommendations"]] == [
        ("1", "Develop a vision with partners", "Chief Executive", "2025-03-31", "complete"),
        ("2", "Strengthen financial resilience", "Director of Finance", "2025-03-31", "in_progress"),
        ("3", "Improve member development", "Head of Democratic Services", None, "not_started")]


def test_flattened_table_with_refs_and_an_update_column_after_the_status():
    text = ("Ref Recommendation Lead Due Status Update\n"
            "R1 Refresh the corporate plan Chief Executive Mar 25 On track Draft plan with Cabinet.\n"
            "R2 Improve budget monitoring Chief Finance Officer Dec 24 Complete Monthly reports now go to Cabinet.\n"
            "R3 Agree a workforce strategy Head of HR Jun 25 Delayed Waiting for the pay review.\n")
    result = ex.extract_text(text)
    assert [(r["number"], r["text"], r["accountable"], r["target_raw"], r["status"], r["position"])
            for r in result["recommendations"]] == [
        ("R1", "Refresh the corporate plan", "Chief Executive", "Mar 25", "in_progress", "Draft plan with Cabinet."),
        ("R2", "Improve budget monitoring", "Chief Finance Officer", "Dec 24", "complete",
         "Monthly reports now go to Cabinet."),
        ("R3", "Agree a workforce strategy", "Head of HR", "Jun 25", "delayed", "Waiting for the pay review.")]


def test_sub_numbered_action_rows_fold_into_their_recommendation():
    text = ("Ref\tRecommendation\tAction\tOwner\tDeadline\tStatus\n"
            "1\tAgree a vision\tDraft vision\tChief Executive\tOct 24\tComplete\n"
            "1.1\t\tConsult residents\tHead of Communications\tDec 24\tIn progress\n"
            "2\tImprove scrutiny\tTraining for chairs\tMonitoring Officer\tJan 25\tNot started\n")
    result = ex.extract_text(text)
    recs = by_number(result)
    assert list(recs) == ["1", "2"]
    assert recs["1"]["actions"] == "Draft vision\nConsult residents"
    assert recs["1"]["accountable"] == "Chief Executive; Head of Communications"
    assert (recs["1"]["status"], recs["1"]["target_date"]) == (None, "2024-12-31")
    assert result["warnings"] == [
        "recommendation 1: its action rows give different timescales (Oct 24; Dec 24); the latest, 'Dec 24', is the target",
        "recommendation 1: its action rows have different statuses (Complete; In progress); status left null"]


def test_markdown_pipe_table():
    text = ("# Action plan\n\n| No. | Recommendation | Owner | Target date | RAG |\n|---|---|---|---|---|\n"
            "| 1 | Refresh the plan | Leader | 2025-03-31 | Green |\n| 2 | Fix the roof | Head of Property | Winter 2024/25 | Red |\n")
    result = ex.extract_text(text, ext=".md")
    assert [(r["number"], r["accountable"], r["target_date"], r["rag"]) for r in result["recommendations"]] == [
        ("1", "Leader", "2025-03-31", "green"), ("2", "Head of Property", "2025-02-28", "red")]


def test_unnumbered_paragraphs_under_key_recommendations():
    text = ("Key recommendations\n\nThe peer team made these recommendations.\n\n"
            "Develop a clear narrative about the council's ambitions for the borough.\n\n"
            "Review the capacity of the corporate centre to support transformation.\n\n"
            "Next steps\n\nThe council will consider the report.\n")
    result = ex.extract_text(text)
    assert [(r["number"], r["record_flag"], r["text"]) for r in result["recommendations"]] == [
        (None, "unnumbered", "Develop a clear narrative about the council's ambitions for the borough."),
        (None, "unnumbered", "Review the capacity of the corporate centre to support transformation.")]


def test_semicolon_csv_with_a_title_row_and_windows_1252_text(tmp_path):
    semi = tmp_path / "semi.csv"
    semi.write_bytes(b"Peer challenge plan\nRef;Recommendation;Owner;Target date;Status\n"
                     b"1;Review governance;Monitoring Officer;31/12/2024;Complete\n"
                     b'2;"Improve comms; engage residents";Head of Communications;Spring 2025;In progress\n')
    recs = by_number(ex.extract_file(semi))
    assert recs["2"]["text"] == "Improve comms; engage residents"
    assert [r["target_date"] for r in recs.values()] == ["2024-12-31", "2025-05-31"]
    cp1252 = tmp_path / "cp1252.csv"
    cp1252.write_bytes(b"Ref,Recommendation,Owner,Timescale,Status\n1,Improve the council\x92s website,"
                       b"Head of Digital,Mar 25,Complete\n")
    assert ex.extract_file(cp1252)["recommendations"][0]["text"] == "Improve the council\u2019s website"


def test_xlsx_theme_rows_serial_dates_notes_and_a_second_sheet(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Read me"
    notes.append(["This workbook holds the action plan."])
    ws = wb.create_sheet("Plan")
    ws.append(["Corporate Peer Challenge Action Plan"])
    ws.merge_cells("A1:E1")
    ws.append([])
    ws.append(["No", "Recommendation", "Owner", "Timescale", "RAG"])
    ws.append(["Theme 1: Governance and culture"])
    ws.merge_cells("A4:E4")
    ws.append([1.0, "Review the constitution", "Monitoring Officer", dt.datetime(2025, 1, 31), "Green"])
    ws.append([2.0, "Improve scrutiny", "Head of Democratic Services", 45747, "Amber"])  # a date left as a number
    ws.append(["Theme 2: Finance"])
    ws.merge_cells("A7:E7")
    ws.append([3.0, "Balance the budget", "S151 Officer", "2025/26", "Red"])
    ws.append(["Key: G = on track, A = some slippage, R = off track"])
    path = tmp_path / "themes.xlsx"
    wb.save(path)
    result = ex.extract_file(path)
    assert [(r["number"], r["target_date"], r["rag"], r["theme"], r["core_theme"])
            for r in result["recommendations"]] == [
        ("1", "2025-01-31", "green", "Governance and culture", "Governance and culture"),
        ("2", "2025-03-31", "amber", "Governance and culture", "Governance and culture"),
        ("3", "2026-03-31", "red", "Finance", None)]
    assert result["title"] == "Corporate Peer Challenge Action Plan"
    assert result["warnings"] == []


def test_output_option_writes_the_draft_once(tmp_path, capsys):
    target = tmp_path / "sources" / "westshire" / "2024-05-corporate-peer-challenge.yaml"
    code, out, err = run_cli(["extract", str(FIXTURES / "key_recs.txt"), "--council", "westshire",
                              "--output", str(target)], capsys)
    assert code == 0 and out == ""
    assert err.startswith(f"wrote {target} (4 recommendations, 0 warnings)")
    record = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert [r["number"] for r in record["recommendations"]] == ["1", "2", "3", "4"]
    code, _, err = run_cli(["extract", str(FIXTURES / "key_recs.txt"), "--output", str(target)], capsys)
    assert code == 2 and "already exists" in err


def test_comma_separated_text_with_a_txt_name():
    text = "Ref,Recommendation,Owner,Due date,Status\n1,\"Plan, then act\",Chief Executive,Jun 25,Complete\n"
    result = ex.extract_text(text)
    assert [(r["number"], r["text"], r["target_date"], r["status"]) for r in result["recommendations"]] == [
        ("1", "Plan, then act", "2025-06-30", "complete")]


def test_table_rows_that_continue_the_previous_recommendation():
    rows = [["Ref", "Recommendation", "Owner", "Status"],
            ["1", "Develop a shared vision for the borough with", "Leader", "Complete"],
            [None, "partners and residents.", None, None],
            ["Theme 2: Finance", None, None, None],
            ["2", "Balance the budget.", "S151 Officer", "In progress"],
            [None, None, None, "Savings plan agreed"],  # an action row with only a status
            ["Notes: statuses as reported by officers", None, None, None]]
    result = ex.extract_rows(rows)
    assert [(r["number"], r["text"], r["theme"], r["status"]) for r in result["recommendations"]] == [
        ("1", "Develop a shared vision for the borough with partners and residents.", None, "complete"),
        ("2", "Balance the budget.", "Finance", None)]
    assert result["warnings"] == ["recommendation 2: its action rows have different statuses "
                                  "(In progress; Savings plan agreed); status left null"]


def test_html_table_with_rowspan_and_colspan():
    markup = ("<table><tr><th>Ref</th><th>Recommendation</th><th colspan='2'>Action</th><th>Status</th></tr>"
              "<tr><td rowspan='2'>1</td><td rowspan='2'>Agree a vision</td><td>Draft it</td><td>x</td>"
              "<td>Complete</td></tr>"
              "<tr><td>Consult on it</td><td>y</td><td>Completed</td></tr>"
              "<tr><td>2</td><td>Fix scrutiny</td><td>Train chairs</td><td>z</td><td>In progress</td></tr></table>")
    result = ex.extract_text(ex.html_to_text(markup), ext=".html")
    assert [(r["number"], r["text"], r["actions"], r["status"]) for r in result["recommendations"]] == [
        ("1", "Agree a vision", "Draft it\nConsult on it", "complete"),
        ("2", "Fix scrutiny", "Train chairs", "in_progress")]


def test_pdf_made_from_seed_003_keeps_blocks_and_statuses(tmp_path):
    path = tmp_path / "progress.pdf"
    _make_pdf(path, SEED_003.read_text(encoding="utf-8"))
    result = ex.extract_file(path)
    assert {r["number"]: r["status"] for r in result["recommendations"]} == {
        "1": "complete", "2": "complete", "3": None, "4": None, "5": "complete", "6": None, "7": None, "8": None}
    recs = by_number(result)
    assert recs["7"]["position"] == ("The Council has completed a further £1m investment in Multi-Asset funds. "
                                     "Capital performance in investments during the quarter has been stable.")
    assert result["challenge"]["people_met"] == 107


def test_pdf_without_blank_lines_ends_the_list_at_an_unnumbered_heading(tmp_path):
    filler = "The council has a strong record of delivery and the peer team saw good practice in many services. " * 4
    body = ("Westshire County Council\nCorporate Peer Challenge feedback report\n\n" + filler + "\n\n"
            "Key recommendations\n\nThese are the peer team's key recommendations to the council:\n\n"
            "1. Set out a long-term financial plan that closes the budget gap over the next three years, with "
            "clear savings proposals agreed by members and officers together.\n\n"
            "2. Invest in the council's digital infrastructure.\n\n3. Strengthen member development.\n\n"
            "Summary of the peer challenge approach\n\n" + "The peer team spent three days on site. " * 8)
    path = tmp_path / "report.pdf"
    _make_pdf(path, body)
    assert [(r["number"], r["text"]) for r in ex.extract_file(path)["recommendations"]] == [
        ("1", "Set out a long-term financial plan that closes the budget gap over the next three years, with "
              "clear savings proposals agreed by members and officers together."),
        ("2", "Invest in the council's digital infrastructure."),
        ("3", "Strengthen member development.")]


@pytest.mark.parametrize("sentence, expected", [
    ("The peer team visited the council between 10 and 12 March 2025 and met staff.",
     {"onsite_start": "2025-03-10", "onsite_end": "2025-03-12"}),
    ("The council hosted a Corporate Peer Challenge from 30 September to 3 October 2024.",
     {"onsite_start": "2024-09-30", "onsite_end": "2024-10-03"}),
    ("We invited the LGA to carry out a Corporate Peer Challenge in July 2024.", {"onsite_start": "2024-07"}),
    ("During their time on site the team spoke to over 140 people in more than 40 meetings.",
     {"people_met": 140, "people_met_lower_bound": True, "meetings_held": 40, "meetings_held_lower_bound": True}),
    ("The council agreed an action plan in response to the six recommendations.", {"recommendations_total": 6}),
    ("The peer team identified eight key recommendations.", {"recommendations_total": 8}),
    ("Their feedback report was reported to Cabinet on 14 January 2025.",
     {"report_published": "2025-01-14", "report_published_basis": "committee"}),
    ("A statement will support a progress review by the peer team in December 2025.",
     {"progress_review_onsite": "2025-12"}),
    ("Three of the recommendations have been completed.", {"recommendations_total": None}),
])
def test_challenge_facts_from_sentences(sentence, expected):
    raw = ex.extract_text("Update\n\n" + sentence + "\n")["challenge_raw"]
    assert {k: raw[k] for k in expected} == expected


@pytest.mark.parametrize("path", sorted(FIXTURES.iterdir()) + [SEED_001, SEED_002, SEED_003],
                         ids=lambda p: p.name)
def test_every_draft_passes_the_source_schema_except_the_council_fields(path):
    record = yaml.safe_load(ex.to_yaml(ex.extract_file(path)))
    schema.Challenge(**record["challenge"])
    for source in record["sources"]:
        schema.Source(**source)
    for rec in record["recommendations"]:
        schema.Recommendation(**rec)
    # filled in, the council block makes a valid file
    record["council"].update(council_id="anytown", name="Anytown Council", council_type="district",
                             region="South West")
    schema.SourceFile(**record)
