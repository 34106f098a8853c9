"""The five-year cycle: how many councils in force had a corporate peer challenge on record here within the
five years before a date, by council type, over time. Pure: no duckdb, no streamlit."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from peer_challenges.analysis.stats import share
from peer_challenges.analysis.style import OKABE_ITO, base_layout
from peer_challenges.domain.norms import CYCLE_YEARS
from peer_challenges.domain.vocab import COUNCIL_TYPE_LABELS

# one colour AND one marker shape per council type (colour is never the only signal)
TYPE_STYLE = {
    "county": (OKABE_ITO["blue"], "circle"), "district": (OKABE_ITO["orange"], "square"),
    "unitary": (OKABE_ITO["bluish_green"], "diamond"), "metropolitan": (OKABE_ITO["vermillion"], "triangle-up"),
    "london_borough": (OKABE_ITO["reddish_purple"], "x"),
}
STATUS_WORDS = {
    "within": f"within {CYCLE_YEARS} years",
    "borderline": f"about {CYCLE_YEARS} years (visit known only to its month)",
    "overdue": f"overdue: latest more than {CYCLE_YEARS} years ago",
    "date_not_known": "on record, visit date not known",
    "none_on_record": "none on record here",
}


def type_label(council_type: str) -> str:
    return COUNCIL_TYPE_LABELS.get(council_type, council_type)


def over_time_table(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per date and council type: councils in force then, how many had a challenge on record within
    five years ("k of n" under 10, else a share with its 95% interval), and the challenges begun that year."""
    out = []
    for r in rows.itertuples(index=False):
        s = share(int(r.within_five_years), int(r.councils_in_force))
        out.append({
            "On": pd.Timestamp(r.on_date).strftime("1 April %Y"), "Council type": type_label(r.council_type),
            "Councils in force": int(r.councils_in_force),
            f"Challenge on record within {CYCLE_YEARS} years": int(r.within_five_years),
            "Share": s.text, "Borderline (month only)": int(r.borderline),
            "Challenges begun in the year to then": int(r.challenges_in_year),
        })
    return pd.DataFrame(out)


def over_time_chart(rows: pd.DataFrame, title: str) -> go.Figure:
    """Lines, one per council type: the share of councils in force on 1 April of each year with a challenge on
    record here that began in the five years before; markers differ by type; hover gives "k of n"."""
    fig = go.Figure()
    for council_type, g in rows.groupby("council_type", sort=False):
        colour, symbol = TYPE_STYLE.get(council_type, (OKABE_ITO["grey"], "circle"))
        n = g["councils_in_force"].astype(int)
        k = g["within_five_years"].astype(int)
        fig.add_trace(go.Scatter(
            x=pd.to_datetime(g["on_date"]), y=(k / n.where(n > 0)).astype(float), mode="lines+markers",
            name=type_label(council_type), line={"color": colour, "width": 2},
            marker={"symbol": symbol, "size": 8, "color": colour},
            customdata=list(zip(k, n)),
            hovertemplate="%{x|1 April %Y}<br>" + type_label(council_type)
                          + ": %{customdata[0]} of %{customdata[1]} councils in force (%{y:.0%})<extra></extra>",
        ))
    fig.update_yaxes(title=f"Share with a challenge on record in the previous {CYCLE_YEARS} years",
                     tickformat=".0%", range=[0, 1.02], gridcolor="#e5e5e5")
    fig.update_xaxes(title="On 1 April of each year", dtick="M12", tickformat="%Y")
    return base_layout(fig, title, height=420)


def over_time_summary(rows: pd.DataFrame) -> str:
    """The chart in words: the latest date's share per type, and the overall share then and five years before."""
    if rows.empty:
        return "No councils in the register."
    last = rows[rows["on_date"] == rows["on_date"].max()]
    parts = [f"{type_label(r.council_type)} {int(r.within_five_years)} of {int(r.councils_in_force)}"
             for r in last.itertuples(index=False)]
    when = pd.Timestamp(last["on_date"].iloc[0]).strftime("1 April %Y")
    return (f"On {when}, councils in force with a challenge on record here in the previous {CYCLE_YEARS} years: "
            + "; ".join(parts) + ".")
