"""The Council page's view model (peer_challenges.app.views.council), without AppTest, on the frozen fixture
dataset (tests/fixtures/dataset) with store.db.run_query as the query callable.

The known answers, worked out from the fixture's source files and checked with direct SQL on its Parquet
tables (recommendation_status, recommendations):

- Stroud 2019-03: 8 of 8 recommendations (CRD1-CRD8), target "2019/20" (31 Mar 2020); CRD1, CRD2 and CRD5
  complete during 2019/20 (on time, 0 days); the other 5 "rolled forward to 2020/21" at Q2 2020/21 (30 Sep
  2020): open and 183 days overdue. Median slippage of the 8: 183. 10 updates (CRD1 has 3), 10 sources.
- Brentwood 2024-03: 9 of 9, all the council's own ratings: 2 complete (3 and 7), 7 in progress; month
  targets (Oct 24, Dec 24, ...) and undated updates, so slippage and overdue are "not known".
- Cheshire East 2024-03: 3 recorded (total unknown), 1 delayed with no target, 2 with no status; two
  council-wide figures on 12 Jun 2025 (51 of 73 actions, 4 of 18 recommendations).
- Colchester 2022-09: 14 recorded, 2 complete, 12 with no status and none open.
- Fylde 2024-09: 9 placeholders; Tower Hamlets 2023-09: 18 headings, with peer views disputing the council's
  amber (recommendation 4) and green (11) ratings at the Oct 2025 progress review.
- Babergh 2022-03: 0 of 10 recorded; Gateshead 2024-11: none recorded, one council-wide figure (40 actions).
- Comparison pools: all councils 8 complete of 25 with a status (32%, 6 challenges); district councils 8 of
  24 (5 challenges); South West 3 of 12; median days to the progress review 340 (9 challenges), 293 for
  districts (5), 366 for the South West (1)."""

from __future__ import annotations

import pandas as pd
import pytest

from peer_challenges.app.views import council as cv
from peer_challenges.store.db import run_query

pytestmark = pytest.mark.usefixtures("on_fixture")


def council_row(council_id: str) -> pd.Series:
    return run_query("council__list", council_id=council_id).set_index("council_id").loc[council_id]


def challenge(council_id: str, key: str) -> dict:
    return cv.challenge_record(run_query("council__challenges", council_id=council_id), key)


def data(challenge_id: str) -> cv.ChallengeData:
    return cv.load(run_query, challenge_id)


def metrics(council_id: str, key: str) -> dict:
    """{label: (value, caption)} of the five headline metrics."""
    chal = challenge(council_id, key)
    return {m.label: (m.value, m.caption) for m in cv.metrics(data(chal["challenge_id"]).recommendations, chal)}


# ---------------------------------------------------------------- links and which council


def test_md_link_escapes_the_title_and_encodes_brackets_and_spaces_in_the_url():
    assert cv.md_link("A [b]", "https://x.org/a (b)<c>") == r"[A \[b\]](https://x.org/a%20%28b%29%3Cc%3E)"


def test_md_link_without_an_http_url_says_there_is_no_public_link():
    assert cv.md_link("Minutes", "ftp://x.org/m") == "Minutes (no public link)"
    assert cv.md_link("Minutes", float("nan")) == "Minutes (no public link)"
    assert cv.md_link(None, None) == "source (no public link)"


def test_a_misspelt_council_suggests_the_close_one():
    found = cv.suggestions("brentwod", run_query("council__list"))
    assert found == cv.Suggestions("Did you mean one of the councils below?", ["brentwood"],
                                   {"brentwood": "Brentwood Borough Council"})


def test_a_council_name_in_place_of_its_id_is_suggested_by_name():
    assert cv.suggestions("Stroud District", run_query("council__list")).council_ids == ["stroud"]


def test_nothing_close_offers_the_3_nearest_names_by_spelling():
    found = cv.suggestions("zzzzqqq", run_query("council__list"))
    assert found.hint == ("No council's name is close to it; the nearest by spelling are below, or type a "
                          "council's name in the box.")
    assert found.council_ids == ["stroud", "kensington-and-chelsea", "mid-suffolk"]


