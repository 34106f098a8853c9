"""Issue 4: similar and repeated recommendations (peer_challenges/similar.py).

Known answers on the frozen fixture dataset (tests/fixtures/dataset: the Breckland finance seed, Colchester's
and Bury's repeats; TF-IDF scores depend on every other recommendation, so they are pinned only there), the
index's invariants on the live dataset (marked live_data), and exact behaviour on small synthetic frames.
"""

from __future__ import annotations

import pandas as pd
import pytest

from peer_challenges.analysis import similar
from peer_challenges.domain import taxonomy as themes
from peer_challenges.store.db import connect, default_connection, run_query

FINANCE = "Financial planning and management"
BRECKLAND_SEED = "breckland-2022-06-r01"


@pytest.fixture(scope="module")
def recs(fixture_data):
    """The fixture dataset's recommendations."""
    conn = connect(fixture_data)
    try:
        return run_query("themes__recommendations", conn=conn, all_records=True)
    finally:
        conn.close()


@pytest.fixture(scope="module")
def index(recs, fixture_data):
    return similar.build_index(recs, themes.load_taxonomy(fixture_data / "taxonomy.yaml"))


# ---------------------------------------------------------------- cleaning the wording


@pytest.mark.parametrize("raw, clean", [
    ("Be more outspoken (the rest of this recommendation was cut off in the readable excerpt).", "Be more outspoken"),
    ("Recommendation on Strategic vision (topic heading only; full wording not seen).", "Strategic vision"),
    ("Strengthen member development. Inferred from progress minutes; formal wording and number not seen.",
     "Strengthen member development"),
    ("Recommendation grouped by the LGA progress review under 'Governance'; wording not seen.", "Governance"),
    ("Wording not captured (grouped at progress review under finance and property; overview and scrutiny).", ""),
    ("Review the council's companies (Colchester Borough Homes, Colchester Commercial Holdings).",
     "Review the council's companies (Colchester Borough Homes, Colchester Commercial Holdings)"),
    (None, ""),
])
def test_editorial_notes_are_removed_but_content_in_brackets_is_kept(raw, clean):
    assert similar.clean_wording(raw) == clean


def test_document_joins_title_and_a_different_full_text():
    assert similar.document("Adopt a plan", "Adopt a plan") == "Adopt a plan"
    assert similar.document("Adopt a plan", "Adopt the delivery plan by May.") == "Adopt a plan. Adopt the delivery plan by May"


# ---------------------------------------------------------------- similar recommendations (real data)


def test_index_skips_records_with_no_wording(index, recs):
    assert len(index) + len(index.skipped) == len(recs) == 106
    # Fylde's progress-review groupings carry no wording at all
    assert sorted(index.skipped["recommendation_id"]) == [f"fylde-2024-09-r0{i}" for i in range(1, 10)]
    assert BRECKLAND_SEED in index


@pytest.mark.live_data
def test_the_live_index_covers_every_recommendation():
    live = run_query("themes__recommendations", all_records=True)
    index = similar.build_index(live, themes.load_taxonomy(themes.default_taxonomy_path()))
    assert len(index) + len(index.skipped) == len(live) == default_connection().execute(
        "SELECT count(*) FROM recommendations").fetchone()[0]
    assert BRECKLAND_SEED in index and index.pair_score(BRECKLAND_SEED, BRECKLAND_SEED) == pytest.approx(1.0)
    hits = similar.similar_to(index, BRECKLAND_SEED, k=5)
    assert len(hits) == 5 and "breckland" not in set(hits["council_id"])
    assert hits["similarity"].is_monotonic_decreasing and 0 < hits["similarity"].iloc[-1] <= hits["similarity"].iloc[0] < 1
    pairs = similar.repeated_recommendations(index)
    assert (pairs["similarity"] >= similar.reference_threshold(index)).all()
    assert (pairs["later_challenge_id"] > pairs["earlier_challenge_id"]).all()


def test_a_recommendation_is_identical_to_itself(index):
    assert index.pair_score(BRECKLAND_SEED, BRECKLAND_SEED) == pytest.approx(1.0)


def test_breckland_finance_seed_finds_finance_recommendations_at_other_councils(index):
    """'There are financial challenges ahead; it should be the collective responsibility of all staff and
    members to ensure financial targets are met.' -> MTFS / budget-gap recommendations elsewhere."""
    hits = similar.similar_to(index, BRECKLAND_SEED, k=5)
    assert len(hits) == 5
    assert "breckland" not in set(hits["council_id"])
    assert (hits["core_theme"] == FINANCE).all(), hits[["council_id", "core_theme", "title"]]
    assert hits["similarity"].is_monotonic_decreasing
    assert 0 < hits["similarity"].iloc[-1] <= hits["similarity"].iloc[0] < 1
    # the closest is Tower Hamlets' medium-term financial strategy; Bury's money plan is among them
    assert list(hits["recommendation_id"]) == ["tower-hamlets-2023-09-r02", "stroud-2019-03-r07", "bury-2023-11-r04",
                                               "bury-2023-11-r07", "castle-point-2024-09-r01"]
    assert hits["title"].str.contains("medium-term financ", case=False).any()
    assert "financ" in hits.iloc[0]["shared"]


def test_bury_money_plan_finds_medium_term_financial_plans(index):
    hits = similar.similar_to(index, "bury-2023-11-r04", k=5)
    assert list(hits["recommendation_id"]) == ["tower-hamlets-2023-09-r02", "stroud-2019-03-r07", "castle-point-2024-09-r01",
                                               "colchester-2014-06-r02", "stroud-2019-03-r04"]
    assert (hits["core_theme"].head(4) == FINANCE).all()
    assert hits["title"].str.contains("medium-term|MTFS|MTFP", case=False, regex=True).sum() == 2


