"""Issue 14: a council's document made into a reviewed source record (peer_challenges.sources.contribute), the
build's checks of one record (store.build.check_source_record) and the command line
(`extract FILE --council ID --challenge YYYY-MM --source-url URL [--merge-into FILE]`).

Known answers: the seed action plan (Brentwood, 9 recommendations) merged into the fixture's Brentwood 2024-03
file adds nothing (every status is already recorded); with recommendation 1 marked Complete and its target moved
to Mar 25, and a recommendation 10 added, it adds one recommendation, one status update and one changed
target, and keeps every earlier update."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest

from peer_challenges.domain.errors import UserError
from peer_challenges.app.views.contribute import council_block
from peer_challenges.sources import contribute as co
from peer_challenges.sources.extract import extract_file, extract_text
from peer_challenges.sources.sourcefile import dump_source, load_source
from peer_challenges.store.build import build, check_source_record
from peer_challenges.store.db import connect, run_query
from tests.conftest import FIXTURE_DATASET, ROOT, copy_inputs
from tests.sources.test_extract import run_cli

SEED_PLAN = ROOT / "tests" / "fixtures" / "seeds" / "001_38b853c589099239.txt"
DOCX_PLAN = ROOT / "tests" / "fixtures" / "docx" / "action_plan.docx"
BRENTWOOD_FILE = FIXTURE_DATASET / "sources" / "brentwood" / "2024-03-corporate-peer-challenge.yaml"
URL = "https://www.brentwood.gov.uk/corporate-peer-review"
BRENTWOOD = {"council_id": "brentwood", "name": "Brentwood Borough Council", "ons_code": "E07000068",
             "council_type": "district", "region": "East of England"}


@pytest.fixture(scope="module")
def seed_draft() -> dict:
    return extract_text(SEED_PLAN.read_text(encoding="utf-8"), source_name=SEED_PLAN.name)


def _record(draft, rows=None, **kw):
    args = {"council": BRENTWOOD, "month": "2024-03", "source_url": URL, "kind": "action_plan", "as_of": "2025-01-31"}
    args.update(kw)
    return co.record_from_rows(draft, co.draft_rows(draft) if rows is None else rows, **args)


def test_rows_read_as_the_build_reads_them(seed_draft):
    rows = co.draft_rows(seed_draft)
    assert [r["number"] for r in rows] == [str(n) for n in range(1, 10)]
    assert [(r["target_raw"], r["status_raw"]) for r in rows[:3]] == [
        ("Oct 24", "In progress"), ("Dec 24", "In progress"), ("May 24", "Complete")]
    assert rows[0]["owner"] == "Leader of the Council; Chief Executive"
    read = co.read_row(rows[0])
    assert (str(read["target_date"]), read["target_precision"], read["status"], read["problems"]) == (
        "2024-10-31", "month", "in_progress", [])
    bad = co.read_row({"number": "4", "title": "", "text": None, "target_raw": "when resources allow",
                       "status_raw": "Finished-ish"})
    assert bad["target_date"] is None and bad["target_words"] == "not a date"
    assert bad["problems"] == ["no title or text: every recommendation needs its wording",
                               "target 'when resources allow' is not one date: kept as written, with no date",
                               "status 'Finished-ish' is not one we know: kept as written, with no status"]
    assert co.read_row({"title": "x", "status_raw": "Amber"})["rag"] == "amber"


def test_inputs_are_required_and_say_what_is_missing():
    problems = co.check_inputs(council_id=None, month="March 2024", source_url="www.x.gov.uk", kind="memo")
    assert len(problems) == 4
    assert problems[0] == "Choose the council the document is about."
    assert "YYYY-MM" in problems[1] and "every record cites its source" in problems[2]
    assert co.check_inputs(council_id="brentwood", month="2024-03", source_url=URL, kind="action_plan") == []
    with pytest.raises(UserError, match="every record cites its source"):
        _record({"recommendations": []}, rows=[], source_url="")


def test_seed_plan_merged_into_its_own_challenge_adds_nothing(seed_draft):
    existing = load_source(BRENTWOOD_FILE)
    merged, changes = co.merge_record(existing, _record(seed_draft, as_of=None))
    assert not changes.anything
    assert changes.unchanged_updates == [str(n) for n in range(1, 10)]
    assert changes.source_added is None  # the seed's address is already the file's source s1
    assert merged["recommendations"] == existing["recommendations"]


def test_new_status_new_recommendation_and_changed_target(seed_draft):
    rows = co.draft_rows(seed_draft)
    rows[0].update(status_raw="Complete", target_raw="Mar 25")
    rows.append({"number": "10", "title": "Review the partnership", "text": "Review the strategic partnership.",
                 "target_raw": "Q4 2025/26", "status_raw": "Not started", "owner": "Chief Executive", "note": None,
                 "_draft_row": None})
    existing = load_source(BRENTWOOD_FILE)
    before = copy.deepcopy(existing)
    merged, changes = co.merge_record(existing, _record(seed_draft, rows))
    assert existing == before  # the loaded file is not modified
    assert changes.new_recommendations == [("10", "Review the partnership")]
    assert changes.new_updates == [("1", "2025-01-31", "Complete")]
    assert changes.changed_targets == [("1", "Oct 24", "Mar 25")]
    rec1 = merged["recommendations"][0]
    assert rec1["target_raw"] == "Oct 24"  # the original target stays as written
    assert rec1["updates"][:-1] == before["recommendations"][0]["updates"]  # history kept
    assert {k: rec1["updates"][-1][k] for k in ("as_of", "status", "revised_target", "assessed_by", "source")} == {
        "as_of": "2025-01-31", "status": "complete", "revised_target": "Mar 25", "assessed_by": "council", "source": "s1"}
    new = merged["recommendations"][-1]
    assert (new["number"], new["accountable"], new["target_raw"], new["updates"][0]["status"]) == (
        "10", "Chief Executive", "Q4 2025/26", "not_started")
    summary = co.change_summary(changes, council_name="Brentwood Borough Council", month="2024-03",
                                path="data/sources/brentwood/2024-03-corporate-peer-challenge.yaml", source_url=URL,
                                kind="action_plan", file_name="plan.pdf")
    assert "New recommendations (1): 10." in summary
    assert "New status updates (1), added to each recommendation's history: 1 Complete." in summary
    assert "Changed targets (recorded as a revised target; the original stays): 1: Oct 24 -> Mar 25." in summary
    assert "Statuses are the council's own ratings" in summary
    # the build refuses a tenth recommendation of a report that made nine, and says so
    assert check_source_record(merged, BRENTWOOD_FILE.name, FIXTURE_DATASET) == [
        "challenge.recommendations_total: 9 but 10 recommendations are recorded"]
    merged["recommendations"].pop()
    assert check_source_record(merged, BRENTWOOD_FILE.name, FIXTURE_DATASET) == []


def test_a_second_source_and_facts_filled_or_reported(seed_draft):
    draft = copy.deepcopy(seed_draft)
    draft["challenge_raw"].update(people_met=80, onsite_start="4 March 2024", recommendations_total=9)
    rec = _record(draft, source_url="https://www.brentwood.gov.uk/committee/p1.pdf", kind="progress_report")
    merged, changes = co.merge_record(load_source(BRENTWOOD_FILE), rec)
    assert changes.source_added["id"] == "s6" and changes.source_added["kind"] == "committee_report"
    assert ("people met", 80) in changes.facts_filled
    assert changes.facts_differ == [("on-site start", "2024-03-05", "4 March 2024")]
    assert merged["challenge"]["onsite_start"] == "2024-03-05"  # kept as recorded
    assert co.merge_record(load_source(BRENTWOOD_FILE), _record(draft, as_of=None))[1].facts_differ[0][0] == "on-site start"


def test_a_month_in_the_document_agrees_with_a_recorded_day(seed_draft):
    draft = copy.deepcopy(seed_draft)
    draft["challenge_raw"]["onsite_start"] = "March 2024"
    assert co.merge_record(load_source(BRENTWOOD_FILE), _record(draft))[1].facts_differ == []


def test_peer_team_findings_are_marked_as_theirs(seed_draft):
    rec = _record(seed_draft, kind="progress_review")
    assert rec["sources"][0]["kind"] == "lga_progress_review"
    assert {u["assessed_by"] for r in rec["recommendations"] for u in r["updates"]} == {"peer_team"}


def test_merge_refuses_another_councils_file(seed_draft):
    other = load_source(FIXTURE_DATASET / "sources" / "stroud" / "2019-03-corporate-peer-challenge.yaml")
    with pytest.raises(UserError, match="the file to merge into is 'stroud'"):
        co.merge_record(other, _record(seed_draft))


def test_build_checks_name_the_record_and_field(seed_draft):
    rec = _record(seed_draft, month="2024-05")
    problems = check_source_record(rec, "2024-05-corporate-peer-challenge.yaml", FIXTURE_DATASET)
    assert problems == ["file month '2024-05' does not match challenge.onsite_start '2024-03-05' "
                        "(expected 2024-03-...yaml)"] or problems[0].startswith("file month '2024-05'")
    rec = _record(seed_draft)
    rec["recommendations"][2]["updates"][0]["as_of"] = "sometime"
    (line,) = check_source_record(rec, "2024-03-corporate-peer-challenge.yaml", FIXTURE_DATASET)
    assert line.startswith("recommendations[2] (number '3').updates[0].as_of: cannot read date 'sometime'")


def test_a_new_challenge_from_a_word_plan_builds_and_is_on_the_council_page(tmp_path, on_fixture):
    """Middlesbrough is in the register with no source file: the Word action plan becomes its first challenge."""
    draft = extract_file(DOCX_PLAN)
    council = council_block(run_query, "middlesbrough")
    assert council == {"council_id": "middlesbrough", "name": "Middlesbrough", "ons_code": "E06000002",
                       "council_type": "unitary", "region": "North East"}
    record = co.record_from_rows(draft, co.draft_rows(draft), council=council, month="2024-06",
                                 source_url="https://www.middlesbrough.gov.uk/plan.docx", kind="action_plan",
                                 as_of="31 March 2025", file_name=DOCX_PLAN.name)
    changes = co.new_challenge_changes(record)
    assert changes.new_challenge and len(changes.new_recommendations) == 5
    assert check_source_record(record, "2024-06-corporate-peer-challenge.yaml", FIXTURE_DATASET) == []
    folder = copy_inputs(FIXTURE_DATASET, tmp_path / "data")
    (folder / "sources" / "middlesbrough").mkdir()
    (folder / "sources" / "middlesbrough" / "2024-06-corporate-peer-challenge.yaml").write_text(
        dump_source(record), encoding="utf-8")
    build(data=folder, out=folder)
    with connect(folder) as conn:
        recs = run_query("council__recommendations", conn, challenge_id="middlesbrough-2024-06")
    assert len(recs) == 5
    row5 = recs[recs["number"] == "5"].iloc[0]
    assert (row5["latest_status"], row5["target_raw"], row5["accountable"]) == (
        "not_started", "September 2025", "Head of Performance")


# ---------------------------------------------------------------------------------------- the command line

def test_cli_record_for_a_new_challenge(capsys):
    code, out, err = run_cli(["extract", str(DOCX_PLAN), "--council", "middlesbrough", "--challenge", "2024-06",
                              "--source-url", "https://www.middlesbrough.gov.uk/plan.docx"], capsys)
    assert code == 0, err
    assert "council_id: middlesbrough" in out and "url: https://www.middlesbrough.gov.uk/plan.docx" in out
    assert "File: data/sources/middlesbrough/2024-06-corporate-peer-challenge.yaml (a new file)" in err
    assert "A new challenge with 5 recommendations and 5 status updates." in err


def test_cli_needs_the_source_url(capsys):
    code, _, err = run_cli(["extract", str(DOCX_PLAN), "--council", "middlesbrough", "--challenge", "2024-06"], capsys)
    assert code == 2 and "--source-url: needed to make a complete record" in err


def test_cli_merge_into_writes_only_to_that_file(tmp_path, capsys):
    target = tmp_path / "2024-03-corporate-peer-challenge.yaml"
    shutil.copy(BRENTWOOD_FILE, target)
    other = tmp_path / "other.yaml"
    other.write_text("x", encoding="utf-8")
    code, _, err = run_cli(["extract", str(SEED_PLAN), "--merge-into", str(target), "--council", "brentwood",
                            "--source-url", URL, "-o", str(other)], capsys)
    assert code == 2 and "never overwrites" in err and other.read_text() == "x"
    plan = tmp_path / "plan.txt"
    plan.write_text(SEED_PLAN.read_text(encoding="utf-8").replace("May 24", "Jul 24", 1), encoding="utf-8")
    code, out, err = run_cli(["extract", str(plan), "--merge-into", str(target), "--council", "brentwood",
                              "--source-url", URL, "--as-of", "2024-10-01", "-o", str(target)], capsys)
    assert code == 0, err
    assert "Changed targets (recorded as a revised target; the original stays): 3: May 24 -> Jul 24." in err
    merged = load_source(target)
    assert merged["recommendations"][2]["target_raw"] == "May 24"
    assert merged["recommendations"][2]["updates"][-1]["revised_target"] == "Jul 24"
    assert len(merged["recommendations"]) == len(load_source(BRENTWOOD_FILE)["recommendations"])
