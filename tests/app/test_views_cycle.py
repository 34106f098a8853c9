"""The five-year cycle and reorganisations (peer_challenges.app.views.cycle, queries cycle__* and council__register /
council__inherited*), on the frozen fixture dataset with the full council register (tests/fixtures/dataset/register,
a copy of data/register), and on that dataset plus the frozen reorganisation files (tests/fixtures/reorganisation).

Known answers, worked out from the fixture's source files and the register:
- in force on 2026-12-01: 317 councils (21 county, 164 district, 33 London borough, 36 metropolitan, 63 unitary);
  on 2021-04-01: 333. The fixture's 14 councils have 18 challenge records (Babergh and Mid Suffolk's joint one
  belongs to each); Kensington and Chelsea's has no date.
- On 2026-12-01: 12 within five years, 1 overdue (BCP: its November 2021 visit was due again by 30 November
  2026), 1 date not known, 303 none on record. On 2026-06-01 BCP was still within: 13 within, none overdue.
- Somerset Council (created 1 April 2023) inherits Somerset County Council's 2014-10 challenge (6 recommendations
  recorded, no status) and South Somerset's 2017-03; Barrow-in-Furness (2020-02, no progress review on record)
  was abolished on 1 April 2023, and Westmorland and Furness Council inherits its challenge."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from peer_challenges.app.views import cycle as cv
from peer_challenges.store.build import build
from peer_challenges.store.db import run_query

from tests.conftest import FIXTURE_DATASET, ROOT, copy_inputs

DEC = dt.date(2026, 12, 1)
JUNE = dt.date(2026, 6, 1)


@pytest.fixture
def fx(on_fixture):
    return on_fixture


def statuses(as_of) -> dict[str, int]:
    rows = run_query("cycle__councils", as_of=as_of)
    return rows["cycle_status"].value_counts().to_dict()


def test_councils_in_force_come_from_the_register_by_type(fx):
    s = run_query("cycle__summary", as_of=DEC)
    by_type = s[s["dimension"] == "council_type"].set_index("grp")["councils"].to_dict()
    assert by_type == {"county": 21, "district": 164, "london_borough": 33, "metropolitan": 36, "unitary": 63}
    assert cv.load(run_query, dt.date(2021, 4, 1)).n_councils == 333


def test_on_1_december_2026_twelve_fixture_councils_are_within_five_years_and_bcp_is_overdue(fx):
    assert statuses(DEC) == {"none_on_record": 303, "within": 12, "overdue": 1, "date_not_known": 1}
    overdue = run_query("cycle__councils", as_of=DEC, statuses=["overdue"])
    assert overdue["council_id"].tolist() == ["bcp"]
    assert str(overdue["next_due_by"].iloc[0])[:10] == "2026-11-30"


def test_the_overdue_list_changes_with_the_as_of_date(fx):
    assert statuses(JUNE) == {"none_on_record": 303, "within": 13, "date_not_known": 1}
    assert run_query("cycle__councils", as_of=JUNE, statuses=["overdue"]).empty
    table = cv.not_within_table(cv.load(run_query, DEC))
    assert table.iloc[0][["Council", "Where it stands", "Page"]].tolist() == [
        "Bournemouth, Christchurch and Poole Council", "overdue: latest more than 5 years ago", "/council?council=bcp"]
    assert "bcp" not in cv.not_within_table(cv.load(run_query, JUNE))["Page"].str.cat()


def test_the_headline_says_what_it_is_out_of_and_that_absence_is_not_proof(fx):
    c = cv.load(run_query, DEC)
    text = cv.headline(c)
    assert "**12 of the 317 councils in force**" in text
    assert "**1** are overdue" in text and "**303** have none on record here" in text
    assert "1 has a challenge on record whose date is not known" in text
    assert "14 of the 317 have at least one challenge on record" in text
    assert "may still have had a peer challenge that we have not collected" in text
    assert {m.label: m.value for m in cv.metrics(c)} == {
        "Councils in force": "317", "Challenge on record within 5 years": "12 of 317", "Overdue": "1",
        "None on record here": "303"}


def test_shares_under_ten_councils_are_k_of_n(fx):
    table = cv.breakdown_table(cv.load(run_query, DEC), "council_type").set_index("Council type")
    assert table.loc["District", "Share within 5 years"].startswith("5% (95% interval")  # 8 of 164
    assert table.loc["District", "Within 5 years"] == 8


def test_the_cycle_over_time_counts_councils_in_force_then(fx):
    rows = run_query("cycle__over_time")
    first = rows[rows["on_date"].astype(str).str.startswith("2015-04-01")].set_index("council_type")
    assert first["councils_in_force"].to_dict() == {"county": 27, "district": 201, "london_borough": 33,
                                                    "metropolitan": 36, "unitary": 56}
    chart = cv.over_time(run_query)
    assert len(chart.fig.data) == 5 and len({t.marker.symbol for t in chart.fig.data}) == 5  # not colour alone
    assert "On 1 April 2026" in chart.alt


def test_coverage_sentence_counts_councils_in_force_today(fx):
    assert cv.coverage_sentence(run_query, DEC) == (
        "14 of the 317 English councils in force today have at least one corporate peer challenge on record here; "
        "12 have one within the last 5 years.")


def test_a_council_without_a_source_file_has_a_register_entry(fx):
    entry = cv.register_entry(run_query, "middlesbrough")
    assert entry.found and entry.abolished_on is None
    assert cv.register_only_line(entry) == ("Unitary council, North East · ONS code E06000002 · in force throughout the "
                                            "register (since 2014 or earlier) · no corporate peer challenge on record here")
    assert cv.cycle_sentence(run_query, "middlesbrough", DEC).startswith(
        "**Five-year cycle:** no corporate peer challenge of this council is on record here (as of 1 December 2026).")
    assert not cv.register_entry(run_query, "not-a-council").found


def test_a_councils_cycle_sentence_gives_the_latest_visit_and_when_the_next_is_due(fx):
    assert cv.cycle_sentence(run_query, "brentwood", DEC) == (
        "**Five-year cycle:** the latest challenge on record here began 5 Mar 2024 (2.7 years before 1 December "
        "2026), within the LGA's expectation of one at least every 5 years; the next is due by March 2029.")
    assert "**overdue**" in cv.cycle_sentence(run_query, "bcp", DEC)


# ---------------------------------------------------------------- reorganisation


@pytest.fixture(scope="module")
def reorganised(tmp_path_factory):
    folder = copy_inputs(FIXTURE_DATASET, tmp_path_factory.mktemp("reorganised") / "data")
    shutil.copytree(ROOT / "tests" / "fixtures" / "reorganisation", folder / "sources", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("*.md"))
    build(data=folder, out=folder)
    return folder


def test_somerset_council_lists_its_predecessors_challenges_as_inherited(reorganised, use_data):
    use_data(reorganised)
    entry = cv.register_entry(run_query, "somerset")
    assert sorted(entry.predecessors["council_id"]) == [
        "mendip", "sedgemoor", "somerset-county", "somerset-west-and-taunton", "south-somerset"]
    notice = cv.reorganisation_notice(entry)
    assert notice.startswith("Created on **1 April 2023** from [Mendip](/council?council=mendip), ")
    table, open_recs = cv.inherited(run_query, "somerset")
    assert table[["Predecessor", "Challenge", "Recommendations recorded", "Status not reported"]].values.tolist() == [
        ["Somerset County Council", "20 Oct 2014", 6, 6], ["South Somerset District Council", "Mar 2017", 0, 0]]
    assert table["Abolished"].unique().tolist() == ["1 April 2023"]
    assert open_recs.empty  # no status was reported for any of them


def test_a_council_abolished_before_its_progress_review_shows_its_successor(reorganised, use_data):
    use_data(reorganised)
    entry = cv.register_entry(run_query, "barrow-in-furness")
    assert str(entry.abolished_on)[:10] == "2023-04-01"
    assert cv.reorganisation_notice(entry).startswith(
        "This council was abolished on **1 April 2023**; its area is now served by "
        "[Westmorland and Furness Council](/council?council=westmorland-and-furness).")
    assert cv.cycle_sentence(run_query, "barrow-in-furness", DEC) is None  # not in force: not in the cycle
    table, _ = cv.inherited(run_query, "westmorland-and-furness")
    assert table["Predecessor"].tolist() == ["Barrow-in-Furness Borough Council"]
    # national figures count councils in force at the date asked: Barrow counts in 2021, not in 2026
    assert "barrow-in-furness" in set(run_query("cycle__councils", as_of=dt.date(2021, 4, 1))["council_id"])
    assert "barrow-in-furness" not in set(run_query("cycle__councils", as_of=DEC)["council_id"])


def test_the_council_page_of_a_register_only_council_and_of_an_abolished_one(reorganised, use_data, make_app):
    use_data(reorganised)
    at = make_app("council", {"council": "north-yorkshire"}).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["North Yorkshire"]
    assert any("no corporate peer challenge of this council is on record here" in m.value for m in at.markdown)
    at = make_app("council", {"council": "barrow-in-furness"}).run()
    assert not at.exception
    assert any("abolished on **1 April 2023**" in i.value for i in at.info)
    assert [t.value for t in at.title] == ["Barrow-in-Furness Borough Council"]


def test_the_cycle_page_draws_its_figures_and_a_bad_date_link_says_so(on_fixture, make_app):
    at = make_app("cycle", {"as_of": "2026-12-01"}).run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Challenge on record within 5 years"] == "12 of 317"
    at = make_app("cycle", {"as_of": "yesterday"}).run()
    assert not at.exception
    assert any("was not recognised" in w.value for w in at.warning)


def test_an_abolished_council_says_until_when_it_was_in_force(fx):
    # Christchurch (E07000048) was abolished on 1 April 2019 and replaced by BCP
    entry = cv.register_entry(run_query, "christchurch")
    assert cv.register_only_line(entry).endswith(
        "in force from 2014 or earlier until 31 March 2019 · no corporate peer challenge on record here")
    assert cv.recorded_under(entry, {}) is None
