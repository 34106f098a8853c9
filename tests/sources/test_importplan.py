"""import-plan: one update per recommendation from an updated action plan, history never rewritten."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

from peer_challenges.cli import import_plan as import_plan_cli
from peer_challenges.sources import importplan
from peer_challenges.domain.errors import UserError
from peer_challenges.sources.sourcefile import load_source, write_source_atomic

SEED_001 = Path(__file__).resolve().parents[1] / "fixtures" / "seeds" / "001_38b853c589099239.txt"
TARGETS = {"1": "Oct 24", "2": "Dec 24", "3": "May 24"}


def make_source(data_dir: Path, council: str = "anytown", month: str = "2024-03", numbers=("1", "2", "3"),
                targets=None) -> Path:
    targets = TARGETS if targets is None else targets
    record = {
        "council": {"council_id": council, "name": "Anytown Borough Council", "ons_code": None,
                    "council_type": "district", "region": "East of England"},
        "challenge": {"kind": "corporate_peer_challenge", "onsite_start": f"{month}-05", "onsite_end": None},
        "sources": [{"id": "s1", "url": "https://example.org/report", "title": "LGA feedback report",
                     "kind": "lga_feedback_report", "published": None}],
        "recommendations": [
            {"number": n, "title": f"Recommendation {n}", "text": None, "core_theme": None, "topics": [],
             "record_flag": None, "accountable": None, "responsible": None, "target_raw": targets.get(n),
             "target": None, "source": "s1",
             "updates": [{"as_of": "2024-06-30", "status": "in_progress", "status_raw": "In progress", "rag": None,
                          "revised_target": None, "assessed_by": "council", "note": "first report", "source": "s1"}]}
            for n in numbers
        ],
        "progress_snapshots": [],
    }
    path = data_dir / "sources" / council / f"{month}-corporate-peer-challenge.yaml"
    write_source_atomic(path, record)
    return path


def make_plan(tmp_path: Path, rows: list[str], name: str = "plan.csv") -> Path:
    path = tmp_path / name
    path.write_text("Ref,Recommendation,Timescale,Status,RAG,Progress update\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    return path


PLAN_ROWS = [
    "1,Agree a vision,Oct 24,Complete,Green,Vision adopted in October",
    "2,Write a corporate plan,Mar 25,In progress,Amber,Consultation under way",  # timescale moved
    "3,Monthly leadership meeting,May 24,Complete,Green,",
]


def run_cli(argv, capsys):
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    import_plan_cli.register(sub)
    args = parser.parse_args(["import-plan", *argv])
    try:
        code = args.func(args)
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        code = 2
    out, err = capsys.readouterr()
    return code, out, err


def test_import_adds_one_update_per_recommendation(tmp_path):
    src = make_source(tmp_path)
    plan = make_plan(tmp_path, PLAN_ROWS)
    result = importplan.import_plan(plan, "anytown", "2024-03", "31/03/2025", data_dir=tmp_path)
    assert result["added"] == ["1", "2", "3"] and result["written"] is True
    record = load_source(src)
    assert record["sources"][-1] == {"id": "s2", "url": None, "title": "plan.csv", "kind": "council_page",
                                     "published": None}
    recs = {r["number"]: r for r in record["recommendations"]}
    for rec in recs.values():  # the earlier update is untouched
        assert rec["updates"][0] == {"as_of": "2024-06-30", "status": "in_progress", "status_raw": "In progress",
                                     "rag": None, "revised_target": None, "assessed_by": "council",
                                     "note": "first report", "source": "s1"}
        assert len(rec["updates"]) == 2
        assert rec["target_raw"] == TARGETS[rec["number"]]  # the original target is never replaced
    assert recs["1"]["updates"][1] == {"as_of": "2025-03-31", "status": "complete", "status_raw": "Complete",
                                       "rag": "green", "revised_target": None, "assessed_by": "council",
                                       "note": "Vision adopted in October", "source": "s2"}
    assert recs["2"]["updates"][1] == {"as_of": "2025-03-31", "status": "in_progress", "status_raw": "In progress",
                                       "rag": "amber", "revised_target": "Mar 25", "assessed_by": "council",
                                       "note": "Consultation under way", "source": "s2"}
    assert recs["3"]["updates"][1]["note"] is None and recs["3"]["updates"][1]["status"] == "complete"


def test_dry_run_shows_a_diff_and_writes_nothing(tmp_path, capsys):
    src = make_source(tmp_path)
    before = src.read_bytes()
    plan = make_plan(tmp_path, PLAN_ROWS)
    code, out, err = run_cli([str(plan), "--council", "anytown", "--challenge", "2024-03", "--as-of", "2025-03-31",
                              "--dry-run", "--data-dir", str(tmp_path)], capsys)
    assert code == 0 and err == ""
    assert src.read_bytes() == before
    assert out.startswith(f"--- {src}\n+++ {src} (after import)\n")
    assert "+    status: complete\n" in out
    assert "+    revised_target: Mar 25\n" in out
    assert "+  title: plan.csv\n" in out
    assert not [line for line in out.splitlines() if line.startswith("-") and not line.startswith("---")]
    assert out.rstrip().endswith("would add 3 updates to " + str(src) + " (source s2); dry run: nothing written")


def test_running_twice_adds_nothing_the_second_time(tmp_path):
    src = make_source(tmp_path)
    plan = make_plan(tmp_path, PLAN_ROWS)
    importplan.import_plan(plan, "anytown", "2024-03", "2025-03-31", data_dir=tmp_path)
    after_first = src.read_bytes()
    again = importplan.import_plan(plan, "anytown", "2024-03", "31 March 2025", data_dir=tmp_path)
    assert again["added"] == [] and again["unchanged"] == ["1", "2", "3"] and again["written"] is False
    assert again["diff"] == ""
    assert src.read_bytes() == after_first
    assert [s["id"] for s in load_source(src)["sources"]] == ["s1", "s2"]


def test_a_later_plan_adds_a_second_update_and_reuses_the_source_entry(tmp_path):
    src = make_source(tmp_path)
    plan = make_plan(tmp_path, PLAN_ROWS)
    importplan.import_plan(plan, "anytown", "2024-03", "2025-03-31", data_dir=tmp_path)
    importplan.import_plan(plan, "anytown", "2024-03", "2025-06-30", data_dir=tmp_path)
    record = load_source(src)
    assert [u["as_of"] for u in record["recommendations"][0]["updates"]] == ["2024-06-30", "2025-03-31", "2025-06-30"]
    assert [s["id"] for s in record["sources"]] == ["s1", "s2"]


def test_an_older_report_is_inserted_in_date_order(tmp_path):
    src = make_source(tmp_path)
    plan = make_plan(tmp_path, PLAN_ROWS)
    importplan.import_plan(plan, "anytown", "2024-03", "Q1 2024/25", data_dir=tmp_path)  # ends 30 June 2024
    importplan.import_plan(plan, "anytown", "2024-03", "2024-05-01", data_dir=tmp_path)
    updates = load_source(src)["recommendations"][0]["updates"]
    assert [u["as_of"] for u in updates] == ["2024-05-01", "2024-06-30", "Q1 2024/25"]


def test_mismatched_numbers_are_refused_and_listed(tmp_path):
    src = make_source(tmp_path)
    before = src.read_bytes()
    plan = make_plan(tmp_path, [PLAN_ROWS[0], PLAN_ROWS[1], "4,Something else,Jan 25,Complete,Green,"])
    with pytest.raises(UserError, match=r"do not match .*missing from the plan: 3; not in the challenge: 4"):
        importplan.import_plan(plan, "anytown", "2024-03", "2025-03-31", data_dir=tmp_path)
    assert src.read_bytes() == before


def test_seed_001_text_as_a_plan(tmp_path, capsys):
    numbers = tuple(str(n) for n in range(1, 10))
    src = make_source(tmp_path, "brentwood", "2024-03", numbers,
                      targets={"1": "Oct 24", "2": "Oct 24", "3": "May 24"})
    code, out, err = run_cli([str(SEED_001), "--council", "brentwood", "--challenge", "2024-03", "--as-of",
                              "2024-07-01", "--data-dir", str(tmp_path), "--source-kind", "council_page",
                              "--source-url", "https://www.brentwood.gov.uk/corporate-peer-review",
                              "--source-title", "Corporate Peer Review action plan"], capsys)
    assert code == 0, err
    assert "added 9 updates" in out
    record = load_source(src)
    new = {r["number"]: r["updates"][-1] for r in record["recommendations"]}
    assert [n for n, u in new.items() if u["status"] == "complete"] == ["3", "7"]
    assert new["2"]["revised_target"] == "Dec 24"  # recorded Oct 24, plan says Dec 24
    assert new["1"]["revised_target"] is None  # same as recorded
    assert new["4"]["revised_target"] is None  # no target recorded: nothing to revise (a warning says so)
    assert "recommendation 4: the plan gives the timescale 'Sep 24' but no target is recorded" in out
    assert new["1"]["note"].startswith("- We have identified the key themes")
    assert record["sources"][-1] == {"id": "s2", "url": "https://www.brentwood.gov.uk/corporate-peer-review",
                                     "title": "Corporate Peer Review action plan", "kind": "council_page",
                                     "published": None}


def test_data_dir_from_environment(tmp_path, monkeypatch):
    src = make_source(tmp_path)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    plan = make_plan(tmp_path, PLAN_ROWS)
    result = importplan.import_plan(plan, "anytown", "2024-03", "2025-03-31")
    assert result["path"] == str(src) and result["written"]


def test_xlsx_plan_with_revised_target_column(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    import datetime as dt

    src = make_source(tmp_path)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Anytown action plan"])
    ws.append(["No.", "Recommendation", "Original target", "Revised target date", "Progress", "Comments"])
    ws.append([1, "Agree a vision", "Oct 24", None, "Completed", "Adopted"])
    ws.append([2, "Write a corporate plan", "Dec 24", dt.datetime(2025, 9, 30), "Delayed", "Waiting for the budget"])
    ws.append([3, "Monthly leadership meeting", "May 24", None, "Complete", None])
    plan = tmp_path / "plan.xlsx"
    wb.save(plan)
    importplan.import_plan(plan, "anytown", "2024-03", "2025-03-31", data_dir=tmp_path)
    new = {r["number"]: r["updates"][-1] for r in load_source(src)["recommendations"]}
    assert new["2"]["revised_target"] == "2025-09-30" and new["2"]["status"] == "delayed"
    assert new["1"]["revised_target"] is None and new["1"]["note"] == "Adopted"


@pytest.mark.parametrize("make_bad, message", [
    (lambda p: p / "missing.csv", "no such file"),
    (lambda p: (p / "empty.csv").write_bytes(b"") and None or p / "empty.csv", "the file is empty"),
    (lambda p: (p / "junk.csv").write_bytes(bytes(range(256)) * 20) and None or p / "junk.csv", "binary content"),
    (lambda p: (p / "plan.doc").write_bytes(b"x") and None or p / "plan.doc", "unsupported file type"),
    (lambda p: (p / "prose.txt").write_text("Nothing to see here.\n") and None or p / "prose.txt",
     "found no recommendations"),
])
def test_bad_plan_files_change_nothing(tmp_path, make_bad, message, capsys):
    src = make_source(tmp_path)
    before = src.read_bytes()
    bad = make_bad(tmp_path)
    code, out, err = run_cli([str(bad), "--council", "anytown", "--challenge", "2024-03", "--as-of", "2025-03-31",
                              "--data-dir", str(tmp_path)], capsys)
    assert code == 2 and message in err and err.count("\n") == 1
    assert src.read_bytes() == before
    assert sorted(p.name for p in src.parent.iterdir()) == [src.name]  # no temporary files left


def test_big_plan_is_refused(tmp_path):
    src = make_source(tmp_path)
    big = tmp_path / "big.xlsx"
    with open(big, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    with pytest.raises(UserError, match="over the 20 MB limit"):
        importplan.import_plan(big, "anytown", "2024-03", "2025-03-31", data_dir=tmp_path)


@pytest.mark.parametrize("kwargs, message", [
    ({"as_of": "soon"}, "--as-of 'soon': cannot read date"),
    ({"as_of": "TBC"}, "expected the date the plan reports on"),
    ({"challenge": "March 2024"}, "expected the on-site month as YYYY-MM"),
    ({"challenge": "2023-01"}, "no source file"),
    ({"council": "nowhere"}, "no folder"),
    ({"council": "Any Town"}, "expected a lower-case slug"),
])
def test_bad_arguments(tmp_path, kwargs, message):
    make_source(tmp_path)
    plan = make_plan(tmp_path, PLAN_ROWS)
    args = {"council": "anytown", "challenge": "2024-03", "as_of": "2025-03-31"} | kwargs
    with pytest.raises(UserError, match=message.replace("(", r"\(")):
        importplan.import_plan(plan, args["council"], args["challenge"], args["as_of"], data_dir=tmp_path)