def test_no_councils_at_all_says_the_dataset_is_empty():
    found = cv.suggestions("stroud", run_query("council__list").iloc[0:0])
    assert (found.hint, found.council_ids, found.names) == ("The dataset holds no councils yet.", [], {})


def test_a_challenge_month_the_council_lacks_is_named_in_the_notice():
    keys = ["2022-03", "2019-03"]
    assert cv.challenge_notice("Stroud District Council", "2020-01", keys) == (
        "Stroud District Council has no recorded challenge with the on-site month in this link (2020-01); "
        "showing its most recent challenge instead.")


def test_a_malformed_challenge_in_the_link_is_not_echoed():
    assert cv.challenge_notice("Stroud", "<b>x</b>", ["2019-03"]) == (
        "Stroud has no recorded challenge with the on-site month in this link; showing its most recent "
        "challenge instead.")


def test_no_notice_when_the_challenge_exists_or_none_is_asked_for():
    assert cv.challenge_notice("Stroud", "2019-03", ["2022-03", "2019-03"]) is None
    assert cv.challenge_notice("Stroud", None, ["2022-03", "2019-03"]) is None


def test_stroud_challenge_options_mark_2022_as_most_recent():
    assert cv.challenge_options(run_query("council__challenges", council_id="stroud")) == {
        "2022-03": "March 2022 peer challenge (most recent)", "2019-03": "March 2019 peer challenge"}


def test_challenge_record_of_stroud_2019_has_its_id_key_and_total_of_8():
    chal = challenge("stroud", "2019-03")
    assert (chal["challenge_id"], chal["challenge_key"], chal["recommendations_total"],
            chal["recommendations_recorded"]) == ("stroud-2019-03", "2019-03", 8, 8)


def test_council_line_gives_type_region_ons_code_and_challenges():
    assert cv.council_line(council_row("stroud"), 2) == (
        "District council, South West · ONS code E07000082 · 2 corporate peer challenges recorded")
    assert cv.council_line(council_row("tower-hamlets"), 1) == (
        "London borough council, London · ONS code E09000030 · 1 corporate peer challenge recorded")


def test_load_stroud_2019_reads_8_recommendations_10_updates_no_snapshot_10_sources():
    got = data("stroud-2019-03")
    assert (len(got.recommendations), len(got.updates), len(got.snapshots), len(got.sources)) == (8, 10, 0, 10)


# ---------------------------------------------------------------- metrics and the "overdue known" rule


def test_stroud_2019_metrics_count_8_recommendations_3_complete_5_overdue_median_183():
    got = metrics("stroud", "2019-03")
    assert got == {
        "Recommendations": (8, "8 of 8 recorded"),
        "Complete": (3, None),
        "In progress": (5, None),
        "Overdue": (5, None),
        "Median slippage (days)": ("183", "over 8 recommendations with a known slippage"),
    }


def test_brentwood_2024_metrics_count_9_recommendations_2_complete_overdue_not_known():
    got = metrics("brentwood", "2024-03")
    assert got == {
        "Recommendations": (9, "9 of 9 recorded"),
        "Complete": (2, None),
        "In progress": (7, None),
        "Overdue": ("not known", None),
        "Median slippage (days)": ("not known", "needs a target date and a dated update"),
    }


def test_breckland_metrics_say_not_reported_when_no_status_is_recorded():
    got = metrics("breckland", "2022-06")
    assert got["Recommendations"] == (10, "10 of 10 recorded")
    assert got["Complete"] == got["In progress"] == got["Overdue"] == ("not reported", None)


def test_babergh_metrics_count_0_of_10_recorded():
    got = metrics("babergh", "2022-03")
    assert got["Recommendations"] == (0, "0 of 10 recorded")
    assert got["Complete"] == ("not reported", None)


def test_fylde_recommendations_caption_says_its_9_placeholders_are_left_out_of_theme_counts():
    assert metrics("fylde", "2024-09")["Recommendations"] == (
        9, "9 recorded; how many the report made is not known. Of these, 9 placeholders (standing for 9 "
           "recommendations); theme counts across councils leave them out.")


