"""The council page's words: exact sentences for the seed councils (on the live dataset, marked live_data) and
the honest wording of every edge case (nothing recorded, total unknown, no statuses, snapshot only, no date;
Kensington and Chelsea's and Gateshead's on the frozen fixture dataset)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from peer_challenges.store import db as data
from peer_challenges.analysis import narrative
from peer_challenges.domain.status import status_words

live_data = pytest.mark.live_data  # the seed councils' sentences, on the live dataset


def _challenge(council_id: str, key: str | None = None) -> tuple[str, dict, pd.DataFrame, pd.DataFrame]:
    challenges = data.run_query("council__challenges", council_id=council_id)
    row = (challenges[challenges["challenge_key"] == key] if key else challenges).iloc[0].to_dict()
    recs = data.run_query("council__recommendations", challenge_id=row["challenge_id"])
    snaps = data.run_query("council__snapshots", challenge_id=row["challenge_id"])
    name = data.run_query("council__list").set_index("council_id").loc[council_id, "name"]
    return name, row, recs, snaps


def summary(council_id: str, key: str | None = None) -> str:
    return narrative.summary_paragraph(*_challenge(council_id, key))


@live_data
def test_brentwood_summary_exact():
    assert summary("brentwood") == (
        "Brentwood Borough Council's March 2024 peer challenge made 9 recommendations, all of them recorded here. "
        "According to the latest updates (the council's own ratings; the updates are not dated), 2 are complete and 7 in "
        "progress. How far delivery has slipped cannot be worked out, because the updates are not dated. "
        "The peers returned for a progress review on 25 Nov 2024, 265 days after the on-site visit "
        "(the LGA norm is about 10 months)."
    )


@live_data
def test_stroud_2019_summary_exact():
    assert summary("stroud", "2019-03") == (
        "Stroud District Council's March 2019 peer challenge made 8 recommendations, all of them recorded here. "
        "According to the latest updates (the council's own ratings; latest as of Q2 2020/21), 3 are complete and 5 in "
        "progress. 3 were completed by their original target date; 5 were still open after their original target, "
        "by a median of 183 days at the latest update. 5 have a revised target, shown beside the original; slippage "
        "is measured against the original. No progress-review visit is recorded. The peer team of 7 met 107 people "
        "in 47 meetings."
    )


@live_data
def test_nothing_recorded_says_so_with_the_total():
    text = summary("bcp")
    assert text.startswith("Bournemouth, Christchurch and Poole Council's November 2021 peer challenge made 12 "
                           "recommendations, but none of them is recorded here yet.")
    assert "about 366 days after the on-site visit" in text  # on-site date known only to the month


@live_data
def test_total_unknown_is_said():
    text = summary("castle-point")
    assert "is recorded here with 5 recommendations; how many the report made in total is not known." in text
    assert "1 is complete. 4 recommendations have no reported status." in text


def test_undated_challenge_and_no_statuses(on_fixture):
    assert summary("kensington-and-chelsea") == (
        "Royal Borough of Kensington and Chelsea's peer challenge (on-site date not known) is recorded here with 6 "
        "recommendations; how many the report made in total is not known. No progress has been reported for any of "
        "them. No progress-review visit is recorded."
    )


def test_snapshot_only_names_its_unit(on_fixture):
    text = summary("gateshead")
    assert ("The latest council-wide figure (date not known) counts actions, not individual recommendations: "
            "34 green, 6 amber and 0 red of 40 actions (RAG ratings).") in text


def test_partial_coverage_and_peer_assessed_statuses():
    recs = pd.DataFrame({
        "latest_status": ["complete", "delayed", None],
        "latest_as_of": [pd.Timestamp("2024-06-30"), pd.Timestamp("2024-06-30"), pd.NaT],
        "latest_as_of_precision": ["month", "month", None],
        "latest_assessed_by": ["peer_team", "peer_team", None],
        "slippage_bucket": ["late", "open_overdue", "no_target"],
        "slippage_days": [30, 60, None],
        "revised_target": [pd.NaT, pd.NaT, pd.NaT],
    })
    challenge = {"onsite_start": dt.date(2023, 9, 12), "onsite_start_precision": "day", "recommendations_total": 9}
    assert narrative.summary_paragraph("Testshire County Council", challenge, recs) == (
        "Testshire County Council's September 2023 peer challenge made 9 recommendations; 3 of them are recorded "
        "here, so the figures below cover those 3 only. According to the latest updates (the peer team's findings; latest as of "
        "Jun 2024), 1 is complete and 1 delayed. 1 recommendation has no reported status. 1 was completed late, 30 "
        "days after the original target; 1 was still open after its original target, by 60 days at the latest "
        "update. No progress-review visit is recorded."
    )


@pytest.mark.parametrize("recorded, total, expected", [
    (9, 9, "9 of 9 recorded"), (4, 9, "4 of 9 recorded"), (0, 12, "0 of 12 recorded"),
    (5, None, "5 recorded; how many the report made is not known"),
    (5, pd.NA, "5 recorded; how many the report made is not known"),
])
def test_coverage_note(recorded, total, expected):
    assert narrative.coverage_note(recorded, total) == expected


@live_data
def test_milestones_against_norms():
    _, bcp, _, _ = _challenge("bcp")
    steps = narrative.milestones(bcp).set_index("milestone")
    assert steps.loc["Feedback report published", "days_from_onsite"] == 62
    # the report date is the day the council received it: shown, not judged (the 3-month norm is judged on the
    # final report's publication only)
    assert steps.loc["Feedback report published", "met_norm"] == "not judged (date the council received it)"
    assert steps.loc["Progress review on site", "days_from_onsite"] == 366
    assert steps.loc["Progress review on site", "met_norm"] == "No"
    assert steps.loc["On-site visit", "date_label"] == "Nov 2021"  # shown at its precision
    assert bool(steps["approximate"].all())


def test_milestones_of_an_undated_challenge(on_fixture):
    _, kc, _, _ = _challenge("kensington-and-chelsea")
    unknown = narrative.milestones(kc)
    assert unknown["days_from_onsite"].isna().all()
    assert set(unknown["date_label"]) == {"not known"}


def test_slippage_and_status_words():
    assert narrative.slippage_text("open_overdue", 183) == "Open, 183 days past its original target"
    assert narrative.slippage_text("on_time", 0) == "Completed on time"
    assert narrative.slippage_text("late", 1) == "Completed 1 day late"
    assert narrative.slippage_text(None, None) == "Not known"
    assert status_words("complete") == "\u2705 Complete"
    assert status_words(None).endswith("Not reported")


def test_escape_markdown_neutralises_markup():
    hostile = "<script>alert(1)</script> [x](javascript:alert(1)) $x$ **bold**"
    escaped = narrative.escape_markdown(hostile)
    assert "<script>" not in escaped
    assert "](" not in escaped and "**" not in escaped and "$x$" not in escaped
    assert narrative.escape_markdown(None) == ""


def test_records_phrase_says_what_the_records_are():
    assert narrative.records_phrase({"recommendation": 271, "inferred": 48, "heading_or_group": 107,
                                     "placeholder": 45}) == "471 records: 319 recommendations, 107 headings and 45 placeholders"
    assert narrative.records_phrase({"recommendation": 9}) == "9 recommendations"
    assert narrative.records_phrase({"inferred": 1}) == "1 recommendation"
    assert narrative.records_phrase({"recommendation": 1, "focus_area": 2}) == \
        "3 records: 1 recommendation and 2 council-requested focus areas"
