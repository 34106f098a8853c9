"""Chart builders are pure (DataFrame -> Figure) and their titles state the finding computed from the data."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from peer_challenges.analysis import charts, narrative
from peer_challenges.store import db as data

CHARTS_SOURCE = Path(charts.__file__).read_text(encoding="utf-8")


def test_charts_module_imports_no_duckdb_or_streamlit():
    imported = set()
    for node in ast.walk(ast.parse(CHARTS_SOURCE)):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"duckdb", "streamlit"}


def test_challenges_per_year_title_states_peak_and_top_type():
    df = pd.DataFrame({
        "year": [2022, 2022, 2023, 2023, None],
        "council_type": ["district", "county", "district", "unitary", "district"],
        "challenges": [5, 2, 3, 1, 4],
    })
    fig = charts.challenges_per_year(df)
    assert charts.headline(fig) == "2022 had the most challenges on record (7 of 11); district councils had 8 of the 11"
    assert isinstance(fig, go.Figure)
    assert {t.name for t in fig.data} == {"District", "County", "Unitary"}
    # colour is not the only cue: every type but the first has a pattern
    assert {t.marker.pattern.shape for t in fig.data} - {""}


def test_challenges_per_year_ties_and_empty():
    tie = pd.DataFrame({"year": [2020, 2021], "council_type": ["county", "county"], "challenges": [2, 2]})
    assert charts.headline(charts.challenges_per_year(tie)) == "2020 and 2021 had the most challenges on record (2 each of 4)"
    empty = pd.DataFrame({"year": [None], "council_type": ["county"], "challenges": [1]})
    assert charts.headline(charts.challenges_per_year(empty)) == "No dated challenges match these filters"


def test_top_topics_title_states_share_of_denominator():
    df = pd.DataFrame({
        "topic": ["finance", "governance", "culture"], "challenges": [8, 5, 2],
        "recommendations": [12, 6, 2], "challenges_with_recommendations": [20, 20, 20],
    })
    fig = charts.top_topics(df, {"finance": "Finance and budgets"})
    assert charts.headline(fig) == ("Finance and budgets is the most frequent topic: raised in 8 of the 20 "
                                    "challenges with recommendations recorded (40%)")
    assert list(fig.data[0].y)[-1] == "Finance and budgets"  # most frequent drawn at the top
    assert list(fig.data[0].text)[-1] == "8 (40%)"


def test_days_to_progress_review_counts_within_norm_and_median():
    df = pd.DataFrame({"days_to_progress_review": [250, 300, 330, 400, 500],
                       "within_norm": [True, True, False, False, False]})
    fig = charts.days_to_progress_review(df)
    assert charts.headline(fig) == ("2 of 5 progress reviews came within about 10 months of the on-site visit; "
                                    "the median wait was 330 days (about 11 months)")
    assert sorted(t.name for t in fig.data) == ["Later than 10 months (3)", "Within about 10 months (2)"]


def test_overview_charts_on_the_real_data():
    per_year = data.run_query("overview__challenges_per_year")
    by_year = per_year.dropna(subset=["year"]).groupby("year")["challenges"].sum()
    title = charts.headline(charts.challenges_per_year(per_year))
    assert title.startswith(f"{int(by_year.idxmax())} had the most challenges on record ({int(by_year.max())} of "
                            f"{int(by_year.sum())})")
    reviews = data.run_query("overview__progress_review_days")
    title = charts.headline(charts.days_to_progress_review(reviews))
    assert title.startswith(f"{int(reviews['within_norm'].sum())} of {len(reviews)} progress reviews")
    # the page draws the same chart from the database's 30-day bins: same headline, same bars
    bins = data.run_query("overview__progress_review_bins")
    binned = charts.days_to_progress_review(bins, median=bins["median_days"].iloc[0])
    assert charts.headline(binned) == title == (
        "37 of 97 progress reviews came within about 10 months of the on-site visit; "
        "the median wait was 325 days (about 11 months)")
    per_bin = reviews.assign(bin=30 * (reviews["days_to_progress_review"] // 30)).groupby(
        ["bin", "within_norm"]).size()
    assert per_bin.to_dict() == {(int(b), bool(w)): int(c) for b, w, c in
                                 zip(bins["bin_start"], bins["within_norm"], bins["challenges"])}


def test_council_timeline_for_brentwood_and_undated_challenge():
    challenges = data.run_query("council__challenges", council_id="brentwood")
    steps = narrative.milestones(challenges.iloc[0].to_dict())
    fig = charts.council_timeline(steps)
    assert charts.headline(fig) == ("The progress review took place 265 days after the on-site visit, within the "
                                    "LGA norm of about 10 months; 3 steps have no known date")
    assert {t.name for t in fig.data} == {"LGA norm", "Actual"}
    kc = data.run_query("council__challenges", council_id="kensington-and-chelsea").iloc[0].to_dict()
    assert charts.timeline_headline(narrative.milestones(kc)) == (
        "The on-site date is not known, so the timeline cannot be measured")


def _comparison(challenge_id: str) -> pd.DataFrame:
    df = data.run_query("council__comparison", challenge_id=challenge_id)
    return df.assign(label=df["grp"], is_this=df["grp"] == "this")


def test_comparison_charts_state_this_challenge_against_all():
    stroud = _comparison("stroud-2019-03")
    assert charts.headline(charts.comparison_completion(stroud)) == (
        "38% of this challenge's recommendations with a reported status are complete, against 26% across all councils")
    assert charts.headline(charts.comparison_progress_review(stroud)) == (
        "This challenge has no progress-review date; across all councils the median is 325 days (of 97 challenges)")
    brentwood = _comparison("brentwood-2024-03")
    assert charts.headline(charts.comparison_progress_review(brentwood)) == (
        "The progress review came 265 days after the on-site visit, within the ~10-month norm; the median across "
        "all councils is 325 days")
    fig = charts.comparison_completion(brentwood)
    # this challenge is highlighted by colour AND outline, and its label names it
    assert list(fig.data[0].marker.line.width)[0] == 2 and list(fig.data[0].marker.line.width)[1] == 0
    assert list(fig.data[0].text)[0] == "22% of 9"


def test_okabe_ito_palette_only():
    palette = set(charts.OKABE_ITO.values())
    assert set(charts.COUNCIL_TYPE_COLOURS.values()) <= palette