def test_tower_hamlets_recommendations_caption_counts_18_headings_apart():
    assert metrics("tower-hamlets", "2023-09")["Recommendations"][1] == (
        "18 recorded; how many the report made is not known. Of these, 18 headings (standing for 18 "
        "recommendations); theme counts across councils leave them out.")


def test_kinds_note_is_empty_when_every_record_is_one_recommendation_or_inferred():
    assert cv.kinds_note(data("stroud-2019-03").recommendations) == ""
    assert cv.kinds_note(data("stroud-2022-03").recommendations) == ""  # 5 inferred
    assert cv.kinds_note(data("babergh-2022-03").recommendations) == ""  # none recorded


def test_overdue_is_known_for_stroud_2019_whose_open_recommendations_are_dated_and_targeted():
    assert cv.overdue_known(data("stroud-2019-03").recommendations) is True


def test_overdue_is_not_known_for_brentwood_2024_whose_7_open_recommendations_have_no_dated_update():
    assert cv.overdue_known(data("brentwood-2024-03").recommendations) is False


def test_overdue_is_not_known_for_cheshire_east_whose_delayed_recommendation_has_no_target():
    recs = data("cheshire-east-2024-03").recommendations
    assert cv.overdue_known(recs) is False
    # not known because of the open one without a target; its 2 with no status are not the reason
    assert metrics("cheshire-east", "2024-03")["Overdue"] == ("not known", None)


def test_overdue_is_known_as_0_when_every_recommendation_is_reported_closed():
    # No fixture challenge is wholly closed, so Stroud 2019's 8 are marked complete here.
    recs = data("stroud-2019-03").recommendations.assign(latest_status="complete", is_open=False,
                                                         slippage_bucket="closed")
    assert cv.overdue_known(recs) is True
    got = {m.label: (m.value, m.caption) for m in cv.metrics(recs, challenge("stroud", "2019-03"))}
    assert got["Overdue"] == (0, None)


def test_overdue_is_not_known_for_colchester_2022_where_none_is_open_but_12_of_14_have_no_status():
    # 2 complete, 12 with no reported status: '0 overdue' (what this page said before) cannot be defended.
    recs = data("colchester-2022-09").recommendations
    assert cv.overdue_known(recs) is False
    assert metrics("colchester", "2022-09")["Overdue"] == ("not known", "12 recommendations with no reported status")


def test_status_caption_says_who_assessed_and_what_the_metrics_leave_out():
    assert cv.status_caption(data("stroud-2019-03").recommendations) == "Statuses: the council's own ratings."
    assert cv.status_caption(data("cheshire-east-2024-03").recommendations) == (
        "Statuses: the council's own ratings. Also: 1 delayed, 2 with no reported status.")
    assert cv.status_caption(data("castle-point-2024-09").recommendations) == (
        "Statuses: the peer team's findings. Also: 4 with no reported status.")


def test_status_caption_without_statuses_says_completion_cannot_be_shown_and_is_none_without_recommendations():
    assert cv.status_caption(data("breckland-2022-06").recommendations) == (
        "No status has been reported for these recommendations, so completion cannot be shown.")
    assert cv.status_caption(data("babergh-2022-03").recommendations) is None


# ---------------------------------------------------------------- timeline


def test_stroud_2019_timeline_report_after_51_days_is_a_committee_date_so_not_judged():
    got = cv.timeline(challenge("stroud", "2019-03"))
    assert got.table.to_dict("list") == {
        "Milestone": ["On-site visit", "Feedback report published", "Action plan approved",
                      "Progress review on site", "Progress review published"],
        "Date": ["26 Mar 2019", "16 May 2019", "not known", "not known", "not known"],
        "Days from on site": ["0", "51", "not known", "not known", "not known"],
        "LGA norm": ["—", "within 3 months", "within 5 months", "within about 10 months", "within 12 months"],
        "Met the norm": ["—", "not judged (first committee date)", "not known", "not known", "not known"],
    }
    assert got.chart is not None and got.chart.alt.startswith("Dot chart: for each milestone")
    assert (got.approximate, got.basis) == (False, "Report date: first committee date. The 3-month norm is judged on "
                                            "the final report's publication only, so this date is shown but not judged.")


