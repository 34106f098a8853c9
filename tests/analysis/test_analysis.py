"""Issue 4: the analysis queries (the lead's four named queries and the themes__* / slippage__* ones) and
the pure summaries and figures in peer_challenges/analysis_charts.py.

Known answers: Stroud's 2019-03 challenge -> 8 rows, 3 on time, 5 open and overdue by 183 days (as of
30 Sep 2020 against 31 Mar 2020) with revised target 31 Mar 2021; Brentwood 2024 -> 9 rows, numbers 3
and 7 complete; council_summary Brentwood -> 2024-03, 9 recommendations, 2 complete; process_timeliness
Stroud 2019 -> 51 days to report. Those run on the live dataset (marked live_data), with invariants (a total
equals its parts, an unfiltered query returns every row); national totals are checked on the frozen fixture
dataset (tests/fixtures/dataset: 18 challenges, 106 recommendations).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from peer_challenges.analysis import timeliness_charts as tc
from peer_challenges.analysis import trend_charts as ac
from peer_challenges.store.db import default_connection, run_query

ROOT = Path(__file__).resolve().parents[2]
D = dt.date
live_data = pytest.mark.live_data


def count(sql: str) -> int:
    """A count straight from the tables of the data folder in use (an independent computation)."""
    return int(default_connection().execute(sql).fetchone()[0])


def cli(*args) -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "peer_challenges", "query", *args, "--format", "json"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def day(value) -> D | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


# ---------------------------------------------------------------- the lead's four named queries


@live_data
def test_stroud_2019_through_the_cli():
    rows = [r for r in cli("recommendation_status", "--param", "council_id=stroud")
            if r["challenge_id"] == "stroud-2019-03"]
    assert len(rows) == 8
    assert [r["number"] for r in rows] == [f"CRD{i}" for i in range(1, 9)]
    buckets = pd.Series([r["slippage_bucket"] for r in rows]).value_counts().to_dict()
    assert buckets == {"open_overdue": 5, "on_time": 3}
    for r in rows:
        assert r["target_date"] == "2020-03-31" and r["target_precision"] == "year"
        if r["slippage_bucket"] == "open_overdue":
            assert r["slippage_days"] == 183
            assert r["latest_as_of"] == "2020-09-30"
            assert r["revised_target"] == "2021-03-31"
            assert r["latest_status"] == "in_progress"
        else:
            assert r["latest_status"] == "complete" and r["slippage_days"] == 0


@live_data
def test_stroud_2019_through_run_query():
    df = run_query("recommendation_status", council_id="stroud", challenge_id="stroud-2019-03")
    assert len(df) == 8
    overdue = df[df["slippage_bucket"] == "open_overdue"]
    assert list(overdue["number"]) == ["CRD3", "CRD4", "CRD6", "CRD7", "CRD8"]
    assert set(overdue["slippage_days"]) == {183}
    assert {day(v) for v in overdue["latest_as_of"]} == {D(2020, 9, 30)}
    assert {day(v) for v in overdue["target_date"]} == {D(2020, 3, 31)}
    assert {day(v) for v in overdue["revised_target"]} == {D(2021, 3, 31)}
    assert (df["slippage_bucket"] == "on_time").sum() == 3


@live_data
def test_brentwood_2024():
    df = run_query("recommendation_status", council_id="brentwood", challenge_id="brentwood-2024-03")
    assert len(df) == 9
    assert sorted(df.loc[df["latest_status"] == "complete", "number"]) == ["3", "7"]
    assert (df["latest_status"] == "in_progress").sum() == 7
    rows = [r for r in cli("recommendation_status", "--param", "council_id=brentwood") if r["challenge_id"] == "brentwood-2024-03"]
    assert len(rows) == 9 and sorted(r["number"] for r in rows if r["latest_status"] == "complete") == ["3", "7"]


@live_data
def test_council_summary_brentwood():
    df = run_query("council_summary").set_index("council_id")
    row = df.loc["brentwood"]
    assert row["challenge_month"] == "2024-03"
    assert row["recommendations"] == 9 and row["complete"] == 2
    rows = {r["council_id"]: r for r in cli("council_summary")}
    assert rows["brentwood"]["challenge_month"] == "2024-03" and rows["brentwood"]["complete"] == 2


@live_data
def test_process_timeliness_stroud_2019():
    df = run_query("process_timeliness", council_id="stroud").set_index("challenge_id")
    assert df.loc["stroud-2019-03", "days_to_report"] == 51
    # the overlay dates Stroud's report by its first committee, so the 3-month norm is not judged on it
    assert df.loc["stroud-2019-03", "report_published_basis"] == "committee"
    assert pd.isna(df.loc["stroud-2019-03", "report_verdict"]) and pd.isna(df.loc["stroud-2019-03", "report_on_time"])
    assert (df.loc["stroud-2019-03", "days_to_report_min"], df.loc["stroud-2019-03", "days_to_report_max"]) == (51, 51)
    assert bool(df.loc["stroud-2019-03", "approximate"]) is False
    rows = {r["challenge_id"]: r for r in cli("process_timeliness", "--param", "council_id=stroud")}
    assert rows["stroud-2019-03"]["days_to_report"] == 51


@live_data
def test_theme_counts_denominators_are_challenges_with_recommendations():
    df = run_query("theme_counts", level="core")
    assert (df["challenges"] <= df["challenges_with_recommendations"]).all()
    assert df["level"].eq("core").all()


# ---------------------------------------------------------------- the themes__* / slippage__* queries


@live_data
def test_themes_recommendations_carries_wording_and_label_sources():
    df = run_query("themes__recommendations")
    # every record that is one recommendation with its own wording, once
    assert len(df) == count("SELECT count(*) FROM recommendations WHERE record_kind IN ('recommendation', 'inferred')")
    assert df["recommendation_id"].is_unique
    seed = df.set_index("recommendation_id").loc["breckland-2022-06-r01"]
    assert seed["text"].startswith("There are financial challenges ahead")
    assert set(df["core_theme_source"].dropna()) <= {"curated", "tagger"}
    assert df["core_theme_source"].value_counts().to_dict() == dict(default_connection().execute(
        "SELECT core_theme_source, count(*) FROM recommendations WHERE core_theme_source IS NOT NULL "
        "AND record_kind IN ('recommendation', 'inferred') GROUP BY 1").fetchall())
    assert df["core_theme_source"].notna().sum() == df["core_theme"].notna().sum()  # a label always says where from


def test_themes_recommendations_label_sources_on_the_fixture(on_fixture):
    df = run_query("themes__recommendations")
    assert len(df) == 79  # 106 records less Fylde's 9 placeholders and Tower Hamlets' 18 headings
    assert df["core_theme_source"].value_counts().to_dict() == {"curated": 79}
    fylde = run_query("council__recommendations", challenge_id="fylde-2024-09")  # placeholders: never themed from their text
    assert len(fylde) == 9 and fylde["core_theme"].isna().all()
    assert set(run_query("themes__left_out")["record_kind"]) == {"placeholder", "heading_or_group"}


@live_data
def test_list_filters_bind_as_lists_and_from_the_cli():
    districts = run_query("themes__recommendations", council_types=["district"])
    assert len(districts) > 0 and set(districts["council_type"]) == {"district"}
    assert len(districts) == count("SELECT count(*) FROM recommendations JOIN councils USING (council_id) "
                                   "WHERE council_type = 'district' AND record_kind IN ('recommendation', 'inferred')")
    assert len(run_query("themes__recommendations", council_types=[])) == len(run_query("themes__recommendations"))  # empty list = no filter
    rows = cli("themes__recommendations", "--param", "council_types=[district]")
    assert len(rows) == len(districts)


def test_list_filters_on_the_fixture(on_fixture):
    districts = run_query("themes__recommendations", council_types=["district"])
    assert len(districts) == 55 and set(districts["council_type"]) == {"district"}  # Fylde's 9 placeholders out
    both = run_query("themes__recommendations", council_types=["district", "unitary"])
    assert set(both["council_type"]) == {"district", "unitary"} and len(both) == 55 + 3  # Cheshire East's 3
    assert len(run_query("themes__recommendations", council_types=["district", "county"])) == 55  # no county here
    assert len(run_query("themes__recommendations", council_types=[])) == 79  # empty list = no filter
    east = run_query("themes__recommendations", regions=["East of England"], year_from=2022, year_to=2022)
    assert set(east["region"]) == {"East of England"} and set(east["challenge_year"]) == {2022}
    assert len(east) == 24
    rows = cli("themes__recommendations", "--param", "council_types=[district]")  # the CLI follows DATA_DIR
    assert len(rows) == 55


@live_data
def test_challenge_coverage_adds_up_to_the_dataset():
    cov = run_query("themes__challenge_coverage")
    info = run_query("app__dataset_info").iloc[0]
    challenges = count("SELECT count(DISTINCT report_group) FROM challenges")  # a joint challenge once
    assert cov["challenges"].sum() == challenges  # unfiltered: the undated challenge too
    assert info["challenges"] == count("SELECT count(*) FROM challenges")  # the dataset holds one row per council
    recs = run_query("themes__recommendations")
    assert cov["challenges_with_recommendations"].sum() == recs["challenge_id"].nunique()
    # a year filter drops the challenges with no on-site date
    dated = run_query("themes__challenge_coverage", year_from=2000, year_to=2100)
    proc = run_query("process_timeliness")
    assert dated["challenges"].sum() == proc[proc["is_report_group_lead"]]["year"].notna().sum()
    assert dated["challenges"].sum() == count(
        "SELECT count(DISTINCT report_group) FROM challenges WHERE onsite_start IS NOT NULL")


def test_challenge_coverage_on_the_fixture(on_fixture):
    cov = run_query("themes__challenge_coverage")
    # 18 challenges, Babergh and Mid Suffolk's joint one once: 17; 13 hold records, but Fylde's are placeholders
    # and Tower Hamlets' headings, so 11 have recommendations to theme
    assert (cov["challenges"].sum(), cov["challenges_with_recommendations"].sum(),
            cov["challenges_with_records_only_other"].sum()) == (17, 11, 2)
    assert run_query("app__dataset_info").iloc[0]["challenges"] == 18
    # a year filter drops Kensington and Chelsea's undated challenge
    assert run_query("themes__challenge_coverage", year_from=2000, year_to=2100)["challenges"].sum() == 16


@live_data
def test_slippage_recommendations_for_stroud():
    df = run_query("slippage__recommendations", council_id="stroud")
    assert len(df) == 13  # 8 from 2019, 5 from 2022
    overdue = df[df["slippage_bucket"] == "open_overdue"]
    assert len(overdue) == 5 and set(overdue["slippage_days"]) == {183}
    assert set(overdue["latest_status_raw"]) == {"rolled forward to 2020/21"}
    assert {day(v) for v in overdue["revised_target"]} == {D(2021, 3, 31)}
    assert set(overdue["revised_target_precision"]) == {"year"}
    # why the other five cannot be measured
    assert df.loc[df["slippage_days"].isna(), "why_not_measured"].eq("no target recorded").all()


def test_slippage_measurability_nationally(on_fixture):
    df = run_query("slippage__recommendations")
    m = ac.measurability(df)
    # 79: the 106 records less Tower Hamlets' 18 headings and Fylde's 9 placeholders (not recommendations)
    assert m == {**m, "recommendations": 79, "with_target": 17, "measured": 8, "target_no_dated_update": 9,
                 "no_target": 62}  # Brentwood 2024's 9 and Stroud 2019's 8 targets; Stroud's 8 measurable
    assert "8 of the 79 recommendations" in ac.measurability_sentence(m)


@live_data
def test_slippage_measurability_parts_add_up():
    df = run_query("slippage__recommendations")
    m = ac.measurability(df)
    assert m["recommendations"] == len(df) == count(
        "SELECT count(*) FROM recommendation_status WHERE counts_as_recommendation")  # placeholders etc. left out
    assert m["with_target"] == m["measured"] + m["target_no_dated_update"] == df["target_date"].notna().sum()
    assert m["recommendations"] == m["with_target"] + m["no_target"]
    assert m["measured"] == df["slippage_days"].notna().sum() >= 8  # Stroud 2019's eight at least
    assert sum(m["reasons"].values()) == m["recommendations"] - m["measured"]
    assert f"{m['measured']} of the {m['recommendations']} recommendations" in ac.measurability_sentence(m)


def test_progress_review_findings_show_tower_hamlets_disagreements(on_fixture):
    df = run_query("slippage__progress_review_findings", council_id="tower-hamlets")
    disagree = df[df["note_reports_disagreement"]]
    assert list(disagree["number"]) == ["4", "11"]
    assert list(disagree["rag"]) == ["amber", "green"]  # the council's own self-assessed ratings
    every = run_query("slippage__progress_review_findings")
    # Tower Hamlets' 2 disputed ratings, Fylde's 9 own RAGs quoted by its progress review, 6 peer-team findings
    assert (len(every), every["note_reports_disagreement"].sum()) == (17, 2)
    assert every["assessed_by"].value_counts().to_dict() == {"council": 11, "peer_team": 6}
    assert disagree["assessed_by"].eq("council").all() and disagree["peer_view"].str.contains("optimism bias").any()


# ---------------------------------------------------------------- shaping


RECS = pd.DataFrame({
    "recommendation_id": ["a1", "a2", "b1", "c1", "c2", "d1"],
    "challenge_id": ["A", "A", "B", "C", "C", "D"],
    "council_id": ["a", "a", "b", "c", "c", "d"],
    "council_name": ["Aville", "Aville", "Bton", "Cford", "Cford", "Dham"],
    "challenge_year": [2020, 2020, 2020, 2024, 2024, 2024],
    "council_type": ["district", "district", "county", "district", "district", "unitary"],
    "region": ["London"] * 6,
    "core_theme": ["Financial planning and management", "Governance and culture", "Financial planning and management",
                   "Governance and culture", "Governance and culture", None],
    "topics": [["finance", "budget"], ["scrutiny_audit_risk"], ["finance"], [], ["governance"], []],
})


def test_theme_shares_count_challenges_not_recommendations():
    shares = ac.theme_shares(RECS, "core").set_index("theme")
    fin = shares.loc["Financial planning and management"]
    assert (fin["challenges"], fin["challenges_with_recommendations"], fin["recommendations"]) == (2, 4, 2)
    assert fin["share"] == 0.5
    gov = shares.loc["Governance and culture"]
    assert (gov["challenges"], gov["recommendations"], gov["share"]) == (2, 3, 0.5)
    assert shares.loc[ac.NOT_TAGGED, "challenges"] == 1


def test_theme_shares_by_year_use_each_years_denominator():
    shares = ac.theme_shares(RECS, "core", "challenge_year")
    fin = shares[shares["theme"] == "Financial planning and management"].set_index("group")
    assert fin.loc[2020, "share"] == 1.0 and fin.loc[2020, "challenges_with_recommendations"] == 2
    assert fin.loc[2024, "share"] == 0.0 and fin.loc[2024, "challenges_with_recommendations"] == 2


def test_topic_shares_and_headline():
    shares = ac.theme_shares(RECS, "topic")
    assert shares.set_index("theme").loc["finance", "challenges"] == 2
    headline = ac.shares_headline(shares, {"finance": "Finance"}, "topic")
    # under 10 challenges the share is "2 of the 4", never a bare 50%
    assert headline == ("Finance was raised in 2 of the 4 challenges with recommendations recorded – more than any "
                        "other topic")


def test_council_theme_counts_top_n():
    counts = ac.council_theme_counts(RECS, "core", top_n=2)
    assert set(counts["council_id"]) == {"a", "c"}  # two recommendations each; ties by name
    assert counts.set_index(["council_id", "theme"]).loc[("c", "Governance and culture"), "recommendations"] == 2


@live_data
def test_timeliness_summary_and_open_years():
    df = run_query("process_timeliness")
    summary = tc.timeliness_summary(df).set_index("milestone")
    assert summary.loc["progress_review", "norm_months"] == 10
    once = df.sort_values("challenge_id").drop_duplicates("report_group")  # a joint challenge once
    known = once["days_to_progress_review"].notna().sum()
    assert summary.loc["progress_review", "challenges_with_date"] == known
    assert summary.loc["progress_review", "median_days"] == once["days_to_progress_review"].median()
    assert (summary.loc["progress_review", "median_days_min"] <= summary.loc["progress_review", "median_days"]
            <= summary.loc["progress_review", "median_days_max"])
    r = summary.loc["progress_review"]
    assert r["on_time"] + r["missed"] + r["undecidable"] == known
    as_of = tc.data_as_of(df)
    years = tc.open_years(df, "progress_review", as_of)
    assert years and max(years) == int(df["year"].max())
    assert 2019 not in years
    by_year = tc.timeliness_summary(df, "year")
    rows = by_year[by_year["milestone"] == "progress_review"].dropna(subset=["group"])
    assert rows["challenges_with_date"].sum() == known - once.loc[once["year"].isna(), "days_to_progress_review"].notna().sum()
    assert (rows["on_time"] <= rows["challenges_with_date"]).all()


def test_timeliness_by_year_on_the_fixture(on_fixture):
    df = run_query("process_timeliness")
    by_year = tc.timeliness_summary(df, "year")
    rows = by_year[by_year["milestone"] == "progress_review"].dropna(subset=["group"]).set_index("group")
    # 2022: Breckland met it; Babergh and Mid Suffolk's joint review counts once, and its month-only date
    # (293 to 323 days) could fall either side of ten months: undecidable
    assert rows.loc[[2021, 2022, 2023, 2024], ["on_time", "undecidable", "challenges_with_date"]].values.tolist() == [
        [0, 0, 1], [1, 1, 2], [0, 0, 2], [1, 0, 4]]
    assert tc.met_text(1, 1, 2) == "1–2 of 2"
    assert rows.loc[2019, "challenges_with_date"] == 0  # Stroud 2019: no progress review recorded
    assert tc.open_years(df, "progress_review", tc.data_as_of(df)) == []


def test_extremes_sentence_names_ties():
    part = pd.DataFrame({"group": [2018, 2019, 2023], "share_on_time": [0.0, 0.0, 0.5],
                         "share_on_time_max": [0.0, 0.0, 0.5], "on_time": [0, 0, 14], "undecidable": [0, 0, 0],
                         "challenges_with_date": [10, 10, 28]})
    assert tc.extremes_sentence(part) == ("highest 2023 (14 of 28 (50%, 95% interval 33%–67%)), "
                                          "lowest 2018 and 2019 (0 of 10 (0%, 95% interval 0%–28%) each)")


def test_a_share_with_undecidable_verdicts_is_a_range_and_ranks_by_its_middle():
    part = pd.DataFrame({"group": ["a", "b"], "share_on_time": [0.3, 0.4], "share_on_time_max": [0.6, 0.4],
                         "on_time": [3, 4], "undecidable": [3, 0], "challenges_with_date": [10, 10]})
    assert tc.met_text(3, 3, 10) == "3–6 of 10 (30%–60%)"
    assert tc.extremes_sentence(part) == "highest a (3–6 of 10 (30%–60%)), lowest b (4 of 10 (40%, 95% interval 17%–69%))"


# ---------------------------------------------------------------- figures (pure, accessible)


@live_data
def test_slippage_strip_uses_shape_as_well_as_colour():
    df = run_query("slippage__recommendations", council_id="stroud")
    measured = df[df["slippage_days"].notna()]
    fig = ac.slippage_strip(measured, "core_theme", ac.slippage_headline(measured))
    assert isinstance(fig, go.Figure)
    assert fig.layout.title.text == ("3 of 8 measurable recommendations were completed on time; 5 still open a median "
                                     "183 days past the original target")
    symbols = {t.name: t.marker.symbol for t in fig.data}
    assert symbols == {"Completed on time": "circle", "Open, past its original target": "x"}
    assert sorted(x for t in fig.data for x in t.x) == [0, 0, 0, 183, 183, 183, 183, 183]


@live_data
def test_target_dumbbell_shows_revised_beside_original():
    df = run_query("slippage__recommendations", council_id="stroud")
    fig = ac.target_dumbbell(df[df["target_date"].notna()], "t")
    traces = {t.name: t for t in fig.data if t.name}
    assert len(traces["Original target"].x) == 8
    assert len(traces["Revised target (shown beside, not instead)"].x) == 5
    assert len(traces["First reported complete"].x) == 3
    assert len(traces["Latest update: still open"].x) == 5
    assert {day(v) for v in traces["Original target"].x} == {D(2020, 3, 31)}


@live_data
def test_timeliness_dots_star_the_highlighted_council():
    df = run_query("process_timeliness")
    fig = tc.timeliness_dots(df, "report", "t", highlight="stroud", highlight_name="Stroud District Council")
    star = [t for t in fig.data if t.name == "Stroud District Council"][0]
    assert star.marker.symbol == "star" and sorted(star.y) == [51, 72]
    assert "Stroud District Council 2019-03" in star.text


def test_share_charts_print_values_and_denominators():
    fig = ac.share_bar_chart(ac.theme_shares(RECS, "core"), "t")
    assert "2 of 4" in fig.data[0].text and "50%" not in fig.data[0].text  # under 10: counts, not shares
    assert "2 of 4 challenges" in fig.data[0].customdata
    assert fig.layout.xaxis.title.text == "% of the 4 challenges with recommendations recorded"
    heat = ac.share_heatmap(ac.theme_shares(RECS, "core", "challenge_year"), "t", "challenge_year")
    assert any("n=2" in x for x in heat.data[0].x)
    assert {t for row in heat.data[0].text for t in row if t} == {"0 of 2", "1 of 2", "2 of 2"}  # counts, not %
