"""Chart builders: pure functions DataFrame -> plotly Figure (no duckdb, no streamlit).

Every figure's title is a headline that states the finding, computed from the data it is given
(``headline(fig)`` reads it back for alt text and for pages that print it above the chart).
Colours come from the Okabe–Ito colour-blind-safe palette and are never the only signal: series are
also told apart by pattern or marker shape, named in the legend, and labelled with their values.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import plotly.graph_objects as go

from peer_challenges.analysis.narrative import day_range
from peer_challenges.analysis.stats import SMALL
from peer_challenges.analysis.timeliness_charts import met_count
from peer_challenges.analysis.style import OKABE_ITO, base_layout
from peer_challenges.analysis.trend_charts import wrap
from peer_challenges.domain.norms import PROGRESS_REVIEW_NORM_DAYS
from peer_challenges.domain.vocab import COUNCIL_TYPE_LABELS, council_type_words

COUNCIL_TYPE_ORDER = ("district", "unitary", "county", "metropolitan", "london_borough", "other")
COUNCIL_TYPE_COLOURS = {
    "district": OKABE_ITO["blue"], "unitary": OKABE_ITO["orange"], "county": OKABE_ITO["bluish_green"],
    "metropolitan": OKABE_ITO["reddish_purple"], "london_borough": OKABE_ITO["sky_blue"],
    "other": OKABE_ITO["grey"],
}
COUNCIL_TYPE_PATTERNS = {
    "district": "", "unitary": "/", "county": ".", "metropolitan": "x", "london_borough": "-", "other": "+",
}


def headline(fig: go.Figure) -> str:
    """The figure's title as plain text (line breaks and tags removed)."""
    text = fig.layout.title.text or ""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# ---- overview ------------------------------------------------------------------------------------

def challenges_per_year(df: pd.DataFrame, type_labels: dict | None = None) -> go.Figure:
    """Stacked bars of challenges per on-site year by council type.

    ``df``: year, council_type, challenges (rows with no year are left out: say so beside the chart).
    """
    labels = type_labels or COUNCIL_TYPE_LABELS
    data = df.dropna(subset=["year"]).copy()
    fig = go.Figure()
    if data.empty:
        return base_layout(fig, "No dated challenges match these filters", legend=False)
    data["year"] = data["year"].astype(int)
    by_year = data.groupby("year")["challenges"].sum()
    total = int(by_year.sum())
    peak = int(by_year.max())
    peak_years = [str(y) for y in by_year[by_year == peak].index]
    by_type = data.groupby("council_type")["challenges"].sum().sort_values(ascending=False)
    top_type, top_n = by_type.index[0], int(by_type.iloc[0])
    when = _and(peak_years)
    title = (f"{when} had the most challenges on record ({peak}{' each' if len(peak_years) > 1 else ''} "
             f"of {total})")
    if len(by_type) > 1:
        title += f"; {council_type_words(labels.get(top_type, top_type))} councils had {top_n} of the {total}"
    years = list(range(int(data["year"].min()), int(data["year"].max()) + 1))
    for ctype in [t for t in COUNCIL_TYPE_ORDER if t in set(data["council_type"])]:
        rows = data[data["council_type"] == ctype].set_index("year")["challenges"].reindex(years, fill_value=0)
        fig.add_bar(
            x=years, y=rows.values, name=labels.get(ctype, ctype),
            marker={"color": COUNCIL_TYPE_COLOURS.get(ctype, OKABE_ITO["grey"]),
                    "pattern": {"shape": COUNCIL_TYPE_PATTERNS.get(ctype, ""), "fgcolor": "#ffffff", "size": 6,
                                "fillmode": "overlay"}},
            hovertemplate="%{x}: %{y} challenges<extra>" + labels.get(ctype, ctype) + "</extra>",
        )
    fig.update_layout(barmode="stack", xaxis={"title": "Year of the on-site visit", "tickformat": "d"},
                      yaxis={"title": "Challenges"})
    return base_layout(fig, title)


