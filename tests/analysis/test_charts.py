"""Chart builders are pure (DataFrame -> Figure) and their titles state the finding computed from the data."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from peer_challenges.analysis import charts, narrative
from peer_challenges.store import db as data

CHARTS_SOURCE = Path(charts.__file__).read_text(encoding="utf-8")
live_data = pytest.mark.live_data


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


def test_top_topics_over_fewer_than_10_challenges_give_counts_not_percentages():
    df = pd.DataFrame({"topic": ["finance", "culture"], "challenges": [3, 1], "recommendations": [4, 1],
                       "challenges_with_recommendations": [4, 4]})
    fig = charts.top_topics(df)
    assert charts.headline(fig) == ("Finance is the most frequent topic: raised in 3 of the 4 challenges with "
                                    "recommendations recorded")
    assert list(fig.data[0].text) == ["1 of 4", "3 of 4"]


def test_days_to_progress_review_counts_within_norm_and_median():
    df = pd.DataFrame({"days_to_progress_review": [250, 300, 330, 400, 500],
                       "within_norm": [True, True, False, False, False]})
    fig = charts.days_to_progress_review(df)
    assert charts.headline(fig) == ("2 of 5 progress reviews came within about 10 months of the on-site visit; "
                                    "the median wait was 330 days (about 11 months)")
    assert sorted(t.name for t in fig.data) == ["Later than 10 months (3)", "Within about 10 months (2)"]


def _overview_chart_headlines() -> tuple[str, str]:
    """The overview's two chart headlines, checked against the rows they summarise (holds for any dataset)."""
    per_year = data.run_query("overview__challenges_per_year")
    by_year = per_year.dropna(subset=["year"]).groupby("year")["challenges"].sum()
    title = charts.headline(charts.challenges_per_year(per_year))
    peak = [str(int(y)) for y in by_year[by_year == by_year.max()].index]  # ties are all named
    when = peak[0] if len(peak) == 1 else ", ".join(peak[:-1]) + " and " + peak[-1]
    assert title.startswith(f"{when} had the most challenges on record ({int(by_year.max())}"
                            f"{' each' if len(peak) > 1 else ''} of {int(by_year.sum())})")
    reviews = data.run_query("overview__progress_review_days")
    title = charts.headline(charts.days_to_progress_review(reviews))
    met, und = int((reviews["verdict"] == "met").sum()), int((reviews["verdict"] == "undecidable").sum())
    count = f"{met}" if not und else f"{met}–{met + und}"  # month-only dates: a range, not a guess
    assert title.startswith(f"{count} of {len(reviews)} progress reviews")
    # the page draws the same chart from the database's 30-day bins: same headline, same bars
    bins = data.run_query("overview__progress_review_bins")
    binned = charts.days_to_progress_review(bins, median=bins["median_days"].iloc[0], median_range=(
        bins["median_days_min"].iloc[0], bins["median_days_max"].iloc[0]))
    assert charts.headline(binned) == title
    assert f"the median wait was {reviews['days_to_progress_review'].median():.0f} days" in title
    per_bin = reviews.assign(bin=30 * (reviews["days_to_progress_review"] // 30)).groupby(
        ["bin", "verdict"]).size()
    assert per_bin.to_dict() == {(int(b), v): int(c) for b, v, c in
                                 zip(bins["bin_start"], bins["verdict"], bins["challenges"])}
    return charts.headline(charts.challenges_per_year(per_year)), title


@live_data
def test_overview_charts_on_the_real_data():
    per_year, reviews = _overview_chart_headlines()
    assert " had the most challenges on record (" in per_year
    assert " progress reviews came within about 10 months of the on-site visit" in reviews


def test_overview_charts_on_the_fixture(on_fixture):
    assert _overview_chart_headlines() == (
        # Babergh and Mid Suffolk's joint challenge once: 2022 has 4, 2024 has 5
        "2024 had the most challenges on record (5 of 16); district councils had 10 of the 16",
        "2–3 of 9 progress reviews came within about 10 months of the on-site visit; "
        "the median wait was 340 days (about 11 months; between 313 and 340 days given month-only dates)")


@live_data
def test_council_timeline_for_brentwood():
    challenges = data.run_query("council__challenges", council_id="brentwood")
    steps = narrative.milestones(challenges.iloc[0].to_dict())
    fig = charts.council_timeline(steps)
    assert charts.headline(fig) == ("The progress review took place 265 days after the on-site visit, within the "
                                    "LGA norm of about 10 months; 3 steps have no known date")
    assert {t.name for t in fig.data} == {"LGA norm", "Actual"}


def test_council_timeline_for_an_undated_challenge(on_fixture):
    kc = data.run_query("council__challenges", council_id="kensington-and-chelsea").iloc[0].to_dict()
    assert charts.timeline_headline(narrative.milestones(kc)) == (
        "The on-site date is not known, so the timeline cannot be measured")


def _comparison(challenge_id: str) -> pd.DataFrame:
    df = data.run_query("council__comparison", challenge_id=challenge_id)
    return df.assign(label=df["grp"], is_this=df["grp"] == "this")


def test_comparison_charts_state_this_challenge_against_all(on_fixture):
    stroud = _comparison("stroud-2019-03")
    assert charts.headline(charts.comparison_completion(stroud)) == (
        # 8 records: "3 of 8", never a bare 38% beside a national share
        "3 of 8 of this challenge's recommendations with a reported status are complete, against 32% of 25 across "
        "all councils")
    assert charts.headline(charts.comparison_progress_review(stroud)) == (
        "This challenge has no progress-review date; across all councils the median is 340 days (313–340), over 9 "
        "challenges")
    brentwood = _comparison("brentwood-2024-03")
    assert charts.headline(charts.comparison_progress_review(brentwood)) == (
        "The progress review came 265 days after the on-site visit, within the ~10-month norm; the median across "
        "all councils is 340 days (313–340)")
    # the challenge's own verdict is the interval rule's: Babergh's review, known only to its month, is 293 to
    # 323 days after the visit, either side of ~304
    babergh = charts.headline(charts.comparison_progress_review(_comparison("babergh-2022-03")))
    assert babergh.startswith("The progress review came 293 days (293–323) after the on-site visit, which cannot be "
                              "judged against the ~10-month norm (a date known only to its month)")
    fig = charts.comparison_completion(brentwood)
    # this challenge is highlighted by colour AND outline, and its label names it
    assert list(fig.data[0].marker.line.width)[0] == 2 and list(fig.data[0].marker.line.width)[1] == 0
    assert list(fig.data[0].text) == ["2 of 9", "33% of 24", "42% of 12", "32% of 25"]


@live_data
def test_comparison_charts_for_the_seed_councils_against_all():
    reviews = data.run_query("overview__progress_review_days")
    median, n = int(reviews["days_to_progress_review"].median()), len(reviews)
    lo, hi = (int(reviews[f"days_to_progress_review_{end}"].median()) for end in ("min", "max"))
    all_text = f"{median} days" + (f" ({lo}–{hi})" if lo != hi else "")
    stroud = _comparison("stroud-2019-03")
    assert charts.headline(charts.comparison_completion(stroud)).startswith(
        "3 of 8 of this challenge's recommendations with a reported status are complete, against ")
    assert charts.headline(charts.comparison_progress_review(stroud)) == (
        f"This challenge has no progress-review date; across all councils the median is {all_text}, over {n} challenges")
    brentwood = _comparison("brentwood-2024-03")
    assert charts.headline(charts.comparison_progress_review(brentwood)) == (
        "The progress review came 265 days after the on-site visit, within the ~10-month norm; the median across "
        f"all councils is {all_text}")
    assert list(charts.comparison_completion(brentwood).data[0].text)[0] == "2 of 9"  # under 10: k of n


def test_okabe_ito_palette_only():
    palette = set(charts.OKABE_ITO.values())
    assert set(charts.COUNCIL_TYPE_COLOURS.values()) <= palette


def test_council_timeline_leads_with_the_judged_step_not_a_later_unjudged_one(on_fixture):
    # Castle Point 2024: the progress review on site (18 Nov 2025, 441 days) is judged late; its publication
    # (Mar 2026, a council news item's date) is later but not judged, so it no longer heads the finding.
    cp = data.run_query("council__challenges", council_id="castle-point").iloc[0].to_dict()
    assert charts.timeline_headline(narrative.milestones(cp)) == (
        "The progress review took place 441 days after the on-site visit, later than the LGA norm of about "
        "10 months; 1 other dated step is not judged (see the table); 2 steps have no known date")



def test_council_timeline_counts_the_judged_steps_apart_from_the_unjudged(on_fixture):
    col = data.run_query("council__challenges", council_id="colchester")
    c2022 = col[col["challenge_id"] == "colchester-2022-09"].iloc[0].to_dict()
    assert charts.timeline_headline(narrative.milestones(c2022)) == (
        "The progress review was published 344 days after the on-site visit, within the LGA norm of 12 months; "
        "2 of 2 judged steps met their norm; 1 other dated step is not judged (see the table); 1 step has no "
        "known date")


def test_comparison_completion_headline_agrees_in_number_for_one_status(on_fixture):
    # Castle Point 2024: its one status (the peer team's finding) is complete
    assert charts.headline(charts.comparison_completion(_comparison("castle-point-2024-09"))).startswith(
        "1 of 1 of this challenge's recommendations with a reported status is complete, against ")


def test_council_timeline_gives_a_month_only_date_as_its_range(on_fixture):
    # Cheshire East: on site 25 Mar 2024, progress review known only to Feb 2025 (1 to 28 Feb): 313 to 340
    # days, all later than ~10 months (304 days)
    ce = data.run_query("council__challenges", council_id="cheshire-east").iloc[0].to_dict()
    steps = narrative.milestones(ce)
    assert charts.timeline_headline(steps).startswith(
        "The progress review took place 313–340 days after the on-site visit, later than the LGA norm of about "
        "10 months")
    review = steps.set_index("milestone").loc["Progress review on site"]
    assert (review["days_from_onsite"], review["days_min"], review["days_max"]) == (340, 313, 340)
