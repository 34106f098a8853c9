"""The explore page through app.py (AppTest): URL filters, row counts, downloads, empty state, notices.

Brentwood's and Stroud's rows and the unfiltered row counts (equal to the tables') run on the live dataset
(marked live_data); the rest on the frozen fixture dataset (tests/fixtures/dataset: 106 recommendations)."""

from __future__ import annotations

import pytest

from conftest import metric_values
from peer_challenges.store.db import default_connection

live_data = pytest.mark.live_data


def qp(at, key) -> list[str]:
    """A URL query parameter as a list (AppTest gives a single value as a string)."""
    value = at.query_params.get(key, [])
    return [value] if isinstance(value, str) else list(value)


def rows_shown(at) -> int:
    return int(metric_values(at)["Matching rows"].replace(",", ""))


@live_data
def test_brentwood_link_shows_nine_rows_and_three_downloads(make_app):
    at = make_app("explore", {"council": "brentwood"}).run()
    assert not at.exception
    assert rows_shown(at) == 9
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == 9
    buttons = at.get("download_button")
    assert [b.label for b in buttons] == ["Download CSV", "Download Excel", "Download Parquet"]
    assert "filters in force: Council\\: Brentwood Borough Council" in " ".join(m.value for m in at.markdown)
    # status shown as words + icon, never a bare code
    statuses = set(at.dataframe[0].value["latest_status"])
    assert statuses == {"\u2705 Complete", "\U0001f504 In progress"}

    at.multiselect(key="exp_status").set_value(["complete"]).run()
    assert not at.exception
    assert rows_shown(at) == 2
    assert sorted(at.dataframe[0].value["number"]) == ["3", "7"]
    assert qp(at, "status") == ["complete"] and qp(at, "council") == ["brentwood"]


@live_data
def test_stroud_with_year_range(make_app):
    at = make_app("explore", {"council": "stroud", "from": "2019", "to": "2019"}).run()
    assert not at.exception
    assert rows_shown(at) == 8


@live_data
@pytest.mark.parametrize("table", ["recommendations", "updates", "challenges", "councils"])
def test_unfiltered_table_counts_every_row(make_app, table):
    at = make_app("explore", {"table": table}).run()
    assert not at.exception
    assert rows_shown(at) == default_connection().execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_unknown_values_in_the_link_give_a_notice(on_fixture, make_app):
    at = make_app("explore", {"council": ["no-such", "brentwood"], "status": "<b>done</b>", "table": "x"}).run()
    assert not at.exception
    notice = " ".join(w.value for w in at.warning)
    assert "no\\-such" in notice and "\\<b\\>done\\</b\\>" in notice  # escaped, never rendered as HTML
    assert rows_shown(at) == 9  # brentwood kept, the rest ignored


def test_unknown_council_alone(on_fixture, make_app):
    at = make_app("explore", {"council": "no-such"}).run()
    assert not at.exception
    assert any("no\\-such" in w.value for w in at.warning)
    assert rows_shown(at) == 106


def test_switching_table_ignores_filters_that_do_not_apply(on_fixture, make_app):
    at = make_app("explore", {"council": "brentwood", "status": "complete"}).run()
    assert rows_shown(at) == 2
    at.radio(key="exp_table").set_value("challenges").run()
    assert not at.exception
    assert rows_shown(at) == 2  # Brentwood's two challenges; the status filter does not apply
    assert any("latest status" in i.value and "ignored" in i.value for i in at.info)
    assert qp(at, "table") == ["challenges"]


def test_no_match_gives_an_empty_state_with_a_way_back(on_fixture, make_app):
    at = make_app("explore", {"council": "brentwood", "q": "'; DROP TABLE recommendations; --"}).run()
    assert not at.exception
    assert rows_shown(at) == 0
    assert not at.dataframe and not at.get("download_button")
    assert any("No recommendations match" in i.value for i in at.info)
    at.button(key="exp_clear_empty").click().run()
    assert not at.exception
    assert rows_shown(at) == 106
    assert "council" not in at.query_params and "q" not in at.query_params


def test_recommendation_rows_say_what_they_are(on_fixture, make_app):
    """The fixture's 106 recommendation records are 79 recommendations (74 with their own wording and 5 inferred,
    Stroud), 18 headings (Tower Hamlets) and 9 placeholders (Fylde), counted as the overview counts them; its
    18 challenge records are 17 challenges, a joint challenge once."""
    at = make_app("explore").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert rows_shown(at) == 106
    assert "**106 records**: 79 recommendations, 18 headings and 9 placeholders · filters in force" in text
    assert " of 17 challenges (a joint challenge counted once) matching" in " ".join(c.value for c in at.caption)
    # the downloads say the same, not "106 matching recommendations"
    assert ("All three files hold the 106 records that match (79 recommendations, 18 headings and 9 placeholders), "
            "with every column.") in " ".join(c.value for c in at.caption)
    at = make_app("explore", {"council": "tower-hamlets"}).run()
    assert "**18 records**: 0 recommendations and 18 headings · filters in force" in " ".join(m.value for m in at.markdown)
    at = make_app("explore", {"council": "brentwood"}).run()
    assert "**9 recommendations** · filters in force" in " ".join(m.value for m in at.markdown)
    assert "All three files hold the 9 recommendations that match, with every column." in " ".join(
        c.value for c in at.caption)


def test_record_kind_filter_is_in_the_link(on_fixture, make_app):
    """?kind=heading_or_group gives Tower Hamlets' 18 headings; choosing the two kinds the dashboard counts as
    recommendations gives the 79 the overview counts, and the link says so."""
    at = make_app("explore", {"kind": "heading_or_group"}).run()
    assert not at.exception
    assert rows_shown(at) == 18
    assert "Record kind\\: Heading or group over recommendations" in " ".join(m.value for m in at.markdown)
    assert set(at.dataframe[0].value["record_kind"]) == {"Heading or group over recommendations"}  # words, not codes
    at.multiselect(key="exp_kind").set_value(["recommendation", "inferred"]).run()
    assert not at.exception
    assert rows_shown(at) == 79
    assert qp(at, "kind") == ["recommendation", "inferred"]
    assert "**79 recommendations** · filters in force" in " ".join(m.value for m in at.markdown)
    at.radio(key="exp_table").set_value("challenges").run()  # does not apply to challenges: said, not applied
    assert not at.exception
    assert any("has no record kind" in i.value for i in at.info)


def test_challenges_table_says_a_joint_challenge_has_a_row_per_partner(on_fixture, make_app):
    # the fixture's 18 challenge rows are 17 challenges: Babergh and Mid Suffolk's joint 2022 challenge has a row
    # for each; council types are shown in words, as the sidebar names them
    at = make_app("explore", {"table": "challenges"}).run()
    assert not at.exception
    assert rows_shown(at) == 18
    assert any(c.value.startswith("18 rows for 17 challenges: a joint challenge (one visit, one report) has a row "
                                  "for each partner council") for c in at.caption)
    assert set(at.dataframe[0].value["council_type"]) <= {"District", "Unitary", "County", "Metropolitan borough",
                                                          "London borough"}
