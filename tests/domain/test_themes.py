"""Taxonomy (data/taxonomy.yaml) and the keyword tagger (peer_challenges/themes.py)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from peer_challenges.domain.taxonomy import (
    CORE_THEMES,
    DEFAULT_TAXONOMY_PATH,
    Taxonomy,
    TaxonomyError,
    Topic,
    agreement,
    facts_records,
    load_taxonomy,
)
from peer_challenges.cli.themes import register

from tests.conftest import require_facts  # ../shared/facts beside the repository (CI has it there)

FIN, CAP, GOV, LPO, OPL = (
    "Financial planning and management", "Capacity for improvement", "Governance and culture",
    "Local priorities and outcomes", "Organisational and place leadership",
)

# Measured on the facts (2026-11-22 collection, 428 recommendations with a curated core theme):
# core theme 322/428 = 75.2%, topics any-overlap 415/430 = 96.5%. Floors sit a few points below,
# so ordinary keyword edits pass but a broken tagger or taxonomy does not.
CORE_THEME_FLOOR = 0.72
TOPIC_OVERLAP_FLOOR = 0.93


@pytest.fixture(scope="module")
def tax() -> Taxonomy:
    return load_taxonomy(DEFAULT_TAXONOMY_PATH)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "taxonomy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


SMALL = """
topics:
  - id: finance
    label: Finance
    description: Money.
    core_theme: Financial planning and management
    aliases: [budget, MTFS]
    keywords: [financ*, council tax, financial planning]
  - id: planning
    label: Planning
    description: Plans.
    core_theme: Local priorities and outcomes
    aliases: [local-plan]
    keywords: [plan, planning, place]
  - id: data
    label: Data
    description: Data.
    core_theme: Capacity for improvement
    aliases: []
    keywords: [data, decision making]
  - id: governance
    label: Governance
    description: Rules.
    core_theme: Governance and culture
    aliases: [decision_making]
    keywords: [governance]
