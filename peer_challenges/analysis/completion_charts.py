"""Completion by age (DESIGN "completion"): the Kaplan–Meier share of recommendations reported complete within
a number of months of the on-site visit, open ones censored at their latest dated update, with the number at
risk under the curve. Pure: no duckdb, no streamlit."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from peer_challenges.analysis.stats import SMALL, completion_by_age, completion_curve
from peer_challenges.analysis.style import OKABE_ITO, base_layout

AGES = ((6, 182), (12, 365), (24, 730))  # months, days


def age_cell(p) -> str:
    """One age's figure in words: the estimate with its interval where 10 or more were still observed at that
    age, otherwise what was seen ("2 completed; 4 still observed"), and "not observed yet" past the data."""
    if p.share is None:
        return "not observed yet (no recommendation followed this long)"
    if p.at_risk < SMALL:
        return f"{p.completed_by} completed by then; too few still followed ({p.at_risk}) to estimate a share"
    interval = (f" (95% interval {p.low:.0%}–{p.high:.0%})"
                if p.low is not None and p.high is not None and p.high > p.low else "")
    return f"{p.share:.0%}{interval}; {p.at_risk} still followed"


def completion_by_age_table(rows: pd.DataFrame) -> pd.DataFrame:
    """All the selection, then each on-site year: how many recommendations, how many reported complete, and the
    share complete within 6, 12 and 24 months of the visit (Kaplan–Meier, open ones censored)."""
    out = []
    groups = [("All years", rows)] + [(str(int(y)), part) for y, part in rows.groupby("challenge_year")]
    for name, part in groups:
        points = completion_by_age(part["days"], part["completed"], [d for _, d in AGES])
        row = {"On-site year": name, "Recommendations followed": len(part),
               "Reported complete": int(part["completed"].sum())}
        for (months, _), p in zip(AGES, points):
            row[f"Complete within {months} months"] = age_cell(p)
        out.append(row)
    return pd.DataFrame(out)


def completion_by_age_chart(rows: pd.DataFrame, title: str) -> go.Figure:
    """The Kaplan–Meier curve for the whole selection as a step line with its 95% band, the 6/12/24-month marks,
    and the number at risk printed under the axis at each mark."""
    fig = go.Figure()
    curve = completion_curve(rows["days"], rows["completed"])
    if len(curve):
        fig.add_trace(go.Scatter(x=curve["days"], y=curve["high"] * 100, mode="lines", line=dict(width=0, shape="hv"),
                                 hoverinfo="skip", showlegend=False))
        fig.add_trace(go.Scatter(x=curve["days"], y=curve["low"] * 100, mode="lines", fill="tonexty",
                                 fillcolor="rgba(0,114,178,0.15)", line=dict(width=0, shape="hv"),
                                 name="95% interval", hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=curve["days"], y=curve["share"] * 100, mode="lines",
                                 line=dict(color=OKABE_ITO["blue"], width=3, shape="hv"), name="Share reported complete",
                                 hovertemplate="%{x:.0f} days: %{y:.0f}% complete<extra></extra>"))
    points = completion_by_age(rows["days"], rows["completed"], [0] + [d for _, d in AGES])
    for (months, days), p in zip([(0, 0)] + list(AGES), points):
        fig.add_vline(x=days, line=dict(color="#bbbbbb", dash="dot", width=1))
        fig.add_annotation(x=days, y=-0.2, yref="paper", showarrow=False, font=dict(size=11),
                           text=f"{months} mo<br>at risk: {p.at_risk}")
    # the title sits below the 'at risk' marks under the axis, not across them
    fig.update_xaxes(title=dict(text="days after the on-site visit", standoff=48), automargin=True,
                     rangemode="tozero", gridcolor="#e5e5e5")
    fig.update_yaxes(title="% reported complete", range=[0, 100], ticksuffix="%", gridcolor="#e5e5e5")
    fig = base_layout(fig, title, height=420)
    fig.update_layout(margin=dict(b=110))
    return fig
