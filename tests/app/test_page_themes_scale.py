"""The Themes page at national scale: its counts come from SQL aggregates (themes__* queries) that give
exactly what the pandas helpers give on the recommendations themselves; long lists are capped and say
so; the similar-recommendation picker goes council first when there are thousands.

The SQL-equals-pandas checks run on the live dataset (marked live_data); known shares on the frozen fixture
dataset (tests/fixtures/dataset); the caps on synthetic data."""

from __future__ import annotations

import pandas as pd
import pytest

from peer_challenges.analysis import trend_charts as ac
from peer_challenges.store import db as data
from peer_challenges.devtools import synth
from peer_challenges.domain import taxonomy as themes
from peer_challenges.store.db import run_query
from tests.app.test_pages_themes_slippage import markdown_text, table_with

FINANCE = "Financial planning and management"
live_data = pytest.mark.live_data
FILTERS = [{}, {"council_types": ["district"]}, {"regions": ["London"], "year_from": 2019, "year_to": 2023},
           {"year_from": 2000, "year_to": 2100}]


class Aliases:
    """A taxonomy stand-in whose canonical_topic maps some tags onto others."""

    def __init__(self, mapping: dict):
        self.mapping = mapping

    def canonical_topic(self, tag):
        return self.mapping.get(tag, tag)


def tag_params(taxonomy) -> dict:
    tags = run_query("themes__topic_tags")["tag"].tolist()
    return {"tag_from": tags, "tag_to": [taxonomy.canonical_topic(t) or t for t in tags], "not_tagged": ac.NOT_TAGGED}


def same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    return a.astype(object).values.tolist() == b.astype(object).values.tolist()


@live_data
@pytest.mark.parametrize("filters", FILTERS)
def test_shares_and_council_counts_from_sql_equal_the_pandas_helpers(filters):
    taxonomy = themes.load_taxonomy(themes.default_taxonomy_path())
    recs = run_query("themes__recommendations", **filters)
    recs["topics"] = ac.topic_lists(recs["topics"], taxonomy)
    tags = tag_params(taxonomy)
    counts = run_query("themes__theme_shares", **tags, **filters)
    for level in ("core", "topic"):
        for by in (None, "challenge_year", "council_type", "region"):
            expected = ac.theme_shares(recs, level, by)
            if by == "challenge_year":
                expected["group"] = expected["group"].astype(int)
            assert same(ac.theme_shares_from_counts(counts, level, by), expected), (level, by)
        for top_n in (5, 20, 60):
            grid = run_query("themes__council_theme_counts", level=level, top_n=top_n, **tags, **filters)
            assert same(grid, ac.council_theme_counts(recs, level, top_n)), (level, top_n)
    totals = counts[(counts["breakdown"] == "none") & (counts["level"] == "all")].iloc[0]
    assert (totals["recommendations"], totals["challenges"], totals["councils"]) == (
        len(recs), recs["challenge_id"].nunique(), recs["council_id"].nunique())


def test_known_shares_of_the_fixtures_11_challenges_with_actual_recommendations(on_fixture):
    """13 challenges have records, but Fylde's 9 are placeholders and Tower Hamlets' 18 are headings: theme
    shares count actual recommendations only, over the 11 challenges that have some."""
    counts = run_query("themes__theme_shares", **tag_params(themes.load_taxonomy(themes.default_taxonomy_path())))
    core = ac.theme_shares_from_counts(counts, "core").set_index("theme")
    assert (core["challenges_with_recommendations"] == 11).all()
    assert ac.pct(core.at["Local priorities and outcomes", "share"]) == "91%"  # 10 of 11
    assert ac.pct(core.at["Organisational and place leadership", "share"]) == "55%"  # 6 of 11
    assert ac.pct(core.at[FINANCE, "share"]) == "82%"  # 9 of 11
    assert core["challenges"].to_dict() == {
        "Local priorities and outcomes": 10, "Governance and culture": 10, "Capacity for improvement": 9,
        FINANCE: 9, "Organisational and place leadership": 6}
    left_out = run_query("themes__left_out").set_index("record_kind")
    assert left_out[["records", "challenges", "stands_for"]].to_dict("index") == {
        "heading_or_group": {"records": 18, "challenges": 1, "stands_for": 18},
        "placeholder": {"records": 9, "challenges": 1, "stands_for": 9}}


@live_data
def test_core_shares_are_between_0_and_1_of_the_challenges_with_recommendations():
    counts = run_query("themes__theme_shares", **tag_params(themes.load_taxonomy(themes.default_taxonomy_path())))
    with_recs = run_query("themes__recommendations")["challenge_id"].nunique()
    for level in ("core", "topic"):
        shares = ac.theme_shares_from_counts(counts, level)
        assert (shares["challenges_with_recommendations"] == with_recs).all()
        assert shares["share"].between(0, 1).all() and (shares["challenges"] <= with_recs).all()
        assert list(shares["share"]) == pytest.approx(list(shares["challenges"] / with_recs))


@live_data
def test_a_recommendation_with_two_tags_on_one_topic_counts_once():
    """An alias mapping two stored tags onto one topic id (budget -> finance): the SQL dedupes per
    recommendation, as topic_lists does."""
    taxonomy = Aliases({"budget": "finance"})
    recs = run_query("themes__recommendations")
    assert recs["topics"].map(lambda ts: {"budget", "finance"} <= set(ts)).any()
    recs["topics"] = ac.topic_lists(recs["topics"], taxonomy)
    tags = tag_params(taxonomy)
    counts = run_query("themes__theme_shares", **tags)
    for by in (None, "region"):
        expected = ac.theme_shares(recs, "topic", by)
        assert same(ac.theme_shares_from_counts(counts, "topic", by), expected)
    assert "budget" not in set(ac.theme_shares_from_counts(counts, "topic")["theme"])
    grid = run_query("themes__council_theme_counts", level="topic", top_n=20, **tags)
    assert same(grid, ac.council_theme_counts(recs, "topic", 20))


