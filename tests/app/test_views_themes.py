"""The Themes page's view model (peer_challenges.app.views.themes), without AppTest, on the frozen fixture
dataset (tests/fixtures/dataset) with store.db.run_query as the query callable.

The known answers, worked out from the fixture's source files and checked with direct SQL on its Parquet
tables (recommendations with record_kind recommendation or inferred):

- 106 records, of which 18 are Tower Hamlets' headings and 9 Fylde's placeholders: 79 recommendations from
  11 challenges at 8 councils; 17 challenges in all (18 files, Babergh and Mid Suffolk's joint one once).
- Core elements (challenges raising it of 11, recommendations, councils): Governance and culture 10/20/8,
  Local priorities and outcomes 10/19/7, Capacity for improvement 9/17/6, Financial planning and management
  9/16/7, Organisational and place leadership 6/7/5. Topics: 27 of the taxonomy's 28 are raised, most often
  vision_priorities (10 challenges, 17 recommendations) and finance (9, 15 at 7 councils).
- Every core element and topic is curated in the source files (79 and 79; none proposed by the tagger).
- District councils: 55 recommendations, 7 of 10 challenges, 5 councils; London: 6, 1 of 2, 1 (Kensington
  and Chelsea; Tower Hamlets' are headings); North East: Gateshead's one challenge, none recorded.
- Similarity: 97 records indexed (Fylde's 9 placeholders have no wording); repeat threshold 0.25; 3 councils
  with two challenges with recommendations (Bury, Colchester, Stroud); at 0.25, 4 repeats at 2 of them
  (Colchester 3, Bury 1), the closest Colchester's priorities of 2014 and 2022 (0.335); at 0.10, 23 at all 3
  (Bury 8, Colchester 11, Stroud 4)."""

from __future__ import annotations

import pytest

from peer_challenges.app.views import themes as tv
from peer_challenges.domain.taxonomy import current_taxonomy
from peer_challenges.store.db import reset_default_connection, run_query

pytestmark = pytest.mark.usefixtures("on_fixture")

ALL = {"council_types": None, "regions": None, "year_from": None, "year_to": None}  # no sidebar filter
CORE = ["Local priorities and outcomes", "Organisational and place leadership", "Governance and culture",
        "Financial planning and management", "Capacity for improvement"]
COLCHESTER = "Colchester Borough Council (now Colchester City Council)"


def link(council_id, month) -> str:
    return f"council?council={council_id}&challenge={month}"


def labels() -> dict:
    return tv.topic_labels(current_taxonomy())


def selection(**filters) -> tv.Selection:
    return tv.selection(run_query, {**ALL, **filters}, current_taxonomy())


