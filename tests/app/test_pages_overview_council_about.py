"""AppTests of the overview, council and about pages, run through app.py: each renders without exception,
answers known questions, and reacts to one real interaction. Hostile links never crash the council page
and are never echoed into Markdown.

Tests marked live_data run on the live dataset: the seed councils' pages and figures that must equal a count
of the data; the rest run on the frozen fixture dataset (tests/fixtures/dataset), whose totals are known."""

from __future__ import annotations

import pytest

from peer_challenges.store import db as data
from tests.conftest import metric_values

live_data = pytest.mark.live_data


def _count(sql: str) -> int:
    return int(data.default_connection().execute(sql).fetchone()[0])


def _all_text(at) -> list[str]:
    """Every Markdown-rendered string on the page (markdown, captions, alerts, headings)."""
    out = []
    for kind in ("markdown", "caption", "warning", "info", "error", "success", "title", "header", "subheader"):
        out += [str(e.value) for e in getattr(at, kind)]
    out += [str(e.label) for e in at.expander]
    return out


KINDS_SQL = "SELECT count(*) FROM recommendations WHERE record_kind IN ('recommendation', 'inferred')"


# ---- overview -------------------------------------------------------------------------------------

def test_overview_headline_figures_and_type_filter(on_fixture, make_app):
    at = make_app("overview").run()
    assert not at.exception
    metrics = metric_values(at)
    assert metrics["Councils"] == "14"
    assert metrics["Challenges"] == "17"  # Babergh and Mid Suffolk's joint challenge once
    assert metrics["Recommendations"] == "79"  # 106 records less 18 headings and 9 placeholders
    # 8 complete of 25 with a reported status (Brentwood 2, Stroud 3, Castle Point 1, Cheshire East 1, Stroud 2022 1):
    # 25 or more records, so a share with its 95% Wilson interval
    assert metrics["Share complete"] == "32%"
    caption = next(c.value for c in at.caption if "records with a status on or before today" in c.value)
    assert caption.startswith("8 of 25 records with a status on or before today, less superseded; 95% interval 17%–52%")
    assert "Statuses: 24 the council's own ratings, 1 the peer team's finding." in caption
    assert metrics["Median days to review"] == "340"  # 9 progress reviews, the joint one once
    assert any("between 313 and 340 days" in c.value and "2–3 of 9 within about 10 months" in c.value
               for c in at.caption)

    at.multiselect(key="flt_type").set_value(["district"]).run()
    assert not at.exception
    assert metric_values(at)["Councils"] == "8"
    assert (metric_values(at)["Challenges"], metric_values(at)["Recommendations"]) == ("10", "55")
    assert at.query_params["type"] in ("district", ["district"])
    # down to the recommendations behind the figure: the link opens Explore on the same records
    link = next(p.proto for p in at.get("page_link") if p.proto.page == "explore")
    assert link.label == "See the 55 recommendations behind these figures, and download them"
    assert link.query_string == "type=district&kind=recommendation&kind=inferred"
    explore = make_app("explore", {"type": "district", "kind": ["recommendation", "inferred"]}).run()
    assert not explore.exception
    assert metric_values(explore)["Matching rows"] == "55"


@live_data
def test_overview_headline_figures_equal_the_data(make_app):
    at = make_app("overview").run()
    assert not at.exception
    metrics = metric_values(at)
    assert metrics["Councils"] == f"{_count('SELECT count(*) FROM councils'):,}"
    assert metrics["Challenges"] == f"{_count('SELECT count(DISTINCT report_group) FROM challenges'):,}"
    assert metrics["Recommendations"] == f"{_count(KINDS_SQL):,}"
    share = next(c.value for c in at.caption if "records with a status on or before" in c.value)
    complete, of = (int(x.replace(",", "")) for x in share.split(" records with")[0].split(" of "))
    assert 0 <= complete <= of <= _count("SELECT count(*) FROM recommendation_status WHERE latest_status IS NOT NULL")
    assert metrics["Share complete"] in (f"{round(100 * complete / of)}%", f"{complete} of {of}")

    at.multiselect(key="flt_type").set_value(["district"]).run()
    assert not at.exception
    districts = _count("SELECT count(DISTINCT c.council_id) FROM challenges c JOIN councils co USING (council_id) "
                       "WHERE co.council_type = 'district'")
    assert metric_values(at)["Councils"] == f"{districts:,}"
    assert at.query_params["type"] in ("district", ["district"])