def top_topics(df: pd.DataFrame, topic_labels: dict | None = None, n: int = 10) -> go.Figure:
    """Horizontal bars of the ``n`` topics raised by most challenges.

    ``df``: topic, challenges, recommendations, challenges_with_recommendations (the denominator),
    ordered most frequent first.
    """
    labels = topic_labels or {}
    fig = go.Figure()
    if df.empty:
        return base_layout(fig, "No recommendations with topics match these filters", legend=False)
    data = df.sort_values(["challenges", "recommendations"], ascending=False).head(n).copy()
    denominator = int(data["challenges_with_recommendations"].iloc[0])
    data["label"] = [labels.get(t, str(t).replace("_", " ").capitalize()) for t in data["topic"]]
    data["tick"] = [wrap(label, 22) for label in data["label"]]  # long topic names on two lines leave the bars room
    top = data.iloc[0]
    small = denominator < SMALL  # under 10 challenges a share is "k of n", never a bare percentage (DESIGN)
    title = (f"{top['label']} is the most frequent topic: raised in {int(top['challenges'])} of the "
             f"{denominator} challenges with recommendations recorded"
             + ("" if small else f" ({_pct(top['challenges'] / denominator)})"))
    data = data.iloc[::-1]
    fig.add_bar(
        y=data["tick"], x=data["challenges"], orientation="h", marker_color=OKABE_ITO["blue"], name="Challenges",
        text=[f"{c} of {denominator}" if small else f"{c} ({_pct(c / denominator)})" for c in data["challenges"]],
        textposition="outside", cliponaxis=False, customdata=data["recommendations"],
        hovertext=data["label"],
        hovertemplate="%{hovertext}: raised in %{x} challenges (%{customdata} recommendations)<extra></extra>",
    )
    fig.update_layout(xaxis={"title": f"Challenges (of {denominator})",
                             "range": [0, float(data["challenges"].max()) * 1.45]},
                      yaxis={"title": None, "automargin": True})
    return base_layout(fig, title, height=max(300, 40 * len(data) + 120), legend=False)


BIN_DAYS = 30  # width of the progress-review histogram's bins


def days_to_progress_review(df: pd.DataFrame, median: float | None = None,
                            median_range: tuple | None = None) -> go.Figure:
    """Histogram of days from the on-site visit to the progress review, against the ~10-month norm.

    ``df``: one row per challenge (days_to_progress_review, within_norm: on or before the on-site date +
    10 months), or already binned by the database (bin_start, within_norm, challenges: 30-day bins, as
    overview__progress_review_bins returns them; then ``median`` gives the median days over all of them, and
    ``median_range`` the medians of the earliest and latest possible days where dates are known only to a
    month, said in the title when they differ).
    """
    fig = go.Figure()
    if "challenges" in df:
        data = df.rename(columns={"bin_start": "days_to_progress_review"})
        data = data.assign(days_to_progress_review=data["days_to_progress_review"] + BIN_DAYS / 2)
        weights = data["challenges"]
    else:
        data = df.dropna(subset=["days_to_progress_review"])
        weights = pd.Series(1, index=data.index)
        median = float(data["days_to_progress_review"].median()) if len(data) else None
        if median_range is None and {"days_to_progress_review_min", "days_to_progress_review_max"} <= set(data):
            median_range = (data["days_to_progress_review_min"].median(), data["days_to_progress_review_max"].median())
    if data.empty or weights.sum() == 0:
        return base_layout(fig, "No challenge matching these filters has a progress-review date", legend=False)
    if "verdict" in data:
        verdict = data["verdict"].fillna("missed")
    else:
        verdict = data["within_norm"].fillna(False).astype(bool).map({True: "met", False: "missed"})
    n, within = int(weights.sum()), int(weights[verdict == "met"].sum())
    undecidable = int(weights[verdict == "undecidable"].sum())
    median = float(median)
    spread = day_range(*(median_range or (None, None)))
    title = (f"{met_count(within, undecidable)} of {n} progress reviews came within about 10 months of the on-site "
             f"visit; the median wait was {median:.0f} days (about {median / (365.25 / 12):.0f} months"
             + (f"; between {spread[0]} and {spread[1]} days given month-only dates)" if spread else ")"))
    start = BIN_DAYS * math.floor(float(data["days_to_progress_review"].min()) / BIN_DAYS)
    for flag, name, colour, pattern in (("met", "Within about 10 months", OKABE_ITO["bluish_green"], ""),
                                        ("undecidable", "Undecidable (month-only date)", OKABE_ITO["grey"], "."),
                                        ("missed", "Later than 10 months", OKABE_ITO["vermillion"], "/")):
        part = data[verdict == flag]
        if part.empty:
            continue
        fig.add_histogram(
            x=part["days_to_progress_review"], y=weights[verdict == flag], histfunc="sum",
            name=f"{name} ({int(weights[verdict == flag].sum())})",
            xbins={"start": start, "size": BIN_DAYS}, marker={"color": colour, "pattern": {"shape": pattern, "fillmode": "overlay", "fgcolor": "#ffffff"}},
            hovertemplate="%{x} days: %{y} reviews<extra>" + name + "</extra>",
        )
    fig.add_vline(x=PROGRESS_REVIEW_NORM_DAYS, line={"color": OKABE_ITO["black"], "dash": "dash"},
                  annotation_text="LGA norm: about 10 months", annotation_position="top right")
    fig.update_layout(barmode="stack", xaxis={"title": "Days from the on-site visit to the progress review"},
                      yaxis={"title": "Challenges"})
    return base_layout(fig, title)