ignore: [in place]
"""


@pytest.fixture()
def small(tmp_path) -> Taxonomy:
    return load_taxonomy(write(tmp_path, SMALL))


# --- the shipped taxonomy --------------------------------------------------------------------


def test_taxonomy_shape(tax):
    assert 20 <= len(tax.topics) <= 28
    for tid, topic in tax.topics.items():
        assert isinstance(topic, Topic) and topic.id == tid
        assert topic.label and topic.description
        assert topic.core_theme in CORE_THEMES[:5]
        assert topic.keywords, f"{tid} has no keywords"
    # every core element is the usual home of at least one topic
    assert {t.core_theme for t in tax.topics.values()} == set(CORE_THEMES[:5])


@pytest.mark.parametrize("text, topic, core", [
    ("Consider whether the council needs to raise finance through borrowing in order to meet council priorities.",
     "finance", FIN),
    ("Align housing operation, housing strategy and strategic planning", "housing_planning", LPO),
    ("Increase programme and project management capabilities", "programme_management", CAP),
    ("Refresh the medium-term financial strategy and rebuild reserves.", "budget", FIN),
    ("Strengthen the overview and scrutiny function.", "scrutiny_audit_risk", GOV),
    ("Introduce a member development programme for all councillors.", "member_development", GOV),
    ("Draw up a communications strategy.", "communications", OPL),
    ("Work with partners across the region on devolution.", "devolution_lgr", OPL),
    ("Develop a workforce strategy covering recruitment and retention.", "workforce", CAP),
    ("Set out a clear vision and a small number of priorities in the corporate plan.", "vision_priorities", LPO),
    ("Review the constitution and the scheme of delegations.", "governance", GOV),
    ("Embed the net zero commitment and climate change action plan.", "climate_environment", LPO),
])
def test_known_answers(tax, text, topic, core):
    assert topic in tax.tag_topics(text)
    assert tax.propose_core_theme(text) == core


def test_known_tags_map(tax):
    assert tax.canonical_topic("MTFS") == "budget"
    assert tax.canonical_topic("Member-Officer Relations") == "member_officer_relations"
    assert tax.canonical_topic("programme management") == "programme_management"
    assert tax.canonical_topic("local_plan") == "housing_planning"
    assert tax.canonical_topic("no_such_tag") is None


CURATED_TAGS = ["contracts", "shared_services", "programme_management", "capital", "risk", "savings",
                "decision_making", "climate", "data", "companies", "structure", "place_leadership",
                "economy", "planning"]


@pytest.mark.parametrize("tag", CURATED_TAGS)
def test_tags_in_our_curated_files_map(tax, tag):
    assert tax.canonical_topic(tag) is not None


def _facts_tags() -> set[str]:
    tags = set()
    for path in require_facts().glob("*.json"):
        for rec in json.loads(path.read_text(encoding="utf-8")).get("recommendations") or []:
            tags.update(rec.get("topics") or [])
    return tags


def test_every_facts_tag_maps_to_a_topic(tax):
    tags = _facts_tags()
    assert len(tags) >= 151
    assert sorted(t for t in tags if tax.canonical_topic(t) is None) == []


def test_agreement_over_facts(tax):
    result = agreement(facts_records(require_facts()), tax)
    core, topics = result["core_theme"], result["topics"]
    assert core["compared"] >= 400
    assert core["rate"] == core["agree"] / core["compared"]
    assert core["rate"] >= CORE_THEME_FLOOR, core
    assert topics["rate"] >= TOPIC_OVERLAP_FLOOR, topics
    assert 0 < topics["mean_jaccard"] <= 1


# --- keyword matching ------------------------------------------------------------------------


def test_word_boundaries(small):
    assert small.tag_topics("Save the planet") == []
    assert small.tag_topics("Send an update to staff") == []  # "data" is inside "update"
    assert small.tag_topics("Better DATA, please") == ["data"]
    assert small.tag_topics("A new plan.") == ["planning"]
    assert small.tag_topics("Several plans") == []  # no '*': the exact word only
    assert small.tag_topics("refinance the loan") == []  # a stem matches from the start of a word
    assert small.tag_topics("Financial sustainability") == ["finance"]
    assert small.tag_topics("finances") == ["finance"]


def test_phrases(small):
    assert small.tag_topics("Improve decision-making") == ["data"]
    assert small.tag_topics("decision\n  making") == ["data"]
    assert small.tag_topics("decision–making") == ["data"]  # en dash
    assert small.tag_topics("Council tax") == ["finance"]
    assert small.tag_topics("council taxes") == []
    assert small.tag_topics("decisions making") == []


def test_longest_phrase_wins_and_ignore(small):
    # "financial planning" belongs to finance, so "planning" inside it does not count for planning
    assert small.tag_topics("Improve financial planning") == ["finance"]
    assert small.tag_topics("Improve financial planning and planning") == ["finance", "planning"]
    assert small.tag_topics("Put governance in place") == ["governance"]
    assert small.tag_topics("A sense of place") == ["planning"]


def test_tag_topics_file_order_and_empty(small):
    assert small.tag_topics("governance data plan finance") == ["finance", "planning", "data", "governance"]
    assert small.tag_topics("") == []
    assert small.tag_topics(None) == []


# --- core theme vote -------------------------------------------------------------------------


def test_vote_majority_and_ties(small):
    # finance (FIN) vs planning (LPO): a tie goes to the theme listed first in CORE_THEMES
    assert small.propose_core_theme("finance plan") == LPO
    # topics given count double
    assert small.propose_core_theme("finance plan", topics=["budget"]) == FIN
    assert small.propose_core_theme("finance plan data governance") == LPO
    assert small.propose_core_theme("", topics=["governance", "data"]) == GOV
    assert small.propose_core_theme("nothing relevant") is None
    assert small.propose_core_theme("nothing relevant", topics=["unknown"]) is None


def test_council_requested_focus_never_proposed(tmp_path):
    text = SMALL.replace("core_theme: Governance and culture", "core_theme: Council-requested focus")
    t = load_taxonomy(write(tmp_path, text))
    assert t.propose_core_theme("governance") is None
    assert t.propose_core_theme("governance", topics=["governance"]) is None


# --- canonical tags --------------------------------------------------------------------------


def test_canonical_topic(small):
    assert small.canonical_topic("finance") == "finance"
    assert small.canonical_topic("Budget") == "finance"
    assert small.canonical_topic("mtfs") == "finance"
    assert small.canonical_topic("Local Plan") == "planning"
    assert small.canonical_topic("local_plan") == "planning"
    assert small.canonical_topic("decision-making") == "governance"
    assert small.canonical_topic("") is None
    assert small.canonical_topic("housing") is None


def test_canonical_topics(small):
    assert small.canonical_topics(["decision making", "housing", "BUDGET", "finance", "data"]) == [
        "finance", "data", "governance"]
    assert small.canonical_topics([]) == []
    assert small.canonical_topics(None) == []


# --- validation ------------------------------------------------------------------------------


def test_duplicate_alias_names_both_topics(tmp_path):
    path = write(tmp_path, SMALL.replace("aliases: [local-plan]", "aliases: [local-plan, Budget]"))
    with pytest.raises(TaxonomyError) as exc:
        load_taxonomy(path)
    msg = str(exc.value)
    assert str(path) in msg and "'finance'" in msg and "'planning'" in msg and "aliases" in msg


def test_alias_that_is_another_topics_id(tmp_path):
    path = write(tmp_path, SMALL.replace("aliases: [local-plan]", "aliases: [local-plan, data]"))
    with pytest.raises(TaxonomyError, match=r"'planning'.*'data'"):
        load_taxonomy(path)


@pytest.mark.parametrize("old, new, expected", [
    ("id: data", "id: finance", r"topic 'finance', field 'id': duplicate"),
    ("core_theme: Capacity for improvement", "core_theme: Capacity", r"topic 'data', field 'core_theme'"),
    ("keywords: [governance]", "keywords: [governance, '']", r"topic 'governance', field 'keywords'"),
    ("keywords: [governance]", "keywords: [gov*ernance]", r"topic 'governance', field 'keywords'.*'\*'"),
    ("keywords: [governance]", "keywords: [governance, 12]", None),  # numbers are read as text
    ("keywords: [governance]", "keywords: governance", None),  # a single word is a list of one
    ("id: data", "id: Data Topic", r"field 'id'"),
    ("label: Data", "label: ''", r"topic 'data', field 'label'"),
    ("aliases: []", "aliases: {a: b}", r"topic 'data', field 'aliases'"),
    ("description: Data.", "descripton: Data.", r"topic 'data': unknown field 'descripton'"),
])
def test_validation_errors(tmp_path, old, new, expected):
    assert old in SMALL
    path = write(tmp_path, SMALL.replace(old, new, 1))
    if expected is None:
        load_taxonomy(path)
        return
    with pytest.raises(TaxonomyError, match=expected) as exc:
        load_taxonomy(path)
    assert str(path) in str(exc.value)


def test_unreadable_files(tmp_path):
    with pytest.raises(TaxonomyError, match="cannot read"):
        load_taxonomy(tmp_path / "missing.yaml")
    with pytest.raises(TaxonomyError, match="not valid YAML"):
        load_taxonomy(write(tmp_path, "topics: [\n  - id: x"))
    with pytest.raises(TaxonomyError, match="topics"):
        load_taxonomy(write(tmp_path, "- id: x\n"))
    with pytest.raises(TaxonomyError, match="unknown top-level field 'topic'"):
        load_taxonomy(write(tmp_path, "topic: []\n"))
    assert issubclass(TaxonomyError, ValueError)


# --- agreement -------------------------------------------------------------------------------


def test_agreement_exact(small):
    records = [
        {"title": "Finance", "text": "council tax", "core_theme": FIN, "topics": ["budget"]},       # agree; topics equal
        {"title": "A plan", "text": None, "core_theme": GOV, "topics": ["governance", "mtfs"]},     # disagree; no overlap
        {"title": "Nothing here", "text": "", "core_theme": CAP, "topics": []},                    # no proposal; no topics
        {"title": "governance data", "core_theme": None, "topics": ["decision_making", "data"]},   # topics equal
        {"title": "data", "core_theme": CAP, "topics": ["unknown_tag"]},                           # agree; tags unmapped
    ]
    result = agreement(records, small)
    assert result["core_theme"] == {"compared": 4, "agree": 2, "rate": 0.5, "no_proposal": 1}
    topics = result["topics"]
    assert (topics["compared"], topics["any_overlap"]) == (3, 2)
    assert topics["rate"] == pytest.approx(2 / 3)
    assert topics["mean_jaccard"] == pytest.approx((1 + 0 + 1) / 3)


def test_agreement_nothing_to_compare(small):
    result = agreement([], small)
    assert result["core_theme"]["compared"] == 0 and result["core_theme"]["rate"] is None
    assert result["topics"]["compared"] == 0 and result["topics"]["mean_jaccard"] is None


# --- command line ----------------------------------------------------------------------------


def _parse(argv):
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def test_cli_tag(capsys):
    args = _parse(["themes", "--tag", "Keep a firm grip on the council's budget"])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "budget" in out and f"core theme: {FIN}" in out


def test_cli_agreement(tmp_path, capsys, small):
    facts = tmp_path / "facts"
    facts.mkdir()
    (facts / "x__2024-01.json").write_text(json.dumps({"recommendations": [
        {"summary": "Strengthen overview and scrutiny.", "core_theme": GOV, "topics": ["scrutiny"]},
        {"summary": "Set a budget.", "core_theme": CAP, "topics": ["budget"]},
    ]}), encoding="utf-8")
    args = _parse(["themes", "--agreement", "--facts", str(facts), "--show-disagreements"])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "1 of 2" in out and "Set a budget." in out


def test_cli_missing_facts_dir(tmp_path):
    from peer_challenges.domain.errors import UserError

    args = _parse(["themes", "--agreement", "--facts", str(tmp_path / "nope")])
    with pytest.raises(UserError, match="facts folder not found"):
        args.func(args)
