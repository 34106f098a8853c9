"""analysis.stats: shares with what they are out of and a Wilson interval; Kaplan–Meier completion by age."""

import math

import pytest
from hypothesis import given, strategies as st

from peer_challenges.analysis.stats import SMALL, completion_by_age, share


def _wilson(k, n, z=1.959963984540054):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def test_a_share_under_ten_records_is_k_of_n_without_a_percentage_or_interval():
    s = share(1, 1)
    assert (s.text, s.small, s.interval) == ("1 of 1", True, None)
    assert share(3, 9).text == "3 of 9" and "%" not in share(3, 9).text


def test_a_share_over_ten_records_carries_the_wilson_interval():
    s = share(40, 154)
    lo, hi = s.interval
    assert (lo, hi) == pytest.approx(_wilson(40, 154), abs=1e-9)
    assert s.text == "26% (95% interval 20%–33%), 40 of 154"


def test_an_empty_share_says_none_recorded():
    assert share(0, 0).text == "none recorded" and share(0, 0).value is None


@given(st.integers(SMALL, 2000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_the_wilson_interval_matches_the_formula_and_holds_the_share(kn):
    k, n = kn
    lo, hi = share(k, n).interval
    assert (lo, hi) == pytest.approx(_wilson(k, n), abs=1e-7)
    assert lo - 1e-12 <= k / n <= hi + 1e-12


def test_kaplan_meier_by_hand_two_completed_two_open():
    # completed at 10 and 30 days, open (censored) at 20 and 40: S(10) = 3/4, S(30) = 3/4 x 1/2 = 3/8
    points = completion_by_age([10, 20, 30, 40], [True, False, True, False], [5, 10, 25, 30, 40, 50])
    assert [p.share for p in points] == [0.0, 0.25, 0.25, 0.625, 0.625, None]
    assert [p.at_risk for p in points] == [4, 4, 2, 2, 1, 0]
    assert [p.completed_by for p in points] == [0, 1, 1, 2, 2, 2]


def test_kaplan_meier_without_censoring_is_the_plain_share():
    points = completion_by_age([100, 200, 300, 400], [True] * 4, [182, 365])
    assert [p.share for p in points] == [0.25, 0.75]


def test_nothing_completed_is_zero_within_the_observed_ages_and_unknown_beyond():
    points = completion_by_age([100, 200], [False, False], [50, 365])
    assert [(p.share, p.at_risk) for p in points] == [(0.0, 2), (None, 0)]


def test_completion_by_age_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="same length"):
        completion_by_age([1, 2], [True], [10])