def test_brentwood_2024_progress_review_after_265_days_met_the_10_month_norm():
    table = cv.timeline(challenge("brentwood", "2024-03")).table.set_index("Milestone")
    assert table.loc["Progress review on site"].tolist() == ["25 Nov 2024", "265", "within about 10 months", "Yes"]


def test_cheshire_east_progress_review_known_to_the_month_gives_its_days_as_a_range():
    table = cv.timeline(challenge("cheshire-east", "2024-03")).table.set_index("Milestone")
    assert table.loc["Progress review on site"].tolist() == ["Feb 2025", "340 (313–340)", "within about 10 months",
                                                            "No"]


def test_a_challenge_with_no_onsite_date_has_no_timeline_chart():
    got = cv.timeline(challenge("kensington-and-chelsea", "unknown"))
    assert got.chart is None and got.basis is None
    assert set(got.table["Days from on site"]) == {"not known"}


# ---------------------------------------------------------------- recommendations


def test_no_recommendations_notice_points_to_sources_or_to_the_council_wide_figures():
    assert cv.no_recommendations_notice(10, data("babergh-2022-03").snapshots) == (
        "None of the report's recommendations is recorded here yet. The sources below are where they would "
        "come from.")
    assert cv.no_recommendations_notice(None, data("gateshead-2024-11").snapshots) == (
        "No recommendations are recorded for this challenge — see the council-wide progress figures below.")


def test_coverage_warning_bury_2023_8_of_13_warns_bury_2018_unknown_total_captions_stroud_none():
    assert cv.coverage_warning(8, challenge("bury", "2023-11")["recommendations_total"]) == (
        "warning", "Only 8 of the report's 13 recommendations are recorded here; the rest were not in the pages "
                   "read. Figures on this page cover the recorded ones only.")
    assert cv.coverage_warning(7, challenge("bury", "2018-11")["recommendations_total"]) == (
        "caption", "How many recommendations the report made is not known; the list may be incomplete.")
    assert cv.coverage_warning(8, challenge("stroud", "2019-03")["recommendations_total"]) is None


def test_stroud_2019_recommendations_table_shows_3_on_time_and_5_open_183_days_late():
    table = cv.recommendations_table(data("stroud-2019-03").recommendations)
    assert list(table.columns) == [
        "No.", "Recommendation", "Latest status", "Assessed by", "Status as of", "Slippage", "Target date",
        "Target (as written)", "Revised target", "Peer team's view", "Slippage (days)", "Core theme",
        "Topics", "Accountable / responsible", "Record", "Record kind"]
    assert table["No."].tolist() == [f"CRD{i}" for i in range(1, 9)]
    assert table["Latest status"].tolist() == ["✅ Complete", "✅ Complete", "🔄 In progress", "🔄 In progress",
                                               "✅ Complete", "🔄 In progress", "🔄 In progress", "🔄 In progress"]
    assert table["Slippage (days)"].tolist() == [0, 0, 183, 183, 0, 183, 183, 183]
    assert table["Slippage"].value_counts().to_dict() == {"Open, 183 days past its original target": 5,
                                                          "Completed on time": 3}
    assert set(table["Target date"]) == {"2019/20"}
    assert table["Revised target"].tolist() == ["", "", "2020/21", "2020/21", "", "2020/21", "2020/21", "2020/21"]
    assert table["Status as of"].tolist() == ["2019/20", "2019/20", "Q2 2020/21", "Q2 2020/21", "2019/20",
                                              "Q2 2020/21", "Q2 2020/21", "Q2 2020/21"]
    assert set(table["Assessed by"]) == {"Council's own rating"}
    assert table.loc[6, "Topics"] == ["Finance and financial management", "Commercial activity and council companies"]
    assert set(table["Record"]) == {"Numbered recommendation"} and set(table["Record kind"]) == {"Recommendation"}


