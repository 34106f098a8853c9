"""app.views.overview on the frozen fixture: the headline metrics say what they are out of, whose statuses they
rest on and how exact their dates are; completion by age is a Kaplan–Meier estimate with the number at risk."""

import pandas as pd
import pytest

from peer_challenges.analysis.stats import completion_by_age
from peer_challenges.app.views import overview as ov
from peer_challenges.store.db import run_query

pytestmark = pytest.mark.usefixtures("on_fixture")


def head(**params):
    return run_query("overview__headline", **params).iloc[0]


def test_completion_today_is_8_of_25_with_its_wilson_interval_and_whose_statuses():
    m = ov.completion_metric(head())
    assert m.value == "32%"
    assert m.caption == ("8 of 25 records with a status on or before today, less superseded; 95% interval 17%–52% "
                         "(from 6 challenges). Statuses: 24 the council's own ratings, 1 the peer team's finding.")


def test_completion_on_peer_findings_only_is_k_of_n():
    m = ov.completion_metric(head(), "peer_team")
    assert (m.value, m.caption.split(" records")[0]) == ("1 of 1", "1 of 1")


def test_completion_at_an_earlier_date_drops_later_and_undated_statuses():
    early = head(as_of="2020-12-31")  # only Stroud 2019's updates (to Q2 2020/21) are dated by then
    assert (int(early["recommendations_with_status"]), int(early["complete"])) == (8, 3)
    assert ov.completion_metric(early).value == "3 of 8"


def test_progress_review_metric_gives_the_median_range_and_undecidable():
    m = ov.progress_review_metric(head())
    assert m.value == "340"
    assert m.caption == ("median over 9 CPC progress reviews with both dates (a joint one once), between 313 and 340 "
                         "days given month-only dates; 2–3 of 9 within about 10 months (1 undecidable: a date known "
                         "only to its month).")


def test_challenges_count_the_joint_challenge_once_and_say_so():
    h = head()
    assert (int(h["challenges"]), int(h["challenge_rows"])) == (17, 18)
    assert ov.challenges_help(h).endswith("counts once: 1 partner record not counted again.")


def test_recommendations_caption_counts_placeholders_and_headings_apart():
    h = head()
    assert int(h["recommendations_recorded"]) == 79
    assert ov.recommendations_caption(h).endswith(
        "Not counted: 27 placeholders, headings and focus areas (standing for 27 recommendations where the source "
        "says).")


def test_kaplan_meier_by_hand_on_the_fixture():
    rows = run_query("overview__completion_by_age")
    assert (len(rows), int(rows["completed"].sum())) == (16, 6)
    # open at 261 (4), complete at 371 (3), open at 444, complete at 453, complete at 461 (2), open at 554 (5):
    # S(371) = 1 - 3/12; S(453) = 0.75 x 7/8; S(461) = 0.65625 x 5/7 = 0.46875 -> 53.125% complete by 500 days
    points = completion_by_age(rows["days"], rows["completed"], [365, 500, 730])
    assert [p.share for p in points] == [0.0, pytest.approx(0.53125), None]
    assert [p.at_risk for p in points] == [12, 5, 0]


def test_completion_by_age_table_and_chart_show_the_number_at_risk():
    chart = ov.completion_by_age(run_query, {})
    table = chart.data.set_index("On-site year")
    assert table.loc["All years", ["Recommendations followed", "Reported complete"]].tolist() == [16, 6]
    assert table.loc["All years", "Complete within 12 months"] == "0%; 12 still followed"
    assert table.loc["2019", "Complete within 12 months"] == (
        "0 completed by then; too few still followed (8) to estimate a share")
    assert table.loc["All years", "Complete within 24 months"].startswith("not observed yet")
    assert [a.text for a in chart.fig.layout.annotations] == [
        "0 mo<br>at risk: 16", "6 mo<br>at risk: 16", "12 mo<br>at risk: 12", "24 mo<br>at risk: 0"]
    assert chart.note.startswith("Rests on 16 recommendations whose latest status can be placed in time (6 reported")
    assert isinstance(chart.data, pd.DataFrame)


def test_no_completion_by_age_when_nothing_can_be_placed_in_time():
    assert ov.completion_by_age(run_query, {"year_from": 1990, "year_to": 1991}) is None


def _councils_table() -> pd.DataFrame:
    from peer_challenges.domain.vocab import COUNCIL_TYPE_LABELS
    rows = run_query("overview__councils", council_types=None, regions=None, year_from=None, year_to=None,
                     limit=None)
    return ov.councils_table(rows, COUNCIL_TYPE_LABELS).assign(id=rows["council_id"]).set_index("id")


def test_council_table_gives_small_shares_as_k_of_n_never_a_bare_percentage():
    table = _councils_table()
    # each council's most recent challenge: Brentwood 2024 2 of 9; Castle Point 2024 "1 of 1" (was a bare
    # 100%); Stroud 2022 0 of its 4 with a status (the fifth has none); Breckland none reported
    assert table.loc["brentwood", ["With a status", "Complete", "Share complete"]].tolist() == [9, 2, "2 of 9"]
    assert table.loc[["castle-point", "stroud", "breckland"], "Share complete"].tolist() == ["1 of 1", "0 of 4", "—"]


def test_council_table_days_to_the_cpc_progress_review_carry_their_month_range():
    table = _councils_table()
    # Brentwood's dates are days; BCP's on-site visit is known only to Nov 2021 (366 to 395 days); Stroud
    # 2022 has no progress review
    assert table.loc[["brentwood", "bcp", "stroud"], "Days to progress review"].tolist() == [
        "265", "366 (366–395)", ""]


def test_top_topics_count_as_the_themes_page_does_vision_at_10_of_the_11_challenges():
    # the Themes page's figures (tests/app/test_views_themes.py): 11 of 17 challenges have recommendations in
    # their own wording; vision is raised at 10 of them, finance at 9. Tower Hamlets' 18 headings and Fylde's
    # 9 placeholders are never themed, so the overview no longer counts their challenges in the denominator.
    top = run_query("overview__top_topics", council_types=None, regions=None, year_from=None, year_to=None)
    assert set(top["challenges_with_recommendations"]) == {11}
    got = top.set_index("topic")["challenges"]
    assert (got["vision_priorities"], got["finance"]) == (10, 9)