@live_data
def test_overview_council_table_links_to_council_pages(make_app):
    at = make_app("overview").run()
    table = next(df.value for df in at.dataframe if "Council" in df.value.columns and "Region" in df.value.columns)
    assert len(table) == _count("SELECT count(*) FROM councils")
    link = table.loc[table["Council"].str.contains("council=brentwood#"), "Council"].iloc[0]
    assert link == "council?council=brentwood#Brentwood%20Borough%20Council"


def test_overview_council_table_on_the_fixture(on_fixture, make_app):
    at = make_app("overview").run()
    table = next(df.value for df in at.dataframe if "Council" in df.value.columns and "Region" in df.value.columns)
    assert len(table) == 14


def test_overview_empty_filter_combination_is_explained(on_fixture, make_app):
    at = make_app("overview", {"type": "county", "region": "London"}).run()
    assert not at.exception
    assert any("No peer challenges match these filters" in i.value for i in at.info)


# ---- council ----------------------------------------------------------------------------------------

@live_data
def test_council_brentwood_known_answers(make_app):
    at = make_app("council", {"council": "brentwood"}).run()
    assert not at.exception
    metrics = metric_values(at)
    assert metrics["Recommendations"] == "9"
    assert metrics["Complete"] == "2"
    assert metrics["In progress"] == "7"
    assert at.title[0].value == "Brentwood Borough Council"
    assert any(c.value == "9 of 9 recorded" for c in at.caption)
    assert any(m.value.startswith("Brentwood Borough Council's March 2024 peer challenge made 9 recommendations")
               for m in at.markdown)
    assert len(at.expander) >= 9  # one per recommendation


@live_data
def test_council_stroud_2019_known_answers(make_app):
    at = make_app("council", {"council": "stroud", "challenge": "2019-03"}).run()
    assert not at.exception
    metrics = metric_values(at)
    assert (metrics["Recommendations"], metrics["Complete"], metrics["Overdue"]) == ("8", "3", "5")
    assert metrics["Median slippage (days)"] == "183"


@live_data
def test_council_picker_changes_the_page(make_app):
    at = make_app("council", {"council": "brentwood"}).run()
    before = metric_values(at)
    at.selectbox(key="council_pick").set_value("stroud").run()
    assert not at.exception
    after = metric_values(at)
    assert after != before
    assert after["Recommendations"] == "5"  # Stroud's most recent challenge, March 2022
    assert at.query_params["council"] in ("stroud", ["stroud"])
    at.selectbox(key="challenge_pick").set_value("2019-03").run()
    assert metric_values(at)["Recommendations"] == "8"
    assert at.query_params["challenge"] in ("2019-03", ["2019-03"])


def test_council_without_a_choice_is_a_prompt_not_an_error(on_fixture, make_app):
    at = make_app("council").run()
    assert not at.exception
    assert not at.warning
    assert any("Choose a council" in i.value for i in at.info)
    assert at.selectbox(key="council_pick").value is None


def test_unknown_challenge_falls_back_to_most_recent(on_fixture, make_app):
    at = make_app("council", {"council": "brentwood", "challenge": "1999-01"}).run()
    assert not at.exception
    assert any("showing its most recent challenge" in i.value for i in at.info)
    assert metric_values(at)["Recommendations"] == "9"


def test_council_with_undated_challenge(on_fixture, make_app):
    at = make_app("council", {"council": "kensington-and-chelsea"}).run()
    assert not at.exception
    assert metric_values(at)["Recommendations"] == "6"
    assert any("on-site date of this challenge is not known" in i.value for i in at.info)


@pytest.mark.parametrize("hostile", ["no-such-council", "'; drop table councils; --", "<script>alert(1)</script>"])
def test_hostile_council_values(on_fixture, make_app, hostile):
    at = make_app("council", {"council": hostile}).run()
    assert not at.exception
    assert at.warning and "not recognised" in at.warning[0].value
    assert not at.metric
    # suggestions are offered as links to real councils
    assert any(el.type == "page_link" for el in at.main) or len(at.get("page_link")) >= 1
    for text in _all_text(at):
        assert hostile not in text
    for md in at.markdown:
        assert "<script" not in md.value.lower() or "@media print" in md.value
    # the value is shown only as code, if at all
    assert all(hostile[:200] == c.value for c in at.code)


def test_close_match_suggests_the_council(on_fixture, make_app):
    at = make_app("council", {"council": "brentwod"}).run()
    labels = [p.proto.label for p in at.get("page_link")]
    assert "Brentwood Borough Council" in labels


# ---- about ------------------------------------------------------------------------------------------