def test_brentwood_2024_recommendations_table_gives_month_targets_and_who_is_accountable():
    table = cv.recommendations_table(data("brentwood-2024-03").recommendations)
    first = table.iloc[0]
    assert (first["Target (as written)"], first["Target date"], first["Slippage"], first["Status as of"]) == (
        "Oct 24", "Oct 2024", "Not known (no dated update)", "not known")
    assert first["Accountable / responsible"] == "Leader of the Council (accountable); Chief Executive (responsible)"
    assert table["Target date"].tolist() == ["Oct 2024", "Dec 2024", "May 2024", "Sep 2024", "Jan 2025", "Nov 2024",
                                             "Jun 2024", "Nov 2024", "Oct 2024"]


def test_tower_hamlets_headings_table_rows_are_not_reported_with_no_target():
    table = cv.recommendations_table(data("tower-hamlets-2023-09").recommendations)
    assert len(table) == 18
    assert set(table["Latest status"]) == {"❔ Not reported"}
    assert set(table["Target date"]) == {"none"} and set(table["Slippage"]) == {"No target date"}
    assert set(table["Record"]) == {"Heading or group of recommendations"}
    assert set(table["Assessed by"]) == {""}


def test_update_rows_group_stroud_crd1s_3_updates_oldest_first():
    rows = cv.update_rows(data("stroud-2019-03").updates)
    assert {rid: len(r) for rid, r in rows.items()} == {f"stroud-2019-03-r0{i}": (3 if i == 1 else 1)
                                                        for i in range(1, 9)}
    crd1 = rows["stroud-2019-03-r01"]
    assert [(r["As of"], r["Status"], r["As written"], r["Assessed by"]) for r in crd1] == [
        ("Sep 2019", "🔄 In progress", "", "Not known who assessed it"),
        ("Dec 2019", "🔄 In progress", "", "Not known who assessed it"),
        ("2019/20", "✅ Complete", "completed during 2019/20", "Council's own rating"),
    ]
    assert crd1[1]["source_url"] == "http://northnibley.org.uk/reports/rep202001dc.html"


def test_stroud_crd1_detail_has_its_facts_3_row_history_and_3_sources():
    stroud = data("stroud-2019-03")
    got = cv.recommendation_details(stroud.recommendations, stroud.updates)
    assert len(got) == 8
    crd1 = got[0]
    assert crd1.label == r"✅ Complete · CRD1\. Restructure the senior leadership team"
    assert crd1.paraphrased is False
    assert crd1.facts == ("**Core theme:** Capacity for improvement  \n**Original target:** 2019/20  \n"
                          "**Slippage:** Completed on time")
    assert list(crd1.history.columns) == ["Status", "As written", "RAG", "Original target", "Revised target",
                                          "Assessed by", "Peer team's view", "Note"]
    assert crd1.history.index.tolist() == ["Sep 2019", "Dec 2019", "2019/20"]
    assert set(crd1.history["Original target"]) == {"2019/20"}
    assert crd1.sources.startswith("**Sources:** Stroud District Council, Corporate Peer Challenge progress 2nd "
                                   "quarter 2020/21")
    assert crd1.sources.count("](http://northnibley.org.uk/reports/") == 2
    assert crd1.sources.count("(no public link)") == 1


def test_stroud_crd3_detail_shows_the_revised_target_beside_the_original():
    crd3 = cv.recommendation_details(data("stroud-2019-03").recommendations, data("stroud-2019-03").updates)[2]
    assert crd3.facts == (
        "**Core theme:** Capacity for improvement  \n**Original target:** 2019/20  \n"
        "**Revised target:** 2020/21 (shown beside the original; slippage uses the original)  \n"
        "**Slippage:** Open, 183 days past its original target")
    assert crd3.history.loc["Q2 2020/21", "As written"] == "rolled forward to 2020/21"
    assert crd3.history.loc["Q2 2020/21", "Revised target"] == "2020/21"


def test_a_long_brentwood_title_is_cut_to_110_characters_in_its_expander_label():
    got = cv.recommendation_details(data("brentwood-2024-03").recommendations, data("brentwood-2024-03").updates)
    assert got[1].label == (r"🔄 In progress · 2\. Officers and members should then turn the vision into a new "
                            r"evidence\-led corporate plan with defined out…")
    assert got[1].facts.splitlines()[1] == "**Original target:** Dec 24 (read as Dec 2024)  "


