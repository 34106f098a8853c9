"""Issue 7 (scale): the Slippage page caps what it lists and draws (ac.SLIPPAGE_LIMITS) and says so, while
every figure still counts the whole selection. The limits are lowered here so the frozen fixture dataset
(tests/fixtures/dataset: 79 recommendations (106 records), 17 with a dated target, 8 measurable, 5 open and overdue, 11
progress-review comments of which 2 disagree) is enough to show the caps."""

from __future__ import annotations

import pytest

from peer_challenges.analysis import trend_charts as ac
from tests.conftest import metric_values
from tests.app.test_pages_themes_slippage import figures, markdown_text, table_with

pytestmark = pytest.mark.usefixtures("on_fixture")


@pytest.fixture
def tiny_limits(monkeypatch):
    for key, value in {"overdue_groups": 1, "strip_per_group": 1, "dumbbell": 2, "table": 3,
                       "timeliness_points": 5, "cards": 1}.items():
        monkeypatch.setitem(ac.SLIPPAGE_LIMITS, key, value)


def test_capped_tables_say_showing_n_of_m_and_the_figures_count_everything(make_app, tiny_limits):
    at = make_app("slippage").run()
    assert not at.exception, [e.message for e in at.exception]
    m = metric_values(at)
    assert m["Measurable"] == "8 of 79" and m["Open and overdue"] == "5" and m["Median days overdue"] == "183"
    text = markdown_text(at)
    targets = table_with(at, "Target as written")
    assert len(targets) == 3
    assert "Showing the 3 with the most slippage of 17 recommendations with a dated target" in text
    overdue = table_with(at, "Days past original target")
    assert len(overdue) == 3 and set(overdue["Days past original target"]) == {183}
    assert "Showing the 3 most overdue of 5 recommendations open and overdue" in text
    assert "## Open and overdue: 5 recommendations" in text
    # the range chart: the 2 with the most slippage, said in a note; its headline counts all 17
    assert "The chart shows the 2 recommendations with the most slippage" in text
    assert "17 recommendations have a dated target" in text
    dumbbell = [f for f in figures(at) if any(t.name == "Original target" for t in f.data)][0]
    assert len(dumbbell.layout.yaxis.categoryarray) == 2 and len(dumbbell.data) <= 5
    # the dot plot: a sample (1 per group + each group's earliest and latest), the headline counts all 8
    assert "The marks are a sample:" in text and "of 8 recommendations" in text
    assert "3 of 8 measurable recommendations were completed on time" in text


def test_capped_timeliness_dots_sample_and_keep_the_starred_council(make_app, tiny_limits):
    at = make_app("slippage", {"council": "stroud"}).run()
    at.radio(key="slip_milestone").set_value("report").run()
    text = markdown_text(at)
    assert "The dots and the table are a fixed random sample of" in text
    assert "Stroud District Council: 2019-03 – 51 days; 2022-03 – 72 days" in text
    star = [t for f in figures(at) for t in f.data if t.name == "Stroud District Council"][0]
    assert sorted(star.y) == [51, 72]
    data3 = table_with(at, "Met the norm")
    assert len(data3) <= 5 + 2


def test_capped_progress_review_findings(make_app, tiny_limits):
    at = make_app("slippage").run()
    text = markdown_text(at)
    assert "Peers disputed the council's own rating on 2 of the 17 recommendations" in text
    assert text.count("Council's own rating:**") == 1
    assert "…and 1 more dispute:" in text
    assert "3 of the 17 progress-review comments on individual recommendations" in [e.label for e in at.expander]
    assert len(table_with(at, "What the source recorded")) == 3


def test_uncapped_page_shows_everything_without_a_cap_caption(make_app):
    at = make_app("slippage").run()
    text = markdown_text(at)
    assert "Showing the " not in text and "sample" not in text
    assert len(table_with(at, "Target as written")) == 17
    assert len(table_with(at, "Days past original target")) == 5
    dumbbell = [f for f in figures(at) if any(t.name == "Original target" for t in f.data)][0]
    assert len(dumbbell.layout.yaxis.categoryarray) == 17 and len(dumbbell.data) == 5
