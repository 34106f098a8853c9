"""Small value types the view models hand to the pages: a metric with its help and caption, and a chart with
its alt text, its data and a note. Plain data (no streamlit): a page draws them with st.metric / ui.show_chart;
column configs (st.column_config objects) stay with the page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from peer_challenges.analysis.stats import share

# the signature of peer_challenges.store.db.run_query(name, **params): tests pass run_query, pages ui.query
Query = Callable[..., pd.DataFrame]


@dataclass(frozen=True)
class Metric:
    """One st.metric: label, value (a number or the words shown instead), help, and the caption under it."""

    label: str
    value: Any
    help: str | None = None
    caption: str | None = None

    @property
    def width(self) -> int:
        """Pixels this metric's box needs for its label and value to show whole (st.metric cuts both short
        with an ellipsis when its box is narrower): the value is drawn at 2.25rem (about 19 px a character),
        the label at 14 px (about 7.5) beside a 26 px help icon. A long caption wraps inside at least 180 px."""
        value = len(str(self.value)) * 19
        label = round(len(self.label) * 7.5) + (26 if self.help else 0)
        caption = 180 if self.caption and len(self.caption) > 40 else 0
        return max(100, value, label, caption)


@dataclass
class Chart:
    """A figure as ui.show_chart draws it: the figure (its title is the headline), alt text, the data behind
    it (None: no 'Show the data' expander) and a note under it."""

    fig: Any
    alt: str
    data: pd.DataFrame | None = None
    note: str | None = None

    @property
    def title(self) -> str:
        return self.fig.layout.title.text or ""


def share_cell(k, n) -> str:
    """A table's share complete: "3 of 8" under 10 records, else the share with its 95% interval
    ("33% (95% interval 18%–53%)"); "no status reported" when none has one (DESIGN, small numbers)."""
    s = share(int(k), int(n))
    if not s.n:
        return "no status reported"
    return s.text if s.small else f"{s.value:.0%} (95% interval {s.interval_text})"
