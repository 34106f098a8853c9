"""The Overview page's headline figures as plain data (no streamlit): each says what it is out of, whose
statuses it rests on and how exact its dates are (issue 13). Pages draw them with st.metric."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pandas as pd

from peer_challenges.analysis import completion_charts as cc
from peer_challenges.analysis.charts import days_range_text
from peer_challenges.analysis.narrative import day_range, missing, plural, who_assessed, who_assessed_counts
from peer_challenges.analysis.stats import share
from peer_challenges.analysis.timeliness_charts import met_text
from peer_challenges.app.views.common import Chart, Metric, Query, share_cell

ASSESSED_CHOICES = {"all": "Every status (whoever gave it)", "peer_team": "The peer team's findings only"}


def _as_int(v) -> int:
    return 0 if v is None or pd.isna(v) else int(v)


def completion_metric(head, assessed: str = "all") -> Metric:
    """Share complete at the as-of date: complete ÷ (known − superseded), as "k of n" under 10, else the
    share with its 95% Wilson interval; whose statuses it rests on."""
    when = pd.Timestamp(head["completion_as_of"]).date()
    when_text = "today" if when == dt.date.today() else f"{when.day} {when:%b %Y}"
    if assessed == "peer_team":
        k, n = _as_int(head["peer_complete"]), _as_int(head["statuses_by_peer_team"]) - _as_int(head["peer_superseded"])
        whose = "the peer team's findings only"
    else:
        k, n = _as_int(head["complete"]), _as_int(head["recommendations_with_status"]) - _as_int(head["superseded"])
        whose = who_assessed_counts({k: _as_int(head[f"statuses_by_{k}"]) for k in ("council", "peer_team", "unknown")})
    if n <= 0:
        return Metric("Share complete", "not known", None,
                      f"No recommendation in view has a reported status ({whose}) on or before {when_text}.")
    s = share(k, n)
    value = f"{k} of {n}" if s.small else f"{s.value:.0%}"
    caption = (f"{k:,} of {n:,} records with a status on or before {when_text}, less superseded"
               + ("" if s.small else f"; 95% interval {s.interval_text}")
               + f" (from {plural(_as_int(head['challenges_with_status']), 'challenge')}). Statuses: {whose}.")
    return Metric("Share complete", value,
                  "Complete ÷ (records whose latest status on or before the date is known − superseded). Under 10 "
                  "records the figure is shown as 'k of n', not a percentage.", caption)


def progress_review_metric(head) -> Metric:
    n = _as_int(head["challenges_with_progress_review"])
    if not n:
        return Metric("Median days to review", "not known", None, "No challenge in view has a progress-review date.")
    lo, hi = head["median_days_to_progress_review_min"], head["median_days_to_progress_review_max"]
    spread = day_range(lo, hi)
    met, und = _as_int(head["progress_reviews_within_norm"]), _as_int(head["progress_reviews_undecidable"])
    caption = (f"median over {plural(n, 'CPC progress review')} with both dates (a joint one once)"
               + (f", between {spread[0]} and {spread[1]} days given month-only dates" if spread else "")
               + f"; {met_text(met, und, n)} within about 10 months"
               + (f" ({und} undecidable: a date known only to its month)" if und else "") + ".")
    return Metric("Median days to review", f"{head['median_days_to_progress_review']:.0f}",
                  "Median days from the start of the on-site visit to the progress review's visit; later "
                  "follow-ups and health checks are not counted. The LGA norm is about 10 months (about 304 days).",
                  caption)


def recommendations_caption(head) -> str:
    with_total = _as_int(head["challenges_with_total"])
    other = _as_int(head["records_other"])
    text = (f"recorded, from {plural(_as_int(head['challenges_with_recommendations']), 'challenge')}. "
            f"{plural(with_total, 'challenge')} {'states' if with_total == 1 else 'state'} how many "
            f"{'it' if with_total == 1 else 'they'} made: {_as_int(head['recommendations_made_stated']):,} in all "
            "(a joint report once).")
    if other:
        text += (f" Not counted: {other:,} placeholders, headings and focus areas"
                 + (f" (standing for {_as_int(head['records_other_stand_for']):,} recommendations where the source "
                    "says)" if _as_int(head["records_other_stand_for"]) else "") + ".")
    return text


def challenges_help(head) -> str:
    extra = _as_int(head["challenge_rows"]) - _as_int(head["challenges"])
    return ("Corporate peer challenges recorded (a council may have had more than one)."
            + (f" A joint challenge of several councils (one visit, one report) counts once: {extra} partner "
               f"record{'s' if extra != 1 else ''} not counted again." if extra else ""))


def completion_by_age(query: Query, params: dict) -> Chart | None:
    """The Kaplan–Meier completion-by-age chart with its table (by on-site year) and a note saying what it
    rests on; None when no recommendation in view can be placed in time."""
    rows = query("overview__completion_by_age", **params)
    if rows.empty:
        return None
    n, done = len(rows), int(rows["completed"].sum())
    points = cc.completion_by_age(rows["days"], rows["completed"], [365])
    year = cc.age_cell(points[0])
    title = (f"Within 12 months of the on-site visit: {year.split(';')[0]} of recommendations reported complete"
             if points[0].share is not None and points[0].at_risk >= 10 else
             "Share of recommendations reported complete, by months since the on-site visit")
    whose = who_assessed(rows["latest_assessed_by"])
    note = (f"Rests on {n:,} recommendations whose latest status can be placed in time ({done:,} reported complete); "
            "open ones count until their latest dated update and are then censored (Kaplan–Meier), so a share is "
            "not lowered by recommendations we stopped hearing about. Superseded and undated statuses are left "
            f"out. Statuses: {whose}. "
            + (f"{int(rows['approximate'].sum()):,} rest on a date known only to its month, quarter or year. "
               if rows["approximate"].any() else "")
            + "Under the axis: how many were still followed (at risk) at each mark.")
    alt = ("Step chart: the estimated share of recommendations reported complete against days since the on-site "
           "visit, with a shaded 95% interval; dotted lines at 6, 12 and 24 months, with the number at risk under each.")
    return Chart(cc.completion_by_age_chart(rows, title), alt, cc.completion_by_age_table(rows), note)


def councils_table(councils: pd.DataFrame, type_labels: dict) -> pd.DataFrame:
    """The overview's council table (overview__councils rows): a link to each council's page and its most
    recent challenge's counts first (what the table is for; the region last, as the sidebar filters by it); the
    share complete as "k of n" under 10 records (else with its 95% interval), and the days to the CPC progress
    review with their range where a date is known only to its month."""
    denom = (councils["recommendations_with_status"] - councils["superseded"]).astype(int)
    return pd.DataFrame({
        # the display text is read back from the link by the LinkColumn's regular expression
        "Council": [f"council?council={quote(cid)}#{quote(name)}"
                    for cid, name in zip(councils["council_id"].tolist(), councils["name"].tolist())],
        "Type": councils["council_type"].map(type_labels),
        "Most recent on site": councils["onsite_start"],
        "Recommendations recorded": councils["recommendations_recorded"],
        "With a status": councils["recommendations_with_status"],
        "Complete": councils["complete"],
        "Share complete": [share_cell(k, n) if n else "—" for k, n in zip(councils["complete"], denom)],
        "Days to progress review": [
            "" if missing(d) else days_range_text(d, lo, hi)
            for d, lo, hi in zip(councils["days_to_progress_review"], councils["days_to_progress_review_min"],
                                 councils["days_to_progress_review_max"])],
        "Recommendations made": councils["recommendations_total"],
        "Challenges": councils["challenges"],
        "Region": councils["region"],
    })
