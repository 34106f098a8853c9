"""Council pickers over a very long list (more councils than ui.LONG_LIST): a search box comes first and
the picker offers the matches plus the council already chosen, on the council, explore, slippage and
themes pages. Synthetic data with 2,029 councils (scale 6.4)."""

from __future__ import annotations

import pytest

from peer_challenges.store import db as data
from peer_challenges.devtools import synth
from peer_challenges.app import ui

from conftest import metric_values


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "many"
    manifest = synth.synth(6.4, out, seed=1, sample=0)
    assert manifest["rows"]["councils"] > ui.LONG_LIST
    return out, manifest


@pytest.fixture
def on_many(many, use_data):
    out, manifest = many
    use_data(out)
    return manifest


def _council(manifest) -> tuple[str, str]:
    cid = manifest["example_council"]
    return cid, data.run_query("council__names", ids=[cid])["name"].iloc[0]


def test_council_page_searches_first_and_keeps_a_linked_council(on_many, make_app):
    cid, name = _council(on_many)
    at = make_app("council").run()
    assert not at.exception
    box = at.selectbox(key="council_pick")
    assert len(box.options) == ui.SEARCH_SHOWN  # the first 100 by name, not 2,029
    assert any(f"{on_many['rows']['councils']:,} councils are covered" in i.value for i in at.info)
    word = name.split()[1]  # e.g. "Ashbury" from "Synthetic Ashbury Council"
    at.text_input(key="council_search").input(word).run()
    assert not at.exception
    options = at.selectbox(key="council_pick").options
    assert options and all(word.lower() in o.lower() for o in options)

    at = make_app("council", {"council": cid}).run()
    assert not at.exception
    assert at.title[0].value == name
    assert name in at.selectbox(key="council_pick").options  # kept whatever the search
    assert int(metric_values(at)["Recommendations"]) > 0


def test_council_page_bad_link_still_suggests_from_every_council(on_many, make_app):
    cid, _ = _council(on_many)
    at = make_app("council", {"council": cid + "x"}).run()
    assert not at.exception
    assert any("not recognised" in w.value for w in at.warning)
    assert cid in [p.proto.query_string.split("=", 1)[-1] for p in at.get("page_link")]


def test_explore_council_filter_by_search(on_many, make_app):
    cid, name = _council(on_many)
    at = make_app("explore", {"council": cid}).run()
    assert not at.exception
    assert at.multiselect(key="exp_council").value == [cid]
    n = int(metric_values(at)["Matching rows"].replace(",", ""))
    assert n == data.run_count("explore__recommendations", councils=[cid])
    at.text_input(key="exp_council_q").input("zzzz-no-such-council").run()
    assert not at.exception
    assert at.multiselect(key="exp_council").options == [name]  # only the chosen one remains on offer
    assert at.multiselect(key="exp_council").value == [cid]


def test_slippage_link_to_a_council_and_search(on_many, make_app):
    cid, name = _council(on_many)
    at = make_app("slippage", {"council": cid}).run()
    assert not at.exception
    assert at.selectbox(key="slip_council").value == cid
    assert any(name in c.value for c in at.caption)
    at = make_app("slippage", {"council": "no-such-council"}).run()
    assert not at.exception
    assert at.selectbox(key="slip_council").value == ""
    assert any("not recognised" in c.value for c in at.caption)


def test_explore_sends_large_sets_to_the_command_line(on_many, make_app):
    """136,011 updates are more than a browser download holds (100,000 rows): the buttons are off and the
    page says why and what to do; 46,385 recommendations can still be downloaded."""
    at = make_app("explore", {"table": "updates"}).run()
    assert not at.exception
    assert metric_values(at)["Matching rows"] == f"{on_many['rows']['updates']:,}"
    assert any("at most 100,000 rows" in w.value and "command below" in w.value for w in at.warning)
    assert all(b.proto.disabled for b in at.get("download_button"))
    assert any("peer_challenges export" in c.value for c in at.code)

    at = make_app("explore").run()
    assert not at.exception
    assert metric_values(at)["Matching rows"] == f"{on_many['rows']['recommendations']:,}"
    assert not any(b.proto.disabled for b in at.get("download_button"))