def test_tower_hamlets_heading_detail_is_paraphrased_with_no_history():
    got = cv.recommendation_details(data("tower-hamlets-2023-09").recommendations,
                                    data("tower-hamlets-2023-09").updates)
    first = got[0]
    assert first.paraphrased is True and first.history is None
    assert first.text == r"Recommendation on Strategic vision \(topic heading only; full wording not seen\)\."
    assert first.facts.endswith("**Record:** Heading or group of recommendations")


def test_tower_hamlets_recommendation_4_history_shows_the_peer_team_view_beside_the_councils_amber():
    got = cv.recommendation_details(data("tower-hamlets-2023-09").recommendations,
                                    data("tower-hamlets-2023-09").updates)
    history = got[3].history
    assert history.to_dict("index") == {"Oct 2025": {
        "Status": "—", "As written": "", "RAG": "Amber", "Original target": "none", "Revised target": "—",
        "Assessed by": "Council's own rating",
        "Peer team's view": "Peers saw only limited progress and treated the amber self-rating as an instance of "
                            "optimism bias.",
        "Note": "Council self-assessed amber for the progress review, but peers found limited progress and cited "
                "it as an example of optimism bias."}}
    assert got[10].history.loc["Oct 2025", "Peer team's view"] == (
        "Peers rejected the green rating, saying cross-party working among councillors still needed to grow.")
    assert got[3].sources.count("](https://") == 2


# ---------------------------------------------------------------- council-wide progress figures


def test_cheshire_east_snapshots_are_two_tables_actions_then_recommendations_never_added():
    got = cv.snapshot_tables(data("cheshire-east-2024-03").snapshots)
    assert [unit for unit, _ in got] == ["actions", "recommendations"]
    actions, recs = got[0][1], got[1][1]
    assert actions.loc["12 Jun 2025", ["Total", "Complete", "In progress", "Not started", "Green / amber / red"]
                       ].tolist() == [73, 51, "—", "—", "—"]
    assert recs.loc["12 Jun 2025", ["Total", "Complete"]].tolist() == [18, 4]


def test_bury_snapshot_gives_its_rag_counts():
    [(unit, table)] = cv.snapshot_tables(data("bury-2023-11").snapshots)
    assert unit == "recommendations"
    assert table.loc["2 Oct 2024", ["Total", "Complete", "Green / amber / red"]].tolist() == [
        13, 1, "5 green, 6 amber, 1 red"]


def test_tower_hamlets_action_figures_without_a_total_say_not_given():
    got = dict(cv.snapshot_tables(data("tower-hamlets-2023-09").snapshots))
    assert got["actions"].index.tolist() == ["Sep 2024", "16 Oct 2024"]
    assert set(got["actions"]["Total"]) == {"not given"}
    # each figure says whose it is and whether it is a forecast (the Sept 2024 84% is the Cabinet's projection)
    assert got["actions"]["Assessed by"].tolist() == ["The council's own figure"] * 2
    assert got["recommendations"]["Assessed by"].tolist() == ["The peer team's finding"]  # the Oct 2025 review
    assert got["actions"]["Kind"].tolist() == ["Forecast (expected by that date)", "Count"]
    assert got["recommendations"].loc["7 Oct 2025", "Total"] == 18


# ---------------------------------------------------------------- comparison