def test_same_council_allowed_when_asked(index):
    mine = similar.similar_to(index, "colchester-2022-09-r05", k=5, other_councils=False)
    assert "colchester-2014-06-r01" in set(mine["recommendation_id"])
    assert "colchester-2022-09-r05" not in set(mine["recommendation_id"])


def test_unknown_recommendation_is_a_clear_error(index):
    with pytest.raises(KeyError, match="not in the similarity index"):
        similar.similar_to(index, "no-such-recommendation")


# ---------------------------------------------------------------- repeated recommendations (real data)


def test_councils_with_two_or_more_challenges_with_recommendations(recs):
    repeat = similar.councils_with_repeat_challenges(recs).set_index("council_id")["challenges"]
    assert repeat["stroud"] == ["stroud-2019-03", "stroud-2022-03"]
    assert repeat["bury"] == ["bury-2018-11", "bury-2023-11"]
    assert repeat["colchester"] == ["colchester-2014-06", "colchester-2022-09"]
    assert all(len(c) >= 2 for c in repeat)
    # Brentwood 2021 has no recommendations recorded, so Brentwood is not a repeat council (yet)
    assert "brentwood" not in repeat.index


def test_reference_threshold_is_the_98th_percentile_of_cross_council_pairs(index):
    threshold = similar.reference_threshold(index)
    assert 0.15 < threshold < 0.4
    assert similar.reference_threshold(index, 0.5) < threshold < similar.reference_threshold(index, 0.999)


def test_known_repeats_are_flagged_at_the_default_threshold(index):
    pairs = similar.repeated_recommendations(index)
    found = set(zip(pairs["later_recommendation_id"], pairs["earlier_recommendation_id"]))
    # Colchester 2014 "Make the council's vision and top priorities clearer" ->
    # 2022 "Reduce the number of council priorities, which are too many"
    assert ("colchester-2022-09-r05", "colchester-2014-06-r01") in found
    # Bury 2018 "Improve how the council manages its money" -> 2023 "a single, solid medium-term money plan"
    assert ("bury-2023-11-r04", "bury-2018-11-r02") in found
    # every flagged pair is within one council, later challenge after earlier
    assert (pairs["later_challenge_id"] > pairs["earlier_challenge_id"]).all()
    assert all(a.split("-20")[0] == b.split("-20")[0] for a, b in
               zip(pairs["later_challenge_id"], pairs["earlier_challenge_id"]))
    assert (pairs["similarity"] >= similar.reference_threshold(index)).all()
    assert pairs["similarity"].is_monotonic_decreasing


def test_a_higher_threshold_flags_fewer_pairs(index):
    assert len(similar.repeated_recommendations(index, 0.9)) < len(similar.repeated_recommendations(index, 0.1))


# ---------------------------------------------------------------- synthetic frames


def _frame(rows):
    return pd.DataFrame(rows, columns=["recommendation_id", "council_id", "challenge_id", "challenge_month", "title",
                                       "text", "core_theme", "topics"])


SYNTH = _frame([
    ("a-2019-r1", "a", "a-2019", "2019-01", "Set a balanced medium-term financial strategy", None, FINANCE, ["finance"]),
    ("a-2019-r2", "a", "a-2019", "2019-01", "Improve scrutiny of decisions", None, "Governance and culture", ["scrutiny"]),
    ("a-2023-r1", "a", "a-2023", "2023-01", "Set a balanced medium-term financial strategy urgently", None, FINANCE, ["finance"]),
    ("a-2023-r2", "a", "a-2023", "2023-01", "Plant more trees in parks", None, "Local priorities and outcomes", []),
    ("b-2020-r1", "b", "b-2020", "2020-01", "Close the budget gap in the financial strategy", None, FINANCE, ["finance"]),
    ("b-2020-r2", "b", "b-2020", "2020-01", "Run a staff survey", None, "Capacity for improvement", ["workforce"]),
    ("c-2021-r1", "c", "c-2021", "2021-01", "Recommendation on Scrutiny (heading only)", None, "Governance and culture", ["scrutiny"]),
])


def test_synthetic_repeat_is_flagged_and_unrelated_is_not():
    index = similar.build_index(SYNTH)
    pairs = similar.repeated_recommendations(index, threshold=0.5)
    assert list(zip(pairs["later_recommendation_id"], pairs["earlier_recommendation_id"])) == [("a-2023-r1", "a-2019-r1")]
    assert pairs.iloc[0]["similarity"] > 0.8
    # council b has one challenge only: never compared with itself
    assert "b" not in set(pairs["council_id"])


def test_synthetic_similar_prefers_shared_words_and_topics():
    index = similar.build_index(SYNTH)
    hits = similar.similar_to(index, "b-2020-r1", k=2)
    assert list(hits["council_id"]) == ["a", "a"]
    assert hits.iloc[0]["recommendation_id"] in {"a-2019-r1", "a-2023-r1"}
    assert "financial" in hits.iloc[0]["shared"] and "finance" in hits.iloc[0]["shared"]


def test_empty_and_wordless_frames():
    empty = similar.build_index(_frame([]))
    assert len(empty) == 0
    assert similar.repeated_recommendations(empty, 0.3).empty
    assert similar.reference_threshold(empty) == 1.0
    wordless = similar.build_index(_frame([("x-r1", "x", "x-2020", "2020-01", "(heading only)", None, None, [])]))
    assert len(wordless) == 0 and len(wordless.skipped) == 1