# ---- council page --------------------------------------------------------------------------------

SHORT_MILESTONES = {
    "On-site visit": "On site", "Feedback report published": "Report", "Action plan approved": "Action plan",
    "Progress review on site": "Progress review", "Progress review published": "Review published",
}
_MILESTONE_PHRASES = {
    "Feedback report published": "The feedback report was published",
    "Action plan approved": "The action plan was approved",
    "Progress review on site": "The progress review took place",
    "Progress review published": "The progress review was published",
}


def timeline_headline(milestones: pd.DataFrame) -> str:
    """The finding of a challenge's milestone table (see narrative.milestones)."""
    later = milestones[milestones["norm_months"] > 0]
    known = later.dropna(subset=["days_from_onsite"])
    if milestones["days_from_onsite"].isna().all():
        return "The on-site date is not known, so the timeline cannot be measured"
    if known.empty:
        return "No step after the on-site visit has a known date"
    judged = known[known["met_norm"].isin(["Yes", "No"])]
    # Lead with the latest step judged against its norm; a later step that cannot be judged (a date of another
    # kind, or one known only to a period straddling the norm) is counted after it, not put first.
    last = (judged if len(judged) else known).iloc[-1]
    norm = str(last["norm"]).replace("within ", "")
    phrase = _MILESTONE_PHRASES.get(last["milestone"], str(last["milestone"]))
    verdict = {"Yes": f"within the LGA norm of {norm}", "No": f"later than the LGA norm of {norm}"}.get(
        last["met_norm"], f"not judged against the LGA norm of {norm}: {last['met_norm']}"
        if str(last["met_norm"]).startswith("not judged") else f"against the LGA norm of {norm}: cannot tell (a date "
        "is known only to its period)")
    verdict = verdict.replace(": not judged (", " (")
    spread = day_range(last.get("days_min"), last.get("days_max"))
    days = (f"{spread[0]}–{spread[1]} days" if spread  # a month-only date: the range, not a guess
            else f"{int(last['days_from_onsite'])} days")
    title = f"{phrase} {days} after the on-site visit, {verdict}"
    if len(judged) > 1:
        met = int((judged["met_norm"] == "Yes").sum())
        title += f"; {met} of {len(judged)} judged steps met their norm"
    others = len(known) - max(len(judged), 1)
    if others:
        title += f"; {others} other dated {'step is' if others == 1 else 'steps are'} not judged (see the table)"
    unknown = len(later) - len(known)
    if unknown:
        title += f"; {unknown} {'step has' if unknown == 1 else 'steps have'} no known date"
    return title