@live_data
def test_the_list_query_filters_by_theme_in_the_order_of_the_full_list():
    recs = run_query("themes__recommendations")
    full = run_query("themes__theme_recommendations", not_tagged=ac.NOT_TAGGED, limit=1000)
    assert list(full["recommendation_id"]) == list(recs["recommendation_id"])
    core = run_query("themes__theme_recommendations", core_theme=FINANCE, not_tagged=ac.NOT_TAGGED, limit=1000)
    assert list(core["recommendation_id"]) == list(recs.loc[recs["core_theme"] == FINANCE, "recommendation_id"])
    untagged = run_query("themes__theme_recommendations", core_theme=ac.NOT_TAGGED, not_tagged=ac.NOT_TAGGED, limit=1000)
    assert list(untagged["recommendation_id"]) == list(recs.loc[recs["core_theme"].isna(), "recommendation_id"])
    topic = run_query("themes__theme_recommendations", topic_tags=["finance"], not_tagged=ac.NOT_TAGGED, limit=1000)
    assert list(topic["recommendation_id"]) == list(
        recs.loc[recs["topics"].map(lambda ts: "finance" in list(ts)), "recommendation_id"])
    assert list(run_query("themes__theme_recommendations", limit=7)["recommendation_id"]) == list(
        recs["recommendation_id"].head(7))


@live_data
def test_label_sources_count_curated_proposed_and_none():
    recs = run_query("themes__recommendations", council_types=["district"])
    row = run_query("themes__label_sources", council_types=["district"]).iloc[0]
    assert row["core_curated"] == (recs["core_theme_source"] == "curated").sum()
    assert row["core_labelled"] == recs["core_theme_source"].notna().sum()
    assert row["topics_none"] == recs["topics_source"].isna().sum()


# ---------------------------------------------------------------- the page


def test_a_council_in_the_link_opens_the_similar_search_on_its_first_recommendation(on_fixture, make_app):
    at = make_app("themes", {"council": "stroud"}).run()
    assert not at.exception
    assert at.selectbox(key="th_rec").value == "stroud-2019-03-r01"
    assert "**Stroud District Council (2019-03)**" in markdown_text(at)
    # the fixture is below every cap: nothing says "showing the first"
    assert not any("Showing the first" in c.value or "closest pairs are shown" in c.value for c in at.caption)


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    """Synthetic data at scale 1 (317 councils, 7,061 recommendations): past the list and picker caps."""
    out = tmp_path_factory.mktemp("synth") / "scale-1"
    manifest = synth.synth(1, out, seed=1, sample=0)
    return out, manifest


@pytest.fixture
def on_national(national, use_data):
    out, manifest = national
    use_data(out)
    return manifest


def test_at_scale_long_lists_are_capped_and_say_showing_n_of_m(on_national, make_app):
    n = on_national["rows"]["recommendations"]
    at = make_app("themes").run()
    assert not at.exception, [e.value for e in at.exception]
    assert {m.label: m.value for m in at.metric}["Recommendations recorded"] == f"{n:,}"
    assert len(table_with(at, "Council page")) == 1000
    captions = [c.value for c in at.caption]
    assert f"Showing the first 1,000 of {n:,} (by council and challenge); the *Explore and download* page " \
           "downloads them all." in captions
    assert f"**{n:,} of {n:,} recommendations**" in markdown_text(at)
    # picking a theme: the count is the theme's, the table at most 1,000 rows
    at.selectbox(key="th_theme").set_value(f"core:{FINANCE}").run()
    expected = int((run_query("themes__recommendations")["core_theme"] == FINANCE).sum())
    assert f"**{expected:,} of {n:,} recommendations**" in markdown_text(at)
    assert len(table_with(at, "Council page")) == min(expected, 1000)


def test_at_scale_the_similar_search_picks_a_council_first(on_national, make_app):
    at = make_app("themes", {"council": "synthetic-council-0100"}).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="th_rec_council").value == "synthetic-council-0100"
    recs = at.selectbox(key="th_rec").options
    assert 0 < len(recs) < 40  # the council's own recommendations, not all 7,061
    assert at.selectbox(key="th_rec").value.startswith("synthetic-council-0100-")
    assert len(table_with(at, "Similarity")) == 5
    # another council: its first recommendation is compared, and the link says which
    at.selectbox(key="th_rec_council").set_value("synthetic-council-0200").run()
    assert not at.exception
    assert at.selectbox(key="th_rec").value.startswith("synthetic-council-0200-")
    assert at.query_params["rec"] == at.selectbox(key="th_rec").value
    # a link to a recommendation opens on it and on its council
    at = make_app("themes", {"rec": "synthetic-council-0100-2021-04-r05"}).run()
    assert at.selectbox(key="th_rec_council").value == "synthetic-council-0100"
    assert at.selectbox(key="th_rec").value == "synthetic-council-0100-2021-04-r05"


def test_at_scale_repeats_show_the_closest_and_count_them_all(on_national, make_app):
    at = make_app("themes").run()
    heading = next(m.value for m in at.markdown if "closely match" in m.value)
    n_flag = int(heading.split()[1].replace(",", ""))
    assert n_flag > 50
    assert any(c.value.startswith("The 50 closest pairs are shown here") for c in at.caption)
    assert len(table_with(at, "Later recommendation")) == min(n_flag, 1000)