def _about_page_checked_against_the_data(make_app):
    """The About page's coverage table and source list, each figure checked against a count of the data."""
    at = make_app("about").run()
    assert not at.exception
    coverage = next(df.value for df in at.dataframe if list(df.value.columns) == ["What", "Count", "Note"])
    got = dict(zip(coverage["What"], coverage["Count"]))
    expected = {
        "Councils": _count("SELECT count(*) FROM councils"),
        "Challenges": _count("SELECT count(*) FROM challenges"),
        "Recommendations recorded": _count("SELECT count(*) FROM recommendations"),
        "Challenges stating how many recommendations they made":
            _count("SELECT count(*) FROM challenges WHERE recommendations_total IS NOT NULL"),
        "Recommendations made, where the total is stated": _count(  # a joint report's total once
            "SELECT sum(t) FROM (SELECT any_value(recommendations_total) AS t FROM challenges GROUP BY report_group)"),
        "Status updates": _count("SELECT count(*) FROM updates"),
        "Council-wide progress snapshots counting recommendations":
            _count("SELECT count(*) FROM progress_snapshots WHERE unit = 'recommendations'"),
        "Council-wide progress snapshots counting actions":
            _count("SELECT count(*) FROM progress_snapshots WHERE unit = 'actions'"),
        "Challenges with a progress-review date":
            _count("SELECT count(*) FROM challenges WHERE progress_review_onsite IS NOT NULL "
                   "AND progress_review_kind = 'progress_review'"),
        "Challenges counting a joint challenge once": _count("SELECT count(DISTINCT report_group) FROM challenges"),
        "Status updates: the council's own rating": _count("SELECT count(*) FROM updates WHERE assessed_by = 'council'"),
        "Status updates: the peer team's finding": _count("SELECT count(*) FROM updates WHERE assessed_by = 'peer_team'"),
        "Council ratings the peer team disputed": _count("SELECT count(*) FROM updates WHERE peer_view IS NOT NULL"),
        "Challenges with recommendations recorded": _count("SELECT count(DISTINCT challenge_id) FROM recommendations"),
        "Sources": _count("SELECT count(*) FROM sources"),
    }
    for measure, value in expected.items():
        assert got[measure] == value, measure
    assert got["Recommendations recorded, where the total is stated"] <= got["Recommendations made, where the total is stated"]

    flags = next(df.value for df in at.dataframe if "Flag in the data" in df.value.columns)
    assert dict(zip(flags["Flag in the data"], flags["Recommendations"]))["heading_or_group"] == _count(
        "SELECT count(*) FROM recommendations WHERE record_flag = 'heading_or_group'")

    all_sources = len(next(df.value for df in at.dataframe if "Link" in df.value.columns))
    assert all_sources == expected["Sources"]
    at.text_input(key="source_search").input("Stroud").run()
    sources = next(df.value for df in at.dataframe if "Link" in df.value.columns)
    assert 0 < len(sources) < all_sources
    assert set(sources["Council"]) == {"Stroud District Council"}
    return got, len(sources)


@live_data
def test_about_coverage_equals_the_data_and_sources_search(make_app):
    _about_page_checked_against_the_data(make_app)


def test_about_coverage_on_the_fixture(on_fixture, make_app):
    got, stroud_sources = _about_page_checked_against_the_data(make_app)
    assert (got["Councils"], got["Challenges"], got["Recommendations recorded"], got["Status updates"]) == (14, 18, 106, 47)
    assert (got["Challenges with recommendations recorded"], got["Recommendations made, where the total is stated"],
            got["Council-wide progress snapshots counting recommendations"],
            got["Council-wide progress snapshots counting actions"], got["Challenges with a progress-review date"],
            got["Sources"]) == (13, 62, 4, 4, 10, 74)  # 62: Babergh and Mid Suffolk's joint 10 once
    assert (got["Challenges counting a joint challenge once"], got["Joint challenges"],
            got["Recorded: placeholders"], got["Recorded: headings or groups"],
            got["Council ratings the peer team disputed"]) == (17, 2, 9, 18, 2)
    assert stroud_sources == 15  # Stroud 2019's and 2022's


@live_data
def test_chiltern_page_points_to_its_joint_challenge_with_south_bucks(make_app):
    # Chiltern is in the register (abolished 1 April 2020); its 2017 challenge is recorded jointly with South
    # Bucks under chiltern-and-south-bucks (data/register/aliases.yaml), so it must not say "none on record"
    at = make_app("council", {"council": "chiltern"}).run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown) + " ".join(i.value for i in at.info)
    assert "in force from 2014 or earlier until 31 March 2020 · corporate peer challenges recorded jointly" in text
    assert "(/council?council=chiltern-and-south-bucks)" in text
    assert "No corporate peer challenge of this council is on record here" not in text