def council_timeline(milestones: pd.DataFrame) -> go.Figure:
    """Dot chart: each milestone's actual day (filled circle) against its LGA norm (open diamond).

    ``milestones``: the frame from narrative.milestones (milestone, norm_months, days_from_onsite,
    date_label, met_norm, norm_date, approximate).
    """
    title = timeline_headline(milestones)
    fig = go.Figure()
    milestones = milestones.assign(label=milestones["milestone"].map(SHORT_MILESTONES).fillna(milestones["milestone"]))
    order = list(milestones["label"])
    norm = milestones[milestones["norm_months"] > 0]
    fig.add_scatter(
        x=[round(m * 365.25 / 12) for m in norm["norm_months"]], y=norm["label"], mode="markers",
        name="LGA norm", marker={"symbol": "diamond-open", "size": 13, "color": OKABE_ITO["black"],
                                 "line": {"width": 2}},
        hovertemplate="%{y}: norm about %{x} days<extra>LGA norm</extra>",
    )
    known = milestones.dropna(subset=["days_from_onsite"])
    if not known.empty:
        fig.add_scatter(
            x=known["days_from_onsite"].astype(int), y=known["label"], mode="markers+text", name="Actual",
            marker={"symbol": "circle", "size": 12, "color": OKABE_ITO["blue"]},
            text=["" if int(x) == 0 else f"{int(x)} days" for x in known["days_from_onsite"]],
            customdata=known["date_label"], textposition="top center",
            hovertemplate="%{y}: %{customdata}, %{x} days after the on-site visit<extra>Actual</extra>",
        )
    unknown = [m for m, d in zip(milestones["label"], milestones["days_from_onsite"]) if pd.isna(d)]
    ticks = [f"{m} (not known)" if m in unknown else m for m in order]
    fig.update_layout(
        yaxis={"categoryorder": "array", "categoryarray": order[::-1], "tickvals": order, "ticktext": ticks,
               "automargin": True, "title": None},
        xaxis={"title": "Days from the on-site visit", "rangemode": "tozero"},
    )
    xmax = max([400] + [int(x) for x in known["days_from_onsite"]])
    fig.update_xaxes(range=[-15, xmax * 1.15])
    return base_layout(fig, title, height=330)


def _comparison_bars(df: pd.DataFrame, values: pd.Series, text: list[str], title: str, axis_title: str,
                     xmax: float) -> go.Figure:
    labels = list(df["label"])
    is_this = list(df["is_this"])
    fig = go.Figure()
    fig.add_bar(
        y=labels, x=values.fillna(0), orientation="h", text=text, textposition="outside", cliponaxis=False,
        marker={"color": [OKABE_ITO["orange"] if t else OKABE_ITO["grey"] for t in is_this],
                "line": {"width": [2 if t else 0 for t in is_this], "color": OKABE_ITO["black"]}},
        hovertemplate="%{y}: %{text}<extra></extra>", textfont={"size": 12},
    )
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], automargin=True, title=None)
    fig.update_xaxes(title_text=axis_title, range=[0, xmax])
    return base_layout(fig, title, height=260, legend=False)


