"""Issue 6 worked example: the extractor's drafts of the seed documents agree with the committed sources."""

from __future__ import annotations

from pathlib import Path

from peer_challenges.domain.dates import parse_date
from peer_challenges.sources.extract import extract_file
from peer_challenges.sources.sourcefile import load_source

ROOT = Path(__file__).resolve().parents[2]
SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"


def test_breckland_report_draft_matches_committed_source():
    draft = extract_file(SEEDS / "002_49c2ae1b04875b3a.txt", council_id="breckland")
    committed = load_source(ROOT / "data/sources/breckland/2022-06-corporate-peer-challenge.yaml")
    assert [r["number"] for r in draft["recommendations"]] == [str(i) for i in range(1, 11)]
    assert [r["text"] for r in draft["recommendations"]] == [r["text"] for r in committed["recommendations"]]
    assert (draft["challenge"]["people_met"], draft["challenge"]["meetings_held"]) == (
        committed["challenge"]["people_met"], committed["challenge"]["meetings_held"]) == (90, 38)


def test_brentwood_action_plan_draft_matches_committed_source():
    draft = extract_file(SEEDS / "001_38b853c589099239.txt", council_id="brentwood")
    committed = load_source(ROOT / "data/sources/brentwood/2024-03-corporate-peer-challenge.yaml")
    got = [(r["number"], r["accountable"], r["responsible"], r["target_date"], r["status"]) for r in draft["recommendations"]]
    want = [(r["number"], r["accountable"], r["responsible"], parse_date(r["target_raw"]).value.isoformat(),
             r["updates"][0]["status"]) for r in committed["recommendations"]]
    assert got == want
    assert [n for n, *_, s in got if s == "complete"] == ["3", "7"]