@pytest.fixture(scope="module")
def sim(fixture_data) -> tv.Similarity:
    """The similarity index over the fixture, built once for the module (with run_query on the fixture)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATA_DIR", str(fixture_data))
        reset_default_connection()
        try:
            return tv.build_similarity(run_query, current_taxonomy())
        finally:
            reset_default_connection()


# ---------------------------------------------------------------- small helpers


def test_short_cuts_text_longer_than_90_characters_with_an_ellipsis():
    assert tv.short("a" * 90) == "a" * 90
    assert tv.short("a" * 91) == "a" * 89 + "…"
    assert tv.short("abcd efgh", 6) == "abcd…"
    assert tv.short(None) == ""


def test_topic_labels_of_the_fixture_taxonomy_name_its_28_topics():
    got = labels()
    assert len(got) == 28
    assert got["finance"] == "Finance and financial management"
    assert got["vision_priorities"] == "Vision, priorities and corporate plan"


def test_topic_labels_without_a_taxonomy_are_empty():
    assert tv.topic_labels(None) == {}


def test_theme_name_labels_topics_and_keeps_core_elements():
    assert tv.theme_name("topic", "finance", labels()) == "Finance and financial management"
    assert tv.theme_name("topic", "no_such_topic", labels()) == "no_such_topic"
    assert tv.theme_name("core", "Governance and culture", labels()) == "Governance and culture"


def test_top_n_bounds_all_councils_shown_up_to_5_then_5_to_60_default_20():
    assert tv.top_n_bounds(5) is None
    assert tv.top_n_bounds(6) == (5, 6, 6)
    assert tv.top_n_bounds(8) == (5, 8, 8)
    assert tv.top_n_bounds(30) == (5, 30, 20)
    assert tv.top_n_bounds(100) == (5, 60, 20)


# ---------------------------------------------------------------- the selection's counts


def test_all_challenges_selection_counts_79_recommendations_11_of_17_challenges_8_councils():
    sel = selection()
    assert (sel.n_recs, sel.n_with, sel.n_challenges, sel.n_councils) == (79, 11, 17, 8)
    assert len(sel.tag_from) == 27 and sel.tag_to == sel.tag_from  # every stored tag is a taxonomy id
    assert sel.left_out.to_dict("records") == [
        {"record_kind": "heading_or_group", "records": 18, "challenges": 1, "stands_for": 18, "with_stands_for": 18},
        {"record_kind": "placeholder", "records": 9, "challenges": 1, "stands_for": 9, "with_stands_for": 9},
    ]


def test_pooled_core_shares_governance_and_local_priorities_raised_at_10_of_11_challenges():
    core = selection().pooled["core"]
    assert core[["theme", "challenges", "recommendations", "councils"]].values.tolist() == [
        ["Governance and culture", 10, 20, 8],
        ["Local priorities and outcomes", 10, 19, 7],
        ["Capacity for improvement", 9, 17, 6],
        ["Financial planning and management", 9, 16, 7],
        ["Organisational and place leadership", 6, 7, 5],
    ]
    assert set(core["challenges_with_recommendations"]) == {11}


def test_pooled_topic_shares_27_topics_vision_first_at_10_challenges_finance_at_9():
    topic = selection().pooled["topic"]
    assert len(topic) == 27
    assert topic[["theme", "challenges", "recommendations"]].head(2).values.tolist() == [
        ["vision_priorities", 10, 17], ["finance", 9, 15]]


def test_theme_params_add_the_tag_mapping_and_the_not_tagged_label():
    sel = selection()
    assert sel.theme_params == {**ALL, "tag_from": sel.tag_from, "tag_to": sel.tag_to,
                                "not_tagged": "No core element recorded"}


def test_district_selection_counts_55_recommendations_7_of_10_challenges_5_councils():
    sel = selection(council_types=["district"])
    assert (sel.n_recs, sel.n_with, sel.n_challenges, sel.n_councils) == (55, 7, 10, 5)


def test_london_selection_counts_kensington_and_chelseas_6_and_leaves_tower_hamlets_headings_out():
    sel = selection(regions=["London"])
    assert (sel.n_recs, sel.n_with, sel.n_challenges, sel.n_councils) == (6, 1, 2, 1)
    assert tv.left_out_text(sel) == (
        "Left out of every count here: 18 headings (standing for 18 recommendations where the source says). "
        "They say a recommendation exists or group several, without one recommendation's wording, so they are "
        "never themed from their own text.")


def test_a_selection_without_a_taxonomy_keeps_topic_ids_as_stored():
    sel = tv.selection(run_query, ALL, None)
    assert sel.n_recs == 79 and sel.tag_to == sel.tag_from
    assert tv.theme_options(sel, {})[6:8] == ["topic:budget", "topic:capacity"]


def test_left_out_text_of_all_challenges_names_18_headings_and_9_placeholders():
    assert tv.left_out_text(selection()) == (
        "Left out of every count here: 18 headings (standing for 18 recommendations where the source says) and "
        "9 placeholders. They say a recommendation exists or group several, without one recommendation's "
        "wording, so they are never themed from their own text.")


def test_left_out_text_is_none_when_nothing_is_left_out():
    assert tv.left_out_text(selection(year_from=2030)) is None


def test_metrics_of_all_challenges_79_recommendations_11_of_17_challenges_8_councils():
    assert [(m.label, m.value) for m in tv.metrics(selection())] == [
        ("Recommendations recorded", "79"),
        ("Challenges with recommendations recorded", "11 of 17"),
        ("Councils", "8"),
    ]
    # Tower Hamlets (headings only) and Fylde (placeholders only) have records but none themed
    assert [m.caption for m in tv.metrics(selection())] == [
        None, "another 2 have only headings, placeholders or focus areas recorded", None]


def test_shares_caption_says_shares_are_of_the_11_challenges_with_recommendations():
    assert tv.shares_caption(selection()) == (
        "**Read shares as 'of the 11 challenges with recommendations recorded'**, not of all 17 challenges: for "
        "the others we hold dates but not the report's recommendations. Core elements and topics are mostly "
        "curated by hand; see *How tagging works*. Left out of every count here: 18 headings (standing for 18 "
        "recommendations where the source says) and 9 placeholders. They say a recommendation exists or group "
        "several, without one recommendation's wording, so they are never themed from their own text.")


def test_north_east_has_one_challenge_and_no_recommendations_to_theme():
    sel = selection(regions=["North East"])
    assert (sel.n_recs, sel.n_challenges) == (0, 1)
    assert tv.no_recommendations_notice(sel) == (
        "None of the 1 challenges in this selection has recommendations recorded yet, so there are no themes to "
        "show. Widen the filters in the sidebar.")


def test_theme_options_all_then_the_5_core_elements_in_cpc_order_then_27_topics_by_label():
    options = tv.theme_options(selection(), labels())
    assert len(options) == 33
    assert options[:6] == ["all"] + [f"core:{c}" for c in CORE]
    assert options[6:10] == ["topic:budget", "topic:capacity", "topic:capital_assets", "topic:social_care_health"]
    assert options[-1] == "topic:workforce"


def test_opening_tab_a_recommendation_opens_similar_a_theme_opens_the_list(sim):
    options = tv.theme_options(selection(), labels())
    assert tv.opening_tab("breckland-2022-06-r01", "all", sim.index, options) == "Similar and repeated"
    assert tv.opening_tab("no-such-rec", "topic:finance", sim.index, options) == "Recommendations by theme"
    assert tv.opening_tab(None, "all", sim.index, options) is None
    assert tv.opening_tab(None, "topic:no_such", sim.index, options) is None


# ---------------------------------------------------------------- 1. shares charts


def test_core_share_bar_chart_headline_governance_91_percent_joint_highest():
    chart = tv.share_chart(selection(), "core", "none", labels())
    assert chart.title == ("Governance and culture was raised in 91% of the 11 challenges with recommendations "
                           "recorded – joint highest of any core element")
    assert chart.alt == (
        "Bar chart of the share of challenges raising each core element. Governance and culture 91%; Local "
        "priorities and outcomes 91%; Capacity for improvement 82%; Financial planning and management 82%; "
        "Organisational and place leadership 55%")
    assert chart.note is None
    assert list(chart.data.columns) == ["All challenges together", "Core element", "challenges", "recommendations",
                                        "councils", "challenges_with_recommendations", "share"]
    assert chart.data["Core element"].tolist() == ["Governance and culture", "Local priorities and outcomes",
                                                   "Capacity for improvement", "Financial planning and management",
                                                   "Organisational and place leadership"]


def test_topic_share_bar_chart_draws_the_top_20_of_27_and_lists_all_in_its_data():
    chart = tv.share_chart(selection(), "topic", "none", labels())
    assert chart.title == ("Vision, priorities and corporate plan was raised in 91% of the 11 challenges with "
                           "recommendations recorded – more than any other topic")
    assert chart.note == "The 20 most often raised of 27 topics; all are in the data table."
    assert len(chart.fig.data[0].y) == 20
    assert len(chart.data) == 27
    assert chart.data["Topic"].head(2).tolist() == ["Vision, priorities and corporate plan",
                                                    "Finance and financial management"]


def test_core_shares_by_council_type_flag_the_4_types_with_under_10_challenges():
    chart = tv.share_chart(selection(), "core", "type", labels())
    # no type reaches 10 (districts have 7), so there is no comparison for the title: it stays the headline
    assert chart.title.startswith("Governance and culture was raised in 91% of the 11 challenges")
    assert chart.note == ("Columns with fewer than 10 challenges with recommendations recorded (District, London "
                          "borough, Metropolitan borough, Unitary) give counts ('3 of 4'), not shares, and are not "
                          "ranked: they swing on one or two reports.")
    # ... and their cells print counts: governance at 7 of the 7 districts' challenges, not "100%"
    cells = dict(zip(chart.fig.data[0].x, zip(*chart.fig.data[0].text)))
    assert "7 of 7" in cells["District<br>n=7"]
    assert len(chart.data) == 20 and "Council type" in chart.data.columns
    district = chart.data[chart.data["Council type"] == "district"].set_index("Core element")
    assert district.loc["Capacity for improvement", ["challenges", "challenges_with_recommendations"]].tolist() == [
        7, 7]


def test_core_shares_by_year_cover_6_years_all_under_10_challenges():
    chart = tv.share_chart(selection(), "core", "year", labels())
    assert chart.note == ("Columns with fewer than 10 challenges with recommendations recorded (2014, 2018, 2019, "
                          "2022, 2023, 2024) give counts ('3 of 4'), not shares, and are not ranked: they swing on "
                          "one or two reports.")
    assert len(chart.data) == 30
    assert chart.alt.startswith("Heat map: rows are core elements, columns are on-site year groups;")


def test_topic_heat_map_by_region_shows_the_top_15_topics_and_says_so():
    chart = tv.share_chart(selection(), "topic", "region", labels())
    assert chart.note == ("Columns with fewer than 10 challenges with recommendations recorded (East of England, "
                          "London, North West, South West) give counts ('3 of 4'), not shares, and are not ranked: "
                          "they swing on one or two reports. The 15 topics raised most often overall are shown; all "
                          "are in the data table.")
    assert (len(chart.fig.data[0].y), len(chart.fig.data[0].x)) == (15, 4)
    assert len(chart.data) == 108  # 27 topics x 4 regions


def test_a_breakdown_with_two_large_groups_titles_the_spread_of_the_top_theme(monkeypatch):
    monkeypatch.setattr(tv, "SMALL_GROUP", 1)
    chart = tv.share_chart(selection(), "core", "region", labels())
    assert chart.title == ("Governance and culture: raised in 100% of challenges in London but 80% in East of "
                           "England (groups with 1+ challenges with recommendations recorded)")
    assert chart.note is None


# ---------------------------------------------------------------- 2. council x theme heat map


def test_core_council_grid_of_8_councils_governance_at_all_8_most_6_at_colchester():
    chart = tv.council_grid_chart(run_query, selection(), "core", 8, labels())
    assert chart.title == (f"Governance and culture comes up at 8 of these 8 councils; the most on one theme is 6 "
                           f"at {COLCHESTER} (Local priorities and outcomes)")
    assert chart.note == ("The 8 councils with most recommendations recorded in this selection. A recommendation "
                          "has one core element but may have several topics.")
    assert list(chart.data.columns) == ["Council", "Theme", "Recommendations", "Council's recommendations recorded"]
    assert (len(chart.data), chart.data["Council"].nunique()) == (40, 8)
    colchester = chart.data[chart.data["Council"] == COLCHESTER]
    assert set(colchester["Council's recommendations recorded"]) == {18}
    assert colchester["Recommendations"].sum() == 18


def test_topic_council_grid_keeps_the_12_topics_raised_most_and_says_so():
    chart = tv.council_grid_chart(run_query, selection(), "topic", 8, labels())
    assert chart.title == ("Vision, priorities and corporate plan comes up at 7 of these 8 councils; the most on "
                           "one theme is 6 at Bury Council (Finance and financial management)")
    assert chart.note == ("The 8 councils with most recommendations recorded in this selection and the 12 topics "
                          "raised most often among them. A recommendation has one core element but may have "
                          "several topics.")
    assert (chart.data["Council"].nunique(), chart.data["Theme"].nunique()) == (8, 12)


def test_council_grid_of_the_top_5_councils_shows_5():
    chart = tv.council_grid_chart(run_query, selection(), "core", 5, labels())
    assert (len(chart.data), chart.data["Council"].nunique()) == (25, 5)
    assert chart.title.startswith("Capacity for improvement comes up at 5 of these 5 councils")


# ---------------------------------------------------------------- 3. recommendations on a theme


def test_theme_list_of_all_lists_the_79_recommendations_with_their_statuses():
    listed = tv.theme_list(run_query, selection(), "all", current_taxonomy(), labels(), link)
    assert listed.summary == ("**79 of 79 recommendations** · from 11 of the 11 challenges with recommendations "
                              "recorded (100%) · 8 councils")
    assert listed.description is None and listed.showing is None
    assert len(listed.table) == 79
    assert listed.table["Latest status"].value_counts().to_dict() == {
        "❔ Not reported": 54, "🔄 In progress (council's own rating)": 15, "✅ Complete (council's own rating)": 7,
        "⚠️ Delayed (council's own rating)": 2, "✅ Complete (peer team's finding)": 1}
    first = listed.table.iloc[0]
    assert (first["Council"], first["Challenge"], first["No."], first["Council page"]) == (
        "Breckland Council", "2022-06", "1", "council?council=breckland&challenge=2022-06")
    assert first["Topics"] == ("Finance and financial management, Budget and medium-term financial strategy, "
                               "Culture, values and behaviours")
    assert first["Core element label"] == first["Topics label"] == "curated (from the source file)"


def test_theme_list_of_governance_and_culture_has_20_recommendations_from_10_challenges():
    listed = tv.theme_list(run_query, selection(), "core:Governance and culture", current_taxonomy(), labels(), link)
    assert listed.summary == ("**20 of 79 recommendations** · from 10 of the 11 challenges with recommendations "
                              "recorded (91%) · 8 councils")
    assert len(listed.table) == 20 and set(listed.table["Core element"]) == {"Governance and culture"}


def test_theme_list_of_the_finance_topic_describes_it_and_lists_15():
    listed = tv.theme_list(run_query, selection(), "topic:finance", current_taxonomy(), labels(), link)
    assert listed.summary == ("**15 of 79 recommendations** · from 9 of the 11 challenges with recommendations "
                              "recorded (82%) · 7 councils")
    assert listed.description.startswith(
        r"Finance and financial management: Financial management and grip, accounts and audit of accounts")
    assert listed.description.endswith(r"value for money, efficienc\*… (see *How tagging works*).")
    assert len(listed.table) == 15
    assert all("Finance and financial management" in t for t in listed.table["Topics"])


def test_theme_list_capped_says_it_shows_the_first_rows(monkeypatch):
    monkeypatch.setattr(tv, "LIST_LIMIT", 5)
    listed = tv.theme_list(run_query, selection(), "topic:finance", current_taxonomy(), labels(), link)
    assert len(listed.table) == 5
    assert listed.showing == ("Showing the first 5 of 15 (by council and challenge); the *Explore and download* "
                              "page downloads them all.")


# ---------------------------------------------------------------- 4. similar and repeated


def test_similarity_index_holds_97_records_threshold_0_25(sim):
    assert (len(sim.index), len(sim.index.skipped), sim.threshold) == (97, 9, 0.25)
    assert tv.scoring_note(sim).endswith(
        "9 recommendations recorded only as 'wording not captured' are not indexed.")


def test_pickers_list_all_97_by_council_name_challenge_and_number(sim):
    pick = sim.pickers
    assert pick["large"] is False and len(pick["ids"]) == 97
    assert pick["ids"][:2] == ["breckland-2022-06-r01", "breckland-2022-06-r02"]
    assert pick["ids"][-1] == "stroud-2022-03-r05"
    assert pick["labels"]["breckland-2022-06-r02"] == (
        "Breckland Council 2022-06 · 2 · Consider borrowing to finance the council's priorities")
    # an unnumbered recommendation is labelled by its position; long titles are cut to 80 characters
    assert pick["labels"]["stroud-2022-03-r01"] == (
        "Stroud District Council 2022-03 · #1 · Manage the pace of activity: slow down and prioritise what the "
        "council must del…")
    assert pick["council_first"] == {
        "breckland": "breckland-2022-06-r01", "brentwood": "brentwood-2024-03-r01", "bury": "bury-2018-11-r01",
        "castle-point": "castle-point-2024-09-r01", "cheshire-east": "cheshire-east-2024-03-r01",
        "colchester": "colchester-2014-06-r01", "tower-hamlets": "tower-hamlets-2023-09-r01",
        "kensington-and-chelsea": "kensington-and-chelsea-unknown-r01", "stroud": "stroud-2019-03-r01"}


def test_above_the_picker_limit_the_councils_come_first_by_name(sim, monkeypatch):
    monkeypatch.setattr(tv, "PICKER_LIMIT", 10)
    pick = tv.pickers(sim.index)
    assert pick["large"] is True and pick["ids"] == [] and pick["labels"] == {}
    assert pick["councils"] == ["breckland", "brentwood", "bury", "castle-point", "cheshire-east", "colchester",
                                "tower-hamlets", "kensington-and-chelsea", "stroud"]  # London Borough ... < Royal ...
    assert {c: len(rows) for c, rows in pick["council_rows"].items()} == {
        "breckland": 10, "brentwood": 9, "bury": 15, "castle-point": 5, "cheshire-east": 3, "colchester": 18,
        "kensington-and-chelsea": 6, "stroud": 13, "tower-hamlets": 18}
    assert pick["council_names"]["colchester"] == COLCHESTER
    assert pick["council_first"]["bury"] == "bury-2018-11-r01"


def test_council_picker_lists_strouds_13_recommendations_oldest_challenge_first(sim, monkeypatch):
    monkeypatch.setattr(tv, "PICKER_LIMIT", 10)
    large = tv.Similarity(sim.index, sim.threshold, tv.pickers(sim.index))
    ids, labels_ = tv.council_picker(large, "stroud")
    assert ids == [f"stroud-2019-03-r0{i}" for i in range(1, 9)] + [f"stroud-2022-03-r0{i}" for i in range(1, 6)]
    assert labels_["stroud-2019-03-r02"] == "2019-03 · CRD2 · Adopt a Corporate Delivery Plan"
    assert labels_["stroud-2022-03-r03"].startswith("2022-03 · 6 · Bring more consistency across the council.")
    assert tv.council_picker(large, "fylde") == ([], {})  # its placeholders are not indexed


def test_default_rec_is_the_linked_councils_first_else_brecklands_finance_recommendation(sim):
    assert tv.default_rec(sim, "stroud") == "stroud-2019-03-r01"
    assert tv.default_rec(sim, None) == "breckland-2022-06-r01"
    assert tv.default_rec(sim, "fylde") == "breckland-2022-06-r01"


def test_default_rec_without_brecklands_is_the_first_listed_or_the_first_councils_first(sim, monkeypatch):
    monkeypatch.setattr(tv, "DEFAULT_REC", "no-such-rec")
    assert tv.default_rec(sim, None) == "breckland-2022-06-r01"  # the first in the one picker
    monkeypatch.setattr(tv, "PICKER_LIMIT", 10)
    large = tv.Similarity(sim.index, sim.threshold, tv.pickers(sim.index))
    assert tv.default_rec(large, None) == "breckland-2022-06-r01"  # the first council's first


def test_council_of_and_seed_row_look_a_recommendation_up(sim):
    assert tv.council_of(sim, "stroud-2019-03-r04") == "stroud"
    row = tv.seed_row(sim, "breckland-2022-06-r01")
    assert (row["council_name"], row["challenge_month"], row["number"], row["core_theme"]) == (
        "Breckland Council", "2022-06", "1", "Financial planning and management")
    assert row["index_topics"] == ["budget", "culture_values", "finance", "member_development", "performance",
                                   "workforce"]


def test_seed_heading_gives_the_full_text_only_when_it_differs_from_the_title(sim):
    heading, full = tv.seed_heading(tv.seed_row(sim, "breckland-2022-06-r01"))
    assert heading == ("**Breckland Council (2022-06)** — Make meeting financial targets the shared responsibility "
                       "of all staff and members")
    assert full == ("Full text: There are financial challenges ahead; it should be the collective responsibility "
                    r"of all staff and members to ensure financial targets are met\.")
    heading, full = tv.seed_heading(tv.seed_row(sim, "bury-2023-11-r04"))  # no text recorded
    assert full is None
    assert heading == (r"**Bury Council (2023-11)** — Have a single, solid medium\-term money plan that everyone "
                       r"in the council understands\.")


def test_brecklands_finance_recommendation_is_closest_to_tower_hamlets_mtfs_at_0_272(sim):
    hits = tv.similar_hits(sim, "breckland-2022-06-r01", labels())
    assert hits["recommendation_id"].tolist() == ["tower-hamlets-2023-09-r02", "stroud-2019-03-r07",
                                                  "bury-2023-11-r04", "bury-2023-11-r07", "castle-point-2024-09-r01"]
    assert hits["similarity"].tolist() == [0.272, 0.212, 0.187, 0.165, 0.164]
    assert "breckland" not in set(hits["council_id"])  # other councils only
    assert tv.closest_heading(hits) == "### Closest match: London Borough of Tower Hamlets (2023-09), similarity 0.27"


def test_similar_table_shapes_the_hits_with_council_page_links(sim):
    table = tv.similar_table(tv.similar_hits(sim, "breckland-2022-06-r01", labels()), link)
    assert list(table.columns) == ["Similarity", "Recommendation", "Council", "Challenge", "Core element",
                                   "In common", "Council page"]
    assert table.iloc[1].to_dict() == {
        "Similarity": 0.212,
        "Recommendation": "Review how investment and commercial plans could support priorities and financial viability",
        "Council": "Stroud District Council", "Challenge": "2019-03",
        "Core element": "Financial planning and management",
        "In common": "words: financial; topics: Budget and medium-term financial strategy, Finance and financial "
                     "management",
        "Council page": "council?council=stroud&challenge=2019-03",
    }


def test_3_councils_have_two_challenges_with_recommendations(sim):
    assert tv.repeat_council_count(sim) == 3


def test_at_the_default_threshold_4_repeats_at_2_of_3_councils(sim):
    found = tv.repeats(sim, sim.threshold, labels())
    assert (found["n_flag"], found["n_flag_councils"], found["n_councils"]) == (4, 2, 3)
    pairs = found["pairs"]
    assert pairs[["later_recommendation_id", "earlier_recommendation_id", "similarity"]].values.tolist() == [
        ["colchester-2022-09-r05", "colchester-2014-06-r01", 0.335],
        ["colchester-2022-09-r03", "colchester-2014-06-r02", 0.312],
        ["bury-2023-11-r04", "bury-2018-11-r02", 0.301],
        ["colchester-2022-09-r14", "colchester-2014-06-r03", 0.26],
    ]
    assert found["summary"].to_dict("list") == {
        "Council": ["Bury Council", COLCHESTER, "Stroud District Council"],
        "Challenges with recommendations recorded": ["2018-11, 2023-11", "2014-06, 2022-09", "2019-03, 2022-03"],
        "Later recommendations flagged as repeats": [1, 3, 0],
    }
    assert tv.repeats_heading(found, 3) == ("### 4 later recommendations closely match one from the same council's "
                                            "earlier challenge (2 of 3 councils with repeat challenges)")


def test_at_0_10_23_repeats_at_all_3_councils(sim):
    found = tv.repeats(sim, 0.10, labels())
    assert (found["n_flag"], found["n_flag_councils"]) == (23, 3)
    assert found["summary"]["Later recommendations flagged as repeats"].tolist() == [8, 11, 4]


def test_at_0_80_no_pair_is_flagged(sim):
    found = tv.repeats(sim, 0.80, labels())
    assert (found["n_flag"], found["n_flag_councils"], len(found["pairs"])) == (0, 0, 0)
    assert tv.repeat_cards(found, link) == []
    assert tv.repeats_heading(found, 3) == ("### 0 later recommendations closely match one from the same council's "
                                            "earlier challenge (0 of 3 councils with repeat challenges)")


def test_one_repeat_is_worded_in_the_singular(sim):
    found = tv.repeats(sim, 0.33, labels())
    assert tv.repeats_heading(found, 3) == ("### 1 later recommendation closely matches one from the same "
                                            "council's earlier challenge (1 of 3 councils with repeat challenges)")


def test_repeat_cards_show_each_pair_earlier_then_later_with_the_council_link(sim):
    cards = tv.repeat_cards(tv.repeats(sim, sim.threshold, labels()), link)
    assert len(cards) == 4
    assert cards[2] == (
        r"**Bury Council** · similarity **0.30** · in common: words\: money; topics\: Finance and financial "
        "management\n\n"
        r"- **2018-11:** Improve how the council manages its money\." "\n"
        r"- **2023-11:** Have a single, solid medium\-term money plan that everyone in the council understands\. "
        "([council page](council?council=bury&challenge=2023-11))")


def test_repeat_cards_caption_only_when_there_are_more_pairs_than_cards(sim, monkeypatch):
    assert tv.repeat_cards_caption(tv.repeats(sim, sim.threshold, labels())) is None
    monkeypatch.setattr(tv, "REPEAT_CARDS", 2)
    found = tv.repeats(sim, sim.threshold, labels())
    assert len(tv.repeat_cards(found, link)) == 2
    assert tv.repeat_cards_caption(found) == "The 2 closest pairs are shown here; *Show the data* lists all 4."
    monkeypatch.setattr(tv, "TABLE_LIMIT", 3)
    found = tv.repeats(sim, sim.threshold, labels())
    assert len(found["pairs"]) == 3 and found["n_flag"] == 4
    assert tv.repeat_cards_caption(found) == ("The 2 closest pairs are shown here; *Show the data* lists the first "
                                              "3 of all 4.")


def test_repeat_pairs_table_lists_earlier_and_later_wording(sim):
    table = tv.repeat_pairs_table(tv.repeats(sim, sim.threshold, labels()))
    assert list(table.columns) == ["Council", "Earlier", "Earlier recommendation", "Later", "Later recommendation",
                                   "Similarity", "In common"]
    assert table.iloc[0].to_dict() == {
        "Council": COLCHESTER, "Earlier": "2014-06",
        "Earlier recommendation": "Make the council's vision and top priorities clearer to people.",
        "Later": "2022-09", "Later recommendation": "Reduce the number of council priorities, which are too many.",
        "Similarity": 0.335, "In common": "words: priorities; topics: Vision, priorities and corporate plan"}


def test_threshold_note_gives_the_default_and_no_sampling_at_this_size(sim):
    note = tv.threshold_note(sim)
    assert "The default, **0.25**, is the 98th percentile" in note
    assert note.endswith("Recomputed whenever the data changes.")


# ---------------------------------------------------------------- 5. label sources and the taxonomy


def test_label_sources_all_79_core_elements_and_topics_curated():
    heading, table = tv.label_sources(run_query, selection())
    assert heading == ("## Of the 79 recommendations in this selection, 79 have a curated core element and 0 a "
                       "proposed one")
    assert table.to_dict("list") == {"Label": ["Core element", "Topics"], "Curated": [79, 79],
                                     "Proposed by the tagger": [0, 0], "None": [0, 0]}


def test_label_sources_of_districts_count_their_55():
    heading, table = tv.label_sources(run_query, selection(council_types=["district"]))
    assert heading.startswith("## Of the 55 recommendations in this selection, 55 have a curated core element")
    assert table["Curated"].tolist() == [55, 55]


def test_taxonomy_table_counts_each_of_the_28_topics_in_the_selection():
    table = tv.taxonomy_table(selection(), current_taxonomy()).set_index("Topic")
    assert len(table) == 28
    assert table.loc["Finance and financial management"].tolist() == ["Financial planning and management", 15, 23]
    assert table.loc["Vision, priorities and corporate plan", "Recommendations (this selection)"] == 17
    assert table.loc["Devolution, reorganisation and regional working", "Recommendations (this selection)"] == 0


def test_taxonomy_sections_one_per_core_element_with_its_topics():
    sections = tv.taxonomy_sections(current_taxonomy())
    assert [(label, len(paras)) for label, paras in sections] == [
        ("Local priorities and outcomes – 5 topics", 5),
        ("Organisational and place leadership – 7 topics", 7),
        ("Governance and culture – 6 topics", 6),
        ("Financial planning and management – 4 topics", 4),
        ("Capacity for improvement – 6 topics", 6),
    ]
    first = sections[0][1][0]
    assert first.startswith("**Vision, priorities and corporate plan** (`vision_priorities`) – The council's vision")
    assert "\n\n*Keywords:* vision\\*, priorit\\*, corporate plan\\*" in first
    assert "\n\n*Tags filed under it:* vision, priorities, prioritisation, corporate\\_plan" in first