def comparison_completion(df: pd.DataFrame) -> go.Figure:
    """Bars of the share complete for this challenge (highlighted: orange, outlined, labelled) and for
    challenges of the same council type, the same region and all councils.

    ``df`` (one row per group, this challenge first): label, is_this, completion_share,
    recommendations_with_status, superseded.
    """
    this = df[df["is_this"]].iloc[0] if df["is_this"].any() else None
    everyone = df.iloc[-1]
    denominators = (df["recommendations_with_status"].fillna(0) - df["superseded"].fillna(0)).astype(int)
    def share_text(row, n):  # under 10 records a share is "k of n", never a bare percentage (DESIGN)
        k = int(round(row["completion_share"] * n))
        return f"{k} of {n}" if n < SMALL else f"{_pct(row['completion_share'])} of {n}"

    if this is not None and pd.notna(this["completion_share"]):
        n_this = int(denominators[df["is_this"]].iloc[0])
        title = (f"{share_text(this, n_this)} of this challenge's recommendations with a reported status "
                 f"{'is' if n_this == 1 else 'are'} complete")
        if pd.notna(everyone["completion_share"]):
            title += f", against {share_text(everyone, int(denominators.iloc[-1]))} across all councils"
    elif pd.notna(everyone["completion_share"]):
        title = (f"No status is reported for this challenge; across all councils "
                 f"{share_text(everyone, int(denominators.iloc[-1]))} recommendations with a status are complete")
    else:
        title = "No recommendation in these groups has a reported status"
    text = [("no status reported" if pd.isna(s) else f"{int(round(s * n))} of {n}" if n < SMALL else f"{_pct(s)} of {n}")
            for s, n in zip(df["completion_share"], denominators)]
    share_max = float(df["completion_share"].fillna(0).max()) * 100
    return _comparison_bars(df, df["completion_share"] * 100, text, title,
                            "% complete (of recommendations with a status)", max(40.0, share_max * 1.6))


def days_range_text(d, lo, hi, unit: str = "") -> str:
    """'323' (+ unit) or, where dates known only to their month make the days a range, '323 (313–334)'."""
    spread = day_range(lo, hi)
    return f"{d:.0f}{unit}" + (f" ({spread[0]}–{spread[1]})" if spread else "")


def comparison_progress_review(df: pd.DataFrame) -> go.Figure:
    """Bars of the median days from the on-site visit to the progress review, this challenge highlighted,
    with the ~10-month norm as a dotted line. Where a date is known only to its month, the days are a range
    (the medians of the earliest and latest possible days), given in brackets; the challenge's own verdict is
    the interval rule's (met, missed, or cannot tell), not its stored days against the norm.

    ``df``: label, is_this, median_days_to_progress_review(_min, _max), challenges_with_progress_review,
    progress_review_verdict.
    """
    this = df[df["is_this"]].iloc[0] if df["is_this"].any() else None
    everyone = df.iloc[-1]
    all_d = everyone["median_days_to_progress_review"]

    def days(row) -> str:
        return days_range_text(row["median_days_to_progress_review"], row.get("median_days_to_progress_review_min"),
                               row.get("median_days_to_progress_review_max"), " days")

    all_text = days(everyone) if pd.notna(all_d) else None
    if this is not None and pd.notna(this["median_days_to_progress_review"]):
        verdict = {"met": "within the ~10-month norm", "missed": "later than the ~10-month norm"}.get(
            this.get("progress_review_verdict"),
            "which cannot be judged against the ~10-month norm (a date known only to its month)")
        title = f"The progress review came {days(this)} after the on-site visit, {verdict}"
        if all_text:
            title += f"; the median across all councils is {all_text}"
    elif all_text:
        title = (f"This challenge has no progress-review date; across all councils the median is {all_text}, "
                 f"over {int(everyone['challenges_with_progress_review'])} challenges")
    else:
        title = "No challenge in these groups has a progress-review date"
    text = [("no date" if pd.isna(row["median_days_to_progress_review"])
             else f"{days(row)}<br>of {int(row['challenges_with_progress_review'])}") for _, row in df.iterrows()]
    day_max = float(df["median_days_to_progress_review"].fillna(0).max())
    fig = _comparison_bars(df, df["median_days_to_progress_review"], text, title,
                           "median days (dotted line: ~10-month norm)",
                           max(PROGRESS_REVIEW_NORM_DAYS, day_max) * 2.1)
    fig.add_vline(x=PROGRESS_REVIEW_NORM_DAYS, line={"color": OKABE_ITO["black"], "dash": "dot"})
    return fig
