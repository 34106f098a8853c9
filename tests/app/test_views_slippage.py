"""The Slippage page's view model (peer_challenges.app.views.slippage), without AppTest, on the frozen fixture
dataset (tests/fixtures/dataset) with store.db.run_query as the query callable.

The known answers, worked out by hand from the fixture's source files and checked with direct SQL on its
Parquet tables:

- 106 recommendations; 17 have a dated original target (9 Brentwood 2024-03, month targets with no dated
  update; 8 Stroud 2019-03, target "2019/20" = 31 Mar 2020); 8 are measurable, all Stroud's.
- Stroud 2019-03: CRD1, CRD2 and CRD5 were completed during 2019/20 (on time, 0 days); CRD3, CRD4, CRD6,
  CRD7 and CRD8 were still "rolled forward to 2020/21" at the Q2 2020/21 update (30 Sep 2020): 5 open and
  overdue by 183 days (30+31+30+31+31+30), each with a revised target of 2020/21.
- Feedback report dates for 6 challenges: 51 and 72 days (Stroud 2019-03, 2022-03), 62 (BCP), 65
  (Colchester 2022-09), 92 (Tower Hamlets), 128 (Cheshire East): median 68.5, 4 within 3 months.
- 17 progress-review comments (9 Fylde ratings its review quotes, 3 Tower Hamlets, 3 Castle Point, 2 Colchester);
  the 2 disputes are Tower Hamlets' recommendations 4 (the council's amber) and 11 (its green)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from peer_challenges.analysis import trend_charts as ac
from peer_challenges.app.views import slippage as sv
from peer_challenges.domain.taxonomy import current_taxonomy
from peer_challenges.store.db import run_query

pytestmark = pytest.mark.usefixtures("on_fixture")

ALL = {"council_types": None, "regions": None, "year_from": None, "year_to": None}  # no sidebar filter
STROUD = {"council_id": "stroud"}
FINANCE = "Financial planning and management"


def link(council_id, month) -> str:
    return f"council?council={council_id}&challenge={month}"


def rec_params(scope_params: dict, theme: str = "all") -> dict:
    taxonomy, labels = sv.taxonomy_and_labels(current_taxonomy)
    return sv.rec_params(scope_params, theme, sv.theme_choices(run_query, scope_params, taxonomy, labels).tag_topic)


def delivery(scope_params: dict, theme: str = "all") -> sv.Delivery:
    return sv.delivery(run_query, rec_params(scope_params, theme))


def metrics(items) -> dict:
    return {m.label: m.value for m in items}


@pytest.fixture
def tiny_limits(monkeypatch):
    """The row limits lowered so the fixture is enough to show every cap."""
    for key, value in {"overdue_groups": 1, "strip_per_group": 1, "dumbbell": 2, "table": 3,
                       "timeliness_points": 5, "cards": 1}.items():
        monkeypatch.setitem(ac.SLIPPAGE_LIMITS, key, value)


# ---------------------------------------------------------------- dates, pickers, scope


def test_dated_gives_a_coarse_date_with_the_day_it_is_stored_as():
    assert sv.dated(pd.Timestamp("2020-03-31"), "year") == "2019/20 (ends 31 Mar 2020)"
    assert sv.dated(pd.Timestamp("2020-09-30"), "quarter") == "Q2 2020/21 (ends 30 Sep 2020)"
    assert sv.dated(dt.date(2024, 10, 31), "month") == "Oct 2024 (ends 31 Oct 2024)"
    assert sv.dated(pd.Timestamp("2020-03-31"), "day") == "31 Mar 2020"
    day = pd.Timestamp("2020-03-31")
    assert sv.dated(day, None) == sv.dated(day, float("nan")) == "31 Mar 2020"
    assert sv.dated(pd.NaT, "day") == sv.dated(None, "year") == "–"


def test_an_unreadable_taxonomy_leaves_topic_ids_unlabelled():
    def broken():
        raise ValueError("bad taxonomy file")

    assert sv.taxonomy_and_labels(broken) == (None, {})
    taxonomy, labels = sv.taxonomy_and_labels(current_taxonomy)
    assert taxonomy is not None and labels["finance"] == "Finance and financial management"


def test_council_picker_offers_all_councils_first():
    assert sv.council_choices(["bury", "stroud"]) == ["", "bury", "stroud"]
    names = {"stroud": "Stroud District Council"}
    assert sv.council_choice_label("", names) == "All councils"
    assert sv.council_choice_label("stroud", names) == "Stroud District Council"


def test_one_council_ignores_the_sidebar_filters_and_says_so():
    one = sv.scope("stroud", "Stroud District Council", {**ALL, "regions": ["London"]}, "London")
    assert one.params == {"council_id": "stroud"}
    assert one.description == "Stroud District Council (the sidebar filters do not apply to a single council)"
    every = sv.scope(None, None, ALL, "all councils, all years")
    assert every.params == ALL and every.description == "all councils, all years"


def test_theme_picker_lists_the_5_core_elements_in_cpc_order_then_27_topics_by_label():
    taxonomy, labels = sv.taxonomy_and_labels(current_taxonomy)
    choices = sv.theme_choices(run_query, ALL, taxonomy, labels)
    assert choices.options[:6] == [
        "all", "core:Local priorities and outcomes", "core:Organisational and place leadership",
        "core:Governance and culture", f"core:{FINANCE}", "core:Capacity for improvement"]
    topics = choices.options[6:]
    assert len(topics) == 27 and topics[:3] == ["topic:budget", "topic:capacity", "topic:capital_assets"]
    # sorted by label, not id: social_care_health ("Children, adults and health") comes before "Climate..."
    assert topics.index("topic:social_care_health") == 3
    assert choices.tag_topic["finance"] == "finance"
    # Stroud's 13 recommendations raise 17 of the topics
    assert len(sv.theme_choices(run_query, STROUD, taxonomy, labels).options) == 1 + 5 + 17


def test_a_theme_becomes_a_core_element_or_the_tags_of_a_topic():
    tags = {"finance": "finance", "money": "finance", "governance": "governance"}
    assert sv.rec_params(STROUD, "all", tags) == {"council_id": "stroud", "core_theme": None, "topic_tags": None}
    assert sv.rec_params(STROUD, f"core:{FINANCE}", tags)["core_theme"] == FINANCE
    assert sv.rec_params(STROUD, "topic:finance", tags)["topic_tags"] == ["finance", "money"]


def test_showing_caption_names_the_scope_and_the_theme():
    _, labels = sv.taxonomy_and_labels(current_taxonomy)
    assert sv.showing_caption("all councils, all years", "all", labels) == "Showing: all councils, all years."
    assert (sv.showing_caption("all councils, all years", "topic:finance", labels)
            == r"Showing: all councils, all years; topic\: finance and financial management.")


# ---------------------------------------------------------------- delivery against targets


def test_fixture_has_8_measurable_of_79_3_on_time_0_late_5_overdue_by_a_median_183_days():
    d = delivery(ALL)
    assert metrics(sv.delivery_metrics(d)) == {
        "Measurable": "8 of 79", "Completed on time": "3", "Completed late": "0", "Open and overdue": "5",
        "Median days overdue": "183"}
    assert (d.n_targeted, d.n_done, d.n_open, d.n_revised) == (17, 3, 5, 5)
    # what the figures rest on: all 8 measurable (and the 5 overdue) at one council of the 8 with recommendations;
    # Tower Hamlets' 18 headings and Fylde's 9 placeholders are left out (not recommendations with their wording)
    assert {m.label: m.caption for m in sv.delivery_metrics(d)}["Open and overdue"] == "at 1 council"
    assert sv.measurability_sentence(d) == (
        "Slippage can be measured for **8 of the 79 recommendations** recorded here, at 1 of the 8 councils: "
        "62 have no dated target in "
        "the action plans we hold and 9 of the 17 with a target have no dated completion or progress update to "
        "measure it against. Left out of every figure here: 18 headings and 9 placeholders (records that are not "
        "one recommendation with its own wording).")
    assert sv.unmeasured_reasons(d).to_dict("list") == {
        "Reason": ["no target recorded", "measurable", "status has no date", "completion date not known"],
        "Recommendations": [62, 8, 7, 2]}


def test_stroud_2019_03_has_5_open_recommendations_183_days_overdue_in_one_line():
    d = delivery(STROUD)
    assert metrics(sv.delivery_metrics(d)) == {
        "Measurable": "8 of 13", "Completed on time": "3", "Completed late": "0", "Open and overdue": "5",
        "Median days overdue": "183"}
    lines, more = sv.overdue_groups(run_query, rec_params(STROUD))
    assert lines == (
        "**Open and overdue** (status at the latest update, with whose rating it is)\n"
        "- **Stroud District Council (2019-03)**: 5 recommendations (CRD3, CRD4, CRD6, CRD7, CRD8) open and "
        "overdue by **183 days** (between 92 and 183: the update is dated only to its quarter) at the update of "
        "Q2 2020/21 (ends 30 Sep 2020), against the original target 2019/20 (ends 31 Mar 2020); revised target "
        "2020/21 (ends 31 Mar 2021), shown beside the original, not used to measure; status: the council's own "
        "ratings.")
    assert more is None
    assert sv.overdue_heading(d) == "## Open and overdue: 5 recommendations"


def test_tower_hamlets_18_headings_are_left_out_of_slippage():
    d = delivery({"council_id": "tower-hamlets"})
    assert sv.measurability_sentence(d) == (
        "No record in this selection is one recommendation with its own wording: its 18 headings are left out of "
        "the slippage figures.")
    assert metrics(sv.delivery_metrics(d)) == {
        "Measurable": "0 of 0", "Completed on time": "0", "Completed late": "0", "Open and overdue": "0",
        "Median days overdue": "–"}
    assert d.n_targeted == 0 and d.median_overdue is None
    assert sv.overdue_heading(d) == "## Open and overdue: none in this selection"
    assert sv.unmeasured_reasons(d).to_dict("list") == {"Reason": [], "Recommendations": []}


def test_finance_core_element_has_1_measurable_of_16_open_183_days():
    assert metrics(sv.delivery_metrics(delivery(ALL, f"core:{FINANCE}"))) == {
        "Measurable": "1 of 16", "Completed on time": "0", "Completed late": "0", "Open and overdue": "1",
        "Median days overdue": "183"}
    # 15 recommendations with their own wording raise finance (placeholders and headings are left out)
    assert metrics(sv.delivery_metrics(delivery(ALL, "topic:finance")))["Measurable"] == "2 of 15"


def test_dot_plot_of_8_measurable_is_a_set_of_cases_with_a_headline_counting_them():
    chart = sv.strip_chart(run_query, rec_params(ALL), delivery(ALL), "council_type")
    assert chart.title == ("3 of 8 measurable recommendations were completed on time; 5 still open a median "
                           "183 days past the original target")
    assert chart.alt.startswith("Dot plot: one mark per recommendation (8 in all), days after the original target "
                                "on the horizontal axis, grouped by council type; ")
    assert chart.note == ("Only 8 recommendations can be measured, so this is a set of cases, not a national "
                          "distribution.")
    assert chart.data is None
    assert sum(len(t.x) for t in chart.fig.data) == 8


def test_dot_plot_over_the_cap_says_its_marks_are_a_sample(tiny_limits):
    chart = sv.strip_chart(run_query, rec_params(ALL), delivery(ALL), "core_theme")
    assert chart.note == ("The marks are a sample: 7 of 8 recommendations. The headline, the n= counts and the "
                          "figures above count all of them.")
    assert "a fixed random sample of 7 of the 8 measurable (up to 1 per group" in chart.alt
    assert chart.title.startswith("3 of 8 measurable recommendations")


def test_range_chart_and_table_list_all_17_recommendations_with_a_dated_target():
    targets = sv.targets(run_query, rec_params(ALL), delivery(ALL))
    assert targets.chart.title == ("17 recommendations have a dated target: 3 reported complete, 5 still open at a "
                                   "dated update, 9 with no dated update; 5 targets revised")
    assert targets.chart.note is None and targets.caption is None
    assert targets.chart.alt.startswith("Range chart: one row per recommendation;")
    assert len(targets.chart.fig.layout.yaxis.categoryarray) == 17
    table = targets.table
    assert list(table["Council"].value_counts().items()) == [("Brentwood Borough Council", 9),
                                                            ("Stroud District Council", 8)]
    # in each challenge's order (Brentwood 1-9, then Stroud CRD1-CRD8), not by slippage
    assert list(table["No."]) == [str(n) for n in range(1, 10)] + [f"CRD{n}" for n in range(1, 9)]
    crd3 = table[table["No."] == "CRD3"].iloc[0]
    assert crd3[["Original target", "Revised target", "First reported complete", "Latest update", "Slippage",
                 "Latest status", "Target as written", "Slippage (days)"]].tolist() == [
        "2019/20 (ends 31 Mar 2020)", "2020/21 (ends 31 Mar 2021)", "–", "Q2 2020/21 (ends 30 Sep 2020)",
        "Open, 183 days past its original target", "🔄 In progress (council's own rating)", "2019/20", 183]
    crd1 = table[table["No."] == "CRD1"].iloc[0]
    assert (crd1["First reported complete"], crd1["Slippage"], crd1["Slippage (days)"]) == (
        "31 Mar 2020", "Completed on time", 0)
    brentwood_1 = table[(table["Council"] == "Brentwood Borough Council") & (table["No."] == "1")].iloc[0]
    assert (brentwood_1["Original target"], brentwood_1["Latest update"], brentwood_1["Slippage"]) == (
        "Oct 2024 (ends 31 Oct 2024)", "–", "Not known (no dated update)")


def test_capped_range_chart_shows_the_2_with_most_slippage_and_the_table_3_of_17(tiny_limits):
    targets = sv.targets(run_query, rec_params(ALL), delivery(ALL))
    assert targets.chart.title.startswith("17 recommendations have a dated target")
    assert targets.chart.note == ("The chart shows the 2 recommendations with the most slippage (days past the "
                                  "original target) of the 17 with a dated target; the headline counts all of them.")
    assert "one row for each of the 2 recommendations with the most slippage (of 17 with a dated target)" \
        in targets.chart.alt
    assert list(targets.table["No."]) == ["CRD3", "CRD4", "CRD6"]
    assert targets.caption.startswith("Showing the 3 with the most slippage of 17 recommendations with a dated target")


def test_overdue_table_gives_stroud_5_rows_with_the_councils_own_words_and_a_link():
    table, caption = sv.overdue_table(run_query, rec_params(ALL), delivery(ALL), link)
    assert caption is None
    assert list(table["No."]) == ["CRD3", "CRD4", "CRD6", "CRD7", "CRD8"]
    assert set(table["Days past original target"]) == {183}
    # the Q2 2020/21 update is dated only to its quarter: 92 to 183 days past the 31 Mar 2020 target
    assert set(table["Possible range (days)"]) == {"92–183"}
    assert set(table["Status (council's words)"]) == {"🔄 In progress (council's own rating): “rolled forward to 2020/21”"}
    assert set(table["Revised target"]) == {"2020/21 (ends 31 Mar 2021)"}
    assert set(table["Council page"]) == {"council?council=stroud&challenge=2019-03"}


def test_capped_overdue_lists_1_group_line_and_3_of_5_rows(tiny_limits):
    lines, more = sv.overdue_groups(run_query, rec_params(ALL))
    assert lines.count("\n- ") == 1 and more is None  # Stroud's 5 are one group
    table, caption = sv.overdue_table(run_query, rec_params(ALL), delivery(ALL), link)
    assert list(table["No."]) == ["CRD3", "CRD4", "CRD6"]
    assert caption.startswith("Showing the 3 most overdue of 5 recommendations open and overdue")


# ---------------------------------------------------------------- process timeliness


def test_timeliness_metrics_give_median_days_and_how_many_met_each_norm_as_exactly_as_the_dates_allow():
    t = sv.timeliness(run_query, ALL, None)
    assert [(m.label, m.value, m.caption) for m in sv.timeliness_metrics(t)] == [
        # only Cheshire East's report date is a final-report publication; 5 others are committee or news dates
        ("Days to report", "128",
         "0 of 1 within 3 months; median between 98 and 128 days; 5 dated another way (not judged)"),
        ("Days to action plan", "121", "2–3 of 3 within 5 months; 1 undecidable (coarse dates)"),
        # Babergh and Mid Suffolk's joint review once: 9 progress reviews, not 10
        ("Days to progress review", "340",
         "2–3 of 9 within 10 months; median between 313 and 340 days; 1 undecidable (coarse dates)"),
        ("Days to review report", "557", "1 of 2 within 12 months; median between 527 and 572 days"),
    ]
    assert sv.timeliness_metrics(t)[0].help.startswith(
        "Feedback report published: median days from the on-site visit over 1 challenge (final-report "
        "publication dates only; a joint challenge once).")
    assert t.as_of == pd.Timestamp("2026-03-31")


def test_no_timeliness_when_no_challenge_matches_the_filters():
    assert sv.timeliness(run_query, {**ALL, "year_from": 1990, "year_to": 1991}, None) is None


def test_report_dots_star_stroud_at_51_and_72_days_shown_but_not_judged_as_committee_dates():
    t = sv.timeliness(run_query, ALL, "stroud")
    chart = sv.timeliness_chart(run_query, t, "report", "stroud", "Stroud District Council")
    assert chart.title == ("Feedback report published: 0 of 1 challenge met the 3-month norm; median 128 days "
                           "(between 98 and 128) after the visit")
    assert chart.note.endswith("shown but not judged. ★ Stroud District Council: 2019-03 – 51 days; "
                               "2022-03 – 72 days")
    assert chart.alt.startswith("Dot chart: one dot per challenge, on-site date across")
    assert sorted(chart.data["Days"]) == [51, 62, 65, 72, 92, 128]
    rows = chart.data.set_index("Days")
    assert rows.loc[51, "Date is"] == "first committee date" and rows.loc[51, "Verdict"].startswith("Not judged")
    assert (rows.loc[128, "Verdict"], rows.loc[128, "Earliest possible"], rows.loc[128, "Latest possible"]) == (
        "Missed the norm", 98, 128)
    assert [trace.name for trace in chart.fig.data] == [
        "Missed the norm (approximate date)", "Not judged: another kind of date", "Stroud District Council"]
    star = [trace for trace in chart.fig.data if trace.name == "Stroud District Council"][0]
    assert sorted(star.y) == [51, 72]


def test_progress_review_dots_say_stroud_has_no_date_for_it():
    t = sv.timeliness(run_query, ALL, "stroud")
    chart = sv.timeliness_chart(run_query, t, "progress_review", "stroud", "Stroud District Council")
    assert len(chart.data) == 9  # the joint review once
    assert chart.note.endswith(" Stroud District Council has no recorded date for this milestone.")


def test_capped_report_dots_are_a_sample_keeping_the_starred_council(tiny_limits):
    t = sv.timeliness(run_query, ALL, "stroud")
    chart = sv.timeliness_chart(run_query, t, "report", "stroud", "Stroud District Council")
    assert len(chart.data) == 5 and "in the sample" in chart.alt
    assert chart.note.startswith("The dots and the table are a fixed random sample of 5 of the 6 challenges with "
                                 "this date (with every one of the starred council's)")
    assert chart.data["Council"].tolist().count("Stroud District Council") == 2


def test_progress_review_by_year_ranks_no_group_under_10_and_gives_counts_as_ranges():
    t = sv.timeliness(run_query, ALL, None)
    chart = sv.on_time_chart(run_query, t, "progress_review", "year")
    assert chart.title == "Progress review on site: share meeting the 10-month norm by on-site year"
    assert chart.data.to_dict("list") == {
        "On-site year": [2021, 2022, 2023, 2024], "Challenges judged": [1, 2, 2, 4], "Met the norm": [0, 1, 0, 1],
        "Missed": [1, 0, 2, 3], "Undecidable": [0, 1, 0, 0], "Share met": ["0 of 1", "1–2 of 2", "0 of 2", "1 of 4"],
        "95% interval": ["", "", "", ""],
        "Median days": ["366 days (between 366 and 395)", "292 days (between 277 and 307)",
                        "524 days (between 524 and 538)", "390 days (between 377 and 390)"],
        "Rest on a coarse date": [1, 2, 1, 3]}
    # the data run to March 2026: every 2024 challenge has passed its 10-month window, so no year is left out
    assert chart.note == (
        "Highest and lowest are over groups with 10 or more challenges judged. A milestone that has not happened "
        "(or was not recorded) is not in the denominator; a whisker reaches the share that may have met the norm "
        "where a date is coarse. 4 groups with fewer than 10 challenges are shown as counts only (hollow bars) and "
        "not ranked.")


def test_progress_review_by_council_type_names_no_extremes_when_every_group_is_under_10():
    chart = sv.on_time_chart(run_query, sv.timeliness(run_query, ALL, None), "progress_review", "council_type")
    assert chart.title == "Progress review on site: share meeting the 10-month norm by council type"
    assert dict(zip(chart.data["Council type"], chart.data["Challenges judged"])) == {
        "District": 5, "London borough": 1, "Metropolitan borough": 1, "Unitary": 2}
    assert chart.data["Share met"].tolist() == ["2–3 of 5", "0 of 1", "0 of 1", "0 of 2"]


# ---------------------------------------------------------------- council ratings and progress reviews


def test_peers_disputed_2_of_17_progress_review_comments_both_tower_hamlets():
    f = sv.findings(run_query, ALL)
    assert (f.n_findings, f.n_disagree) == (17, 2)
    assert sv.findings_heading(f) == ("## Peers disputed the council's own rating on 2 of the 17 "
                                      "recommendations a progress review commented on")
    cards = sv.disagreement_cards(f)
    assert len(cards) == 2
    assert cards[0].startswith("**London Borough of Tower Hamlets (2023-09) · recommendation 4**: ")
    assert ("- **Council's own rating:** 🟠 Amber\n- **Peer team's view (Oct 2025):** Peers saw only limited "
            "progress and treated the amber self\\-rating as an instance of optimism bias") in cards[0]
    assert cards[0].endswith("](https://londonlocal.news/stories/5329)")
    assert "recommendation 11**" in cards[1] and "own rating:** 🟢 Green" in cards[1]
    assert sv.more_disagreements_caption(f) is None
    assert sv.findings_table_heading(f) == "All 17 progress-review comments on individual recommendations"
    assert sv.findings_shown_caption(f) is None
    table = sv.findings_table(f)
    assert table["Council"].value_counts().to_dict() == {
        "Fylde Council": 9, "London Borough of Tower Hamlets": 3, "Castle Point Borough Council": 3,
        "Colchester Borough Council (now Colchester City Council)": 2}
    assert table["Peers disputed the rating"].tolist() == ["⚠️ Yes"] * 2 + ["No"] * 15  # disputes first
    # Fylde's 9 RAGs are the council's own, quoted by its progress review; 6 findings are the peer team's
    assert table["Whose rating"].value_counts().to_dict() == {"Council's own rating": 11, "Peer team's finding": 6}
    assert table["Rating"].value_counts().to_dict() == {"🟢 Green": 7, "🟠 Amber": 4, "–": 5, "✅ Complete": 1}


def test_capped_findings_write_1_card_and_list_3_of_17(tiny_limits):
    f = sv.findings(run_query, ALL)
    assert len(sv.disagreement_cards(f)) == 1
    assert sv.more_disagreements_caption(f) == ("…and 1 more dispute: see the table below, or narrow the "
                                                "selection with the filters or a council.")
    assert sv.findings_table_heading(f) == "3 of the 17 progress-review comments on individual recommendations"
    assert len(sv.findings_table(f)) == 3
    assert sv.findings_shown_caption(f).startswith(
        "Showing the 3 listed first (disputes first, then by council) of 17 progress-review comments")


def test_no_findings_for_a_council_no_progress_review_commented_on():
    assert sv.findings(run_query, {"council_id": "gateshead"}) is None
    assert sv.findings(run_query, STROUD) is None