def test_stroud_2019_comparison_3_of_8_complete_against_8_of_25_across_all_councils():
    got = cv.comparison(run_query, "stroud-2019-03", council_row("stroud"))
    table = got.table
    assert table["Group"].tolist() == ["Stroud District Council (this challenge)", "District councils",
                                       "Councils in South West", "All councils"]
    assert table["Councils"].tolist() == [1, 7, 2, 13]
    assert table["Challenges"].tolist() == [1, 10, 3, 17]
    # under 10 records "k of n"; from 10 the share with its 95% Wilson interval (worked by hand: 8 of 24 ->
    # 18%-53%, 3 of 12 -> 9%-53%, 8 of 25 -> 17%-52%, as on the overview)
    assert table["Share complete"].tolist() == ["3 of 8", "33% (95% interval 18%–53%)", "25% (95% interval 9%–53%)",
                                                "32% (95% interval 17%–52%)"]
    assert table["Out of"].tolist() == [8, 24, 12, 25]
    # whose ratings: Castle Point's one status is the peer team's finding (a district in the East of England)
    assert table["Statuses assessed by"].tolist() == [
        "the council's own ratings", "23 the council's own ratings, 1 the peer team's finding",
        "the council's own ratings", "24 the council's own ratings, 1 the peer team's finding"]
    assert table["From challenges with a status"].tolist() == [1, 5, 2, 6]
    # in brackets where a month-only date makes the days a range (the medians of the earliest and latest
    # possible days): Babergh and Mid Suffolk's joint review is known only to its month (293 to 323 days)
    assert table["Median days to progress review"].tolist() == ["no date", "293 (293–323)", "366 (366–395)",
                                                                   "340 (313–340)"]
    assert table["Challenges with a progress-review date"].tolist() == [0, 5, 1, 9]
    assert got.caption == ("This challenge is Stroud District Council's, highlighted in orange with an outline; the "
                           "other bars pool every recorded challenge of district councils, of councils in South "
                           "West, and of all councils.")
    assert got.completion.title == ("3 of 8 of this challenge's recommendations with a reported status are "
                                    "complete, against 32% of 25 across all councils")
    assert got.progress_review.title == ("This challenge has no progress-review date; across all councils the "
                                         "median is 340 days (313–340), over 9 challenges")


def test_bury_2023_comparison_without_statuses_says_so_out_of_0():
    table = cv.comparison(run_query, "bury-2023-11", council_row("bury")).table
    assert table["Group"].tolist()[1:3] == ["Metropolitan borough councils", "Councils in North West"]
    assert table["Share complete"].tolist()[:3] == ["no status reported", "no status reported", "0 of 1"]  # Cheshire East: delayed
    assert table["Out of"].tolist() == [0, 0, 1, 25]
    assert table["Statuses assessed by"].tolist()[:2] == ["—", "—"]
    assert table["Median days to progress review"].tolist() == ["309", "309", "340 (313–340)", "340 (313–340)"]


# ---------------------------------------------------------------- sources and notes


def test_stroud_2019_sources_table_labels_kinds_and_the_one_dated_source():
    table = cv.sources_table(data("stroud-2019-03").sources)
    assert list(table.columns) == ["Title", "Kind", "Published", "Link"]
    assert table["Kind"].value_counts().to_dict() == {"Committee report": 4, "Other": 4, "News": 1,
                                                      "LGA feedback report": 1}
    assert table["Published"].tolist() == [""] * 9 + ["Q3 2020/21"]
    assert [bool(u) for u in table["Link"]] == [True] * 9 + [False]  # no public link: blank, never "None"


def test_notes_are_split_into_escaped_paragraphs():
    paras = cv.notes_paragraphs(challenge("brentwood", "2024-03"))
    assert len(paras) == 3
    assert paras[2] == (r"Seed document 001 \(the council's action plan page\) gives all nine recommendations "
                        r"with position, accountable and responsible officers, timescale and status; its status "
                        r"snapshot is undated\.")
    assert len(cv.notes_paragraphs(challenge("stroud", "2019-03"))) == 2


def test_no_notes_give_no_paragraphs():
    assert cv.notes_paragraphs({"notes": None}) == []
    assert cv.notes_paragraphs({}) == []


def test_overdue_is_not_known_for_castle_point_2024_where_none_is_open_but_4_have_no_status():
    # 1 complete (the peer team's finding), 4 with no reported status: any of the 4 may be open, so '0
    # overdue' cannot be defended.
    recs = data("castle-point-2024-09").recommendations
    assert cv.overdue_known(recs) is False
    assert metrics("castle-point", "2024-09")["Overdue"] == ("not known", "4 recommendations with no reported status")


def test_comparison_caption_keeps_london_capitalised():
    caption = cv.comparison(run_query, "tower-hamlets-2023-09", council_row("tower-hamlets")).caption
    assert "every recorded challenge of London borough councils, of councils in London" in caption
