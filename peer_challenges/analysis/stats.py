"""Statistics a figure needs to be defensible (DESIGN "small numbers", "completion"): a share with what it is out
of and its 95% interval, and completion by age with open recommendations treated as censored.

Chosen library: scipy (already installed as scikit-learn's dependency, so no new package): Wilson score
intervals from ``scipy.stats.binomtest(...).proportion_ci(method="wilson")`` and the Kaplan–Meier estimate from
``scipy.stats.ecdf`` over ``scipy.stats.CensoredData`` (lifelines does the same but pulls in autograd and
formulaic for one curve). Pure functions: no duckdb, no streamlit."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

SMALL = 10  # a share over fewer records than this is shown as "k of n", never as a bare percentage, and not ranked


@dataclass(frozen=True)
class Share:
    """k of n, with the Wilson 95% interval when n >= SMALL (None otherwise and when n == 0)."""

    k: int
    n: int

    @property
    def small(self) -> bool:
        return self.n < SMALL

    @property
    def value(self) -> float | None:
        """k / n (None for n == 0)."""
        return self.k / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float] | None:
        """The 95% Wilson score interval as fractions, for n >= SMALL; None below that."""
        if self.small or not self.n:
            return None
        return _wilson(self.k, self.n)

    @property
    def text(self) -> str:
        """"3 of 4" under SMALL records; else "26% (95% interval 21–31%), 40 of 154"."""
        if not self.n:
            return "none recorded"
        if self.small:
            return f"{self.k} of {self.n}"
        lo, hi = self.interval
        return f"{self.value:.0%} (95% interval {lo:.0%}–{hi:.0%}), {self.k:,} of {self.n:,}"

    @property
    def interval_text(self) -> str:
        """"21–31%" (or "" when there is no interval)."""
        if self.interval is None:
            return ""
        lo, hi = self.interval
        return f"{lo:.0%}–{hi:.0%}"


@functools.lru_cache(maxsize=65536)
def _wilson(k: int, n: int) -> tuple[float, float]:
    """scipy's Wilson score interval, once per (k, n): a table of a thousand councils repeats few pairs, and
    each binomtest costs about half a millisecond."""
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    return float(ci.low), float(ci.high)


def share(k, n) -> Share:
    return Share(int(k), int(n))


@dataclass(frozen=True)
class AgePoint:
    """Completion by one age: the Kaplan–Meier share reported complete within ``days`` of the visit, its 95%
    interval (None when the estimate cannot be bounded), and how many recommendations were still open and
    observed at that age (the number at risk)."""

    days: int
    share: float | None
    low: float | None
    high: float | None
    at_risk: int
    completed_by: int  # completions observed on or before ``days``


def completion_by_age(days: Sequence[float], completed: Sequence[bool], ages: Sequence[int]) -> list[AgePoint]:
    """Kaplan–Meier completion by age. ``days``: for a completed recommendation, days from the on-site visit to
    completion; for an open one, days from the visit to its latest known status (censored there). Negative
    values are clipped to 0 (completed before the visit ended). A share is None beyond the longest
    observation (the curve is not defined there)."""
    t = np.clip(np.asarray(days, dtype=float), 0, None)
    done = np.asarray(completed, dtype=bool)
    if len(t) != len(done):
        raise ValueError("days and completed must have the same length")
    points = []
    if not len(t):
        return [AgePoint(int(a), None, None, None, 0, 0) for a in ages]
    # scipy wants strictly positive times for right-censoring; a zero-day observation is moved to half a day
    t = np.where(t == 0, 0.5, t)
    if done.any():
        data = stats.CensoredData(uncensored=t[done], right=t[~done])
        res = stats.ecdf(data)
        with warnings.catch_warnings():  # undefined at some ages by the formula (scipy warns): those stay None
            warnings.simplefilter("ignore", RuntimeWarning)
            ci = res.cdf.confidence_interval(confidence_level=0.95, method="log-log")
    longest = float(t.max())
    for a in ages:
        at_risk = int((t >= a).sum())
        completed_by = int((done & (t <= a)).sum())
        if a > longest:
            points.append(AgePoint(int(a), None, None, None, at_risk, completed_by))
        elif not done.any():
            points.append(AgePoint(int(a), 0.0, None, None, at_risk, 0))
        else:
            lo, hi = float(ci.low.evaluate(a)), float(ci.high.evaluate(a))
            points.append(AgePoint(int(a), float(res.cdf.evaluate(a)),
                                   None if np.isnan(lo) else lo, None if np.isnan(hi) else hi, at_risk, completed_by))
    return points


def completion_curve(days: Sequence[float], completed: Sequence[bool]):
    """The Kaplan–Meier completion curve as steps: a DataFrame of days (0 and each observed completion) with
    the share complete by then and its 95% interval (log-log; NaN where undefined). Empty when nothing is
    observed or nothing completed."""
    import pandas as pd

    t = np.clip(np.asarray(days, dtype=float), 0, None)
    done = np.asarray(completed, dtype=bool)
    if not len(t) or not done.any():
        return pd.DataFrame(columns=["days", "share", "low", "high"])
    t = np.where(t == 0, 0.5, t)
    res = stats.ecdf(stats.CensoredData(uncensored=t[done], right=t[~done]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ci = res.cdf.confidence_interval(confidence_level=0.95, method="log-log")
    steps = np.concatenate([[0.0], np.unique(t[done]), [float(t.max())]])
    return pd.DataFrame({"days": steps, "share": res.cdf.evaluate(steps),
                         "low": ci.low.evaluate(steps), "high": ci.high.evaluate(steps)})
