"""The one chart style: the Okabe & Ito (2008) colour-blind-safe palette, the font, a sequential scale for
heatmaps, and the layout every chart builder finishes with. Colour is never the only signal: builders add
patterns, marker shapes or text as well."""

from __future__ import annotations

import plotly.graph_objects as go

# Okabe & Ito (2008), "Color Universal Design", with their names
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
    "grey": "#999999",
}
SEQUENTIAL = [[0.0, "#f7fbff"], [0.25, "#c6dbef"], [0.5, "#6baed6"], [0.75, "#2171b5"], [1.0, "#08306b"]]
FONT = {"family": "Source Sans Pro, Arial, sans-serif", "size": 13}
DEFAULT_HEIGHT = 380


def base_layout(fig: go.Figure, title: str, *, height: int | None = DEFAULT_HEIGHT, legend: bool = True) -> go.Figure:
    """Title (left, stating the finding), font, margins, white background and a horizontal legend above the
    plot. Pages show the title as text above the chart and blank it in the figure (app.ui.show_chart)."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        font=FONT, height=height, margin={"l": 10, "r": 10, "t": 60, "b": 10}, showlegend=legend,
        plot_bgcolor="white", paper_bgcolor="white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "title": None},
        hoverlabel={"font": FONT},
    )
    return fig
