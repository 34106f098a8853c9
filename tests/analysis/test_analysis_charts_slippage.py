"""Issue 7 (scale): the Slippage page's aggregate and capped queries (queries/slippage__*.sql) give the
figures the page used to compute in pandas from one row per recommendation (slippage__recommendations,
process_timeliness), and its figures keep a bounded number of traces and points.

Checked on the live dataset (marked live_data: the two computations agree; Stroud's known answers: 8
measurable, 5 open and overdue by 183 days), on the frozen fixture dataset (national totals: 8 of 106
measurable) and on a small synthetic dataset (scale 0.3: ~2,000 recommendations, 179 challenges), where
every bucket, reason and milestone occurs.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from peer_challenges.analysis import timeliness_charts as tc
from peer_challenges.analysis import trend_charts as ac
from peer_challenges.store import db as data
from peer_challenges.devtools import synth

live_data = pytest.mark.live_data
NO_FILTERS = {"council_types": None, "regions": None, "year_from": None, "year_to": None, "council_id": None}
NO_THEME = {"core_theme": None, "topic_tags": None}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth-slippage") / "seed-1"
    synth.synth(0.3, out, seed=1, sample=3)
    conn = data.connect(out)
    yield conn
    conn.close()


@pytest.fixture(params=[pytest.param("committed", marks=pytest.mark.live_data), "synthetic"])
def run(request):
    """run(name, **params) on the live dataset (data/) or the synthetic dataset."""
    conn = request.getfixturevalue("synthetic") if request.param == "synthetic" else None
    return lambda name, **params: data.run_query(name, conn=conn, **params)


# ---------------------------------------------------------------- delivery figures


@pytest.mark.parametrize("scope", [{}, {"council_types": ["district"]}, {"year_from": 2019, "year_to": 2022}])
def test_summary_gives_the_figures_of_the_recommendation_rows(run, scope):
    recs = run("slippage__recommendations", **scope)
    summary = run("slippage__summary", **scope, **NO_THEME)
    assert ac.measurability_from_summary(summary) == ac.measurability(recs)
    total = summary[summary["is_total"] == 1].iloc[0]
    overdue = recs[recs["slippage_bucket"] == "open_overdue"]
    assert total["open_overdue"] == len(overdue)
    assert total["on_time"] == (recs["slippage_bucket"] == "on_time").sum()
    assert total["late"] == (recs["slippage_bucket"] == "late").sum()
    if len(overdue):
        assert int(total["overdue_median_days"]) == int(overdue["slippage_days"].median())
    targeted = recs[recs["target_date"].notna()]
    assert total["targeted_revised"] == targeted["revised_target"].notna().sum()
    assert total["targeted_done"] == targeted["completed_on"].notna().sum()
    assert total["targeted_open"] == (targeted["completed_on"].isna() & targeted["latest_as_of"].notna()
                                      & targeted["is_open"].fillna(False).astype(bool)).sum()
    # the "why not measured" table: the reasons in value_counts order (ties in order of first appearance)
    reasons = summary[summary["is_total"] != 1]
    expected = recs["why_not_measured"].fillna("measurable").value_counts()
    assert list(reasons["why_not_measured"].fillna("measurable")) == list(expected.index)
    assert list(reasons["recommendations"]) == list(expected)
    headline = ac.slippage_headline_counts(int(total["measured"]), int(total["on_time"]), int(total["late"]),
                                           int(total["open_overdue"]), total["overdue_median_days"])
    assert headline == ac.slippage_headline(recs[recs["slippage_days"].notna()])


@live_data
def test_summary_on_the_committed_data_knows_stroud():
    summary = data.run_query("slippage__summary", **{**NO_FILTERS, "council_id": "stroud"}, **NO_THEME)
    total = summary[summary["is_total"] == 1].iloc[0]
    assert (total["recommendations"], total["measured"], total["on_time"], total["open_overdue"]) == (13, 8, 3, 5)
    assert total["overdue_median_days"] == 183
    nationally = ac.measurability_from_summary(data.run_query("slippage__summary"))
    assert (nationally["measured"], nationally["recommendations"]) == (
        (data.run_query("slippage__recommendations")["slippage_days"].notna().sum()),
        data.default_connection().execute(  # every recommendation with its own wording, a joint report's once
            "SELECT count(*) FROM themed_selection(NULL, NULL, NULL, NULL, NULL, NULL, NULL)").fetchone()[0])


def test_summary_nationally_on_the_fixture(on_fixture):
    nationally = ac.measurability_from_summary(data.run_query("slippage__summary"))
    assert (nationally["measured"], nationally["with_target"], nationally["recommendations"]) == (8, 17, 79)


def test_empty_selection_summary_reads_as_no_recommendations(run):
    summary = run("slippage__summary", council_id="no-such-council")
    m = ac.measurability_from_summary(summary)
    assert m["recommendations"] == 0 and m["measured"] == 0


def test_theme_filters_match_the_pages_old_pandas_filters(run):
    recs = run("slippage__recommendations")
    options = run("slippage__theme_options")
    cores = set(options.loc[options["kind"] == "core", "value"])
    assert cores == set(recs["core_theme"].dropna())
    tags = set(options.loc[options["kind"] == "topic", "value"])
    assert tags == {t for ts in recs["topics"] for t in ts}
    core = sorted(cores)[0]
    summary = run("slippage__summary", core_theme=core)
    assert ac.measurability_from_summary(summary)["recommendations"] == (recs["core_theme"] == core).sum()
    tag = sorted(tags)[0]
    summary = run("slippage__summary", topic_tags=[tag])
    assert ac.measurability_from_summary(summary)["recommendations"] == recs["topics"].map(lambda ts: tag in ts).sum()


def old_groups(recs: pd.DataFrame) -> list[dict]:
    """The open-and-overdue groups as the page used to build them in pandas."""
    overdue = recs[recs["slippage_bucket"] == "open_overdue"]
    keys = ["council_name", "challenge_month", "slippage_days", "latest_as_of", "latest_as_of_precision",
            "target_date", "target_precision"]
    out = []
    for key, part in overdue.groupby(keys, dropna=False):
        rev = part["revised_target"].dropna().unique()
        rev_p = part["revised_target_precision"].dropna().unique()
        out.append({**dict(zip(keys, key)), "recommendations": len(part),
                    "numbers": ", ".join(str(n) for n in part["number"].fillna("–")),
                    "revised": (pd.Timestamp(rev[0]), rev_p[0] if len(rev_p) else None) if len(rev) == 1 else None})
    return out


def test_overdue_groups_are_the_pandas_groups_in_the_same_order(run):
    expected = old_groups(run("slippage__recommendations"))
    got = run("slippage__overdue_groups")
    assert len(got) == len(expected) and (got["groups"] == len(expected)).all()
    for (_, g), e in zip(got.iterrows(), expected):
        assert (g["council_name"], g["challenge_month"], g["slippage_days"], g["numbers"], g["recommendations"]) == (
            e["council_name"], e["challenge_month"], e["slippage_days"], e["numbers"], e["recommendations"])
        assert (g["revised_targets"] == 1) == (e["revised"] is not None)
        if e["revised"]:
            assert (pd.Timestamp(g["revised_target"]), g["revised_target_precision"]) == e["revised"]
    first = run("slippage__overdue_groups", limit=2)
    assert list(first["numbers"]) == [e["numbers"] for e in expected[:2]]
    assert (first["groups"] == len(expected)).all()


@live_data
def test_stroud_overdue_group_on_the_committed_data():
    g = data.run_query("slippage__overdue_groups", council_id="stroud").iloc[0]
    assert g["numbers"] == "CRD3, CRD4, CRD6, CRD7, CRD8" and g["slippage_days"] == 183
    assert g["revised_targets"] == 1 and pd.Timestamp(g["revised_target"]).date() == dt.date(2021, 3, 31)
    assert g["revised_target_precision"] == "year"


def test_targets_and_overdue_lists_take_the_most_slippage_first(run):
    recs = run("slippage__recommendations")
    targeted = recs[recs["target_date"].notna()]
    every = run("slippage__targets")
    assert set(every["recommendation_id"]) == set(targeted["recommendation_id"])
    top = run("slippage__targets", limit=3)
    assert list(top["recommendation_id"]) == list(every["recommendation_id"][:3])
    ranked = targeted["slippage_days"].sort_values(ascending=False, na_position="last")
    assert list(top["slippage_days"].astype("float")) == list(ranked[:3].astype("float"))
    overdue = recs[recs["slippage_bucket"] == "open_overdue"]
    listed = run("slippage__overdue")
    assert set(listed["recommendation_id"]) == set(overdue["recommendation_id"])
    words = overdue.set_index("recommendation_id")["latest_status_raw"]
    assert listed.set_index("recommendation_id")["latest_status_raw"].equals(words.loc[listed["recommendation_id"]])
    few = run("slippage__overdue", limit=2)
    assert len(few) == min(2, len(overdue))
    assert list(few["slippage_days"]) == sorted(overdue["slippage_days"], reverse=True)[:len(few)]


@pytest.mark.parametrize("group_by", ["core_theme", "council_type"])
def test_strip_sample_is_bounded_and_keeps_every_group_and_its_extremes(synthetic, group_by):
    measured = data.run_query("slippage__recommendations", conn=synthetic)
    measured = measured[measured["slippage_days"].notna()]
    every = data.run_query("slippage__strip", conn=synthetic, group_by=group_by)
    assert len(every) == len(measured) and (every["total"] == len(measured)).all()
    sample = data.run_query("slippage__strip", conn=synthetic, group_by=group_by, per_group=10)
    full = measured.groupby(measured[group_by].fillna("∅")).size()
    grp = sample["grp"].fillna("∅")
    assert set(grp) == set(full.index)
    assert (sample.groupby(grp)["group_n"].first() == full).all()
    assert (sample.groupby(grp).size() <= 12).all()  # 10 + the group's earliest and latest
    for g, part in measured.groupby(measured[group_by].fillna("∅")):
        days = sample.loc[grp == g, "slippage_days"]
        assert days.min() == part["slippage_days"].min() and days.max() == part["slippage_days"].max()
    again = data.run_query("slippage__strip", conn=synthetic, group_by=group_by, per_group=10)
    assert list(again["recommendation_id"]) == list(sample["recommendation_id"])  # a fixed sample
    fig = ac.slippage_strip(sample.rename(columns={"grp": group_by}), group_by, "t")
    assert len(fig.data) <= 4
    assert sum(int(t.rsplit("n=", 1)[1].rstrip(")").replace(",", "")) for t in fig.layout.yaxis.ticktext) == len(measured)


# ---------------------------------------------------------------- figures: bounded traces


def dumbbell_rows(n: int) -> pd.DataFrame:
    day = pd.Timestamp("2022-03-31")
    kinds = ["done", "open", "none"]
    rows = []
    for i in range(n):
        kind = kinds[i % 3]
        rows.append({
            "council_name": f"Council {i:04d}", "challenge_month": "2021-06", "seq": 1, "number": str(i),
            "target_date": day, "revised_target": day + pd.Timedelta(days=365) if i % 2 else pd.NaT,
            "completed_on": day + pd.Timedelta(days=i) if kind == "done" else pd.NaT,
            "latest_as_of": day + pd.Timedelta(days=90) if kind != "none" else pd.NaT,
            "is_open": kind == "open",
        })
    return pd.DataFrame(rows)


def test_target_dumbbell_has_a_constant_number_of_traces():
    small, large = ac.target_dumbbell(dumbbell_rows(6), "t"), ac.target_dumbbell(dumbbell_rows(600), "t")
    assert len(small.data) == len(large.data) == 5
    lines = [t for t in large.data if t.mode == "lines"]
    assert len(lines) == 1
    # one segment (start, end, gap) per recommendation with a completion or a dated open update
    assert len(lines[0].x) == 3 * 400 and list(lines[0].x[2::3]) == [None] * 400
    names = {t.name: len(t.x) for t in large.data if t.name}
    assert names == {"Original target": 600, "Revised target (shown beside, not instead)": 300,
                     "First reported complete": 200, "Latest update: still open": 200}


@live_data
def test_timeliness_dots_keep_at_most_six_verdict_styles_the_pandemic_mark_and_the_star():
    df = data.run_query("process_timeliness")
    fig = tc.timeliness_dots(df, "report", "t", highlight="stroud", highlight_name="Stroud District Council")
    assert len(fig.data) <= 8
    assert "Not judged: another kind of date" in {t.name for t in fig.data}  # Stroud's committee date


def test_shown_of_says_what_is_left_out():
    assert ac.shown_of(5, 5, "most overdue", "recommendations") is None
    assert ac.shown_of(1000, 12345, "most overdue", "recommendations open and overdue").startswith(
        "Showing the 1,000 most overdue of 12,345 recommendations open and overdue; narrow the selection")


# ---------------------------------------------------------------- process timeliness


@pytest.mark.parametrize("by", [None, "year", "region", "council_type"])
@pytest.mark.parametrize("scope", [{}, {"regions": ["London"]}, {"council_types": ["district"], "council_id": "stroud"}])
def test_timeliness_summary_in_sql_matches_the_pandas_summary(run, by, scope):
    rows = run("process_timeliness")
    filters = {"council_types": scope.get("council_types") or [], "regions": scope.get("regions") or [],
               "is_default": True}
    mask = pd.Series(True, index=rows.index)
    if filters["council_types"]:
        mask &= rows["council_type"].isin(filters["council_types"])
    if filters["regions"]:
        mask &= rows["region"].isin(filters["regions"])
    proc = rows[mask]
    council = scope.get("council_id")
    if council and not (proc["council_id"] == council).any():
        proc = pd.concat([proc, rows[rows["council_id"] == council]], ignore_index=True)
    wide = run("slippage__timeliness_summary", **scope, by=by)
    got = tc.timeliness_summary_from_sql(wide, by)
    expected = tc.timeliness_summary(proc, by)
    if by is not None:
        expected = expected[expected["group"].notna()].reset_index(drop=True)
        got = got[got["group"].notna()].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    as_of = tc.data_as_of(rows)
    assert pd.Timestamp(wide["data_as_of"].iloc[0]) == as_of
    if by == "year":
        for milestone, _, _ in ac.MILESTONES:
            assert tc.still_open_groups(wide, milestone) == tc.open_years(proc, milestone, as_of)


def test_timeliness_points_sample_keeps_the_starred_council(run):
    every = run("slippage__timeliness_points", milestone="report")
    rows = run("process_timeliness")
    once = rows.sort_values("challenge_id").drop_duplicates("report_group")  # a joint challenge once
    assert len(every) == once["days_to_report"].notna().sum() == every["total"].iloc[0]
    sample = run("slippage__timeliness_points", milestone="report", limit=5, council_id="stroud")
    mine = every[every["council_id"] == "stroud"]
    assert set(mine["challenge_id"]) <= set(sample["challenge_id"])
    assert len(sample) <= 5 + len(mine)
    again = run("slippage__timeliness_points", milestone="report", limit=5, council_id="stroud")
    assert list(again["challenge_id"]) == list(sample["challenge_id"])


@live_data
def test_timeliness_points_for_stroud_on_the_committed_data():
    pts = data.run_query("slippage__timeliness_points", milestone="report", council_id="stroud", limit=3)
    stroud = pts[pts["council_id"] == "stroud"]
    assert sorted(stroud["days"]) == [51, 72] and stroud["on_time"].all()


# ---------------------------------------------------------------- progress-review findings


@live_data
def test_findings_limit_keeps_disagreements_first_and_counts_all():
    every = data.run_query("slippage__progress_review_findings")
    few = data.run_query("slippage__progress_review_findings", limit=3)
    assert len(few) == min(3, len(every)) and list(few["update_id"]) == list(every["update_id"][:3])
    disagreements = int(every["note_reports_disagreement"].sum())
    assert list(few["note_reports_disagreement"]) == [i < disagreements for i in range(len(few))]  # disagreements first
    assert (few["findings_total"] == len(every)).all() and (few["disagreements_total"] == disagreements).all()


def test_findings_totals_on_the_fixture(on_fixture):
    few = data.run_query("slippage__progress_review_findings", limit=3)
    assert list(few["note_reports_disagreement"]) == [True, True, False]  # Tower Hamlets' two first
    assert (few["findings_total"] == 17).all() and (few["disagreements_total"] == 2).all()
