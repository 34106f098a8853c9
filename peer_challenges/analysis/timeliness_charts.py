"""Process timeliness: how long each step after the on-site visit took against the LGA norms, as figures an
analyst can defend (DESIGN "precision in durations", "count once", "small numbers").

- A date known only to its month, quarter or year makes every interval a range (days_to_<m>_min / _max) and
  a norm verdict met, missed or undecidable: shares are given as a range ("29–39 of 91") and medians as the
  stored value with the range beside it.
- A joint challenge (one report_group) counts once.
- The report norm is judged only on the final report's publication date (basis lga_publication); dates of
  another basis are shown, labelled, never judged. Progress-review figures count only CPC progress reviews.
- A share over fewer than 10 challenges is "k of n" and is never named highest or lowest.

Pure: no duckdb, no streamlit. The SQL side is queries/slippage__timeliness_summary.sql and
slippage__timeliness_points.sql; timeliness_summary() is the same arithmetic over process_timeliness rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from peer_challenges.analysis.narrative import day_range
from peer_challenges.analysis.stats import SMALL, share
from peer_challenges.analysis.style import OKABE_ITO, base_layout
from peer_challenges.analysis.trend_charts import (
    DAYS_PER_MONTH, MILESTONE_NORMS, MILESTONES, plural, wrap,
)
from peer_challenges.domain.vocab import COUNCIL_TYPE_LABELS

SUMMARY_COLUMNS = ["group", "milestone", "milestone_label", "norm_months", "challenges_with_date",
                   "median_days", "median_days_min", "median_days_max", "on_time", "missed", "undecidable",
                   "share_on_time", "share_on_time_max", "approximate", "other_basis"]
# which rows a milestone's figures are judged on (process_timeliness columns); the report only on lga_publication
JUDGED_BASIS = {"report": "report_published_basis", "progress_review_published": "progress_review_published_basis"}


def _judged(part: pd.DataFrame, key: str) -> pd.Series:
    known = part[f"days_to_{key}"].notna()
    if key in JUDGED_BASIS:
        known &= part[f"{key}_verdict"].notna()
    return known


def count_once(df: pd.DataFrame) -> pd.DataFrame:
    """One row per report_group (a joint challenge once: the first partner by challenge_id)."""
    if "report_group" not in df or df.empty:
        return df
    return df.sort_values("challenge_id").drop_duplicates("report_group").sort_index()


def _row(group, key, label, months, n, med, med_lo, med_hi, met, missed, undecidable, approximate, other):
    return {
        "group": group, "milestone": key, "milestone_label": label, "norm_months": months,
        "challenges_with_date": n, "median_days": med, "median_days_min": med_lo, "median_days_max": med_hi,
        "on_time": met, "missed": missed, "undecidable": undecidable,
        "share_on_time": (met / n) if n else float("nan"),
        "share_on_time_max": ((met + undecidable) / n) if n else float("nan"),
        "approximate": approximate, "other_basis": other,
    }


def timeliness_summary(df: pd.DataFrame, by: str | None = None, *, exclude_pandemic: bool = False) -> pd.DataFrame:
    """Per milestone (and group) over process_timeliness rows, a joint challenge once: the challenges the figure
    rests on, the median days (stored dates) with the medians of the earliest and latest possible days, the
    verdict counts, the share met (at least) and at most (met + undecidable), how many rest on a coarse date,
    and (report) how many dates of another basis were left unjudged."""
    df = count_once(df)
    if exclude_pandemic and "pandemic_delayed" in df:
        df = df[~df["pandemic_delayed"].fillna(False).astype(bool)]
    rows = []
    groups = [(None, df)] if by is None else list(df.groupby(by, dropna=False))
    for group, part in groups:
        for key, label, months in MILESTONES:
            judged = _judged(part, key)
            n = int(judged.sum())
            verdict = part.loc[judged, f"{key}_verdict"]

            def med(col, judged=judged, n=n):
                return float(part.loc[judged, col].median()) if n else float("nan")

            other = int((part[f"days_to_{key}"].notna() & ~judged).sum()) if key == "report" else 0
            rows.append(_row(group, key, label, months, n, med(f"days_to_{key}"), med(f"days_to_{key}_min"),
                             med(f"days_to_{key}_max"), int((verdict == "met").sum()), int((verdict == "missed").sum()),
                             int((verdict == "undecidable").sum()),
                             int(part.loc[judged, "approximate"].fillna(False).astype(bool).sum()), other))
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def timeliness_summary_from_sql(wide: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """timeliness_summary() from the slippage__timeliness_summary query (one row per group, each milestone's
    figures as columns m_n, m_median_days[_min|_max], m_met, m_missed, m_undecidable, m_approximate): the same
    columns in the same order (groups sorted, milestones in MILESTONES order)."""
    rows = []
    groups = wide["group_year"] if by == "year" else wide["group_name"]
    for group, (_, r) in zip(groups, wide.iterrows()):
        group = None if by is None else (int(group) if by == "year" and not pd.isna(group) else group)
        for key, label, months in MILESTONES:
            n = int(r[f"{key}_n"])

            def num(col, r=r, n=n):
                return float(r[col]) if n and not pd.isna(r[col]) else float("nan")

            rows.append(_row(group, key, label, months, n, num(f"{key}_median_days"), num(f"{key}_median_days_min"),
                             num(f"{key}_median_days_max"), int(r[f"{key}_met"]), int(r[f"{key}_missed"]),
                             int(r[f"{key}_undecidable"]), int(r[f"{key}_approximate"]),
                             int(r["report_other_basis_n"]) if key == "report" else 0))
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def still_open_groups(wide: pd.DataFrame, milestone: str) -> list:
    """The on-site years (slippage__timeliness_summary by year) in which some challenge's norm window had not
    closed by the data's last date: their share is still coming in."""
    part = wide[wide[f"{milestone}_still_open"].fillna(False).astype(bool) & wide["group_year"].notna()]
    return sorted(int(y) for y in part["group_year"])


def data_as_of(df: pd.DataFrame) -> pd.Timestamp | None:
    """The latest milestone date recorded: the data runs to here, whatever today's date is."""
    cols = ["report_published", "action_plan_approved", "progress_review_onsite", "progress_review_published", "onsite_start"]
    values = pd.concat([pd.to_datetime(df[c]) for c in cols if c in df], ignore_index=True).dropna()
    return values.max() if len(values) else None


def open_years(df: pd.DataFrame, milestone: str, as_of) -> list:
    """On-site years in which some challenge's norm window for ``milestone`` had not closed by ``as_of``
    (the data's last date): their share on time is still coming in, since a milestone not yet reached
    is not in the denominator."""
    if as_of is None or df.empty:
        return []
    months = MILESTONE_NORMS[milestone]
    starts = pd.to_datetime(df["onsite_start"])
    closes = starts + pd.DateOffset(months=months)
    years = df.loc[closes > pd.Timestamp(as_of), "year"].dropna().unique()
    return sorted(int(y) for y in years)


def met_count(met: int, undecidable: int) -> str:
    """How many met a norm: "29" or, where month-only dates leave some undecidable, "29–39"."""
    return f"{met:,}" if not undecidable else f"{met:,}–{met + undecidable:,}"


def met_text(met: int, undecidable: int, n: int) -> str:
    """How many met a norm, as exactly as the dates allow: "29–39 of 91 (32%–43%)", "3 of 4" under SMALL, or
    "17 of 38 (45%, 95% interval 30%–61%)" when every verdict is decided."""
    if not n:
        return "none recorded"
    count = met_count(met, undecidable)
    if n < SMALL:
        return f"{count} of {n:,}"
    if undecidable:
        return f"{count} of {n:,} ({met / n:.0%}–{(met + undecidable) / n:.0%})"
    return f"{count} of {n:,} ({met / n:.0%}, 95% interval {share(met, n).interval_text})"


def median_text(row) -> str:
    """'323 days (between 313 and 334)' or '92 days' when the range is one value."""
    med, lo, hi = row["median_days"], row["median_days_min"], row["median_days_max"]
    spread = day_range(lo, hi)
    return f"{int(round(med))} days" + (f" (between {spread[0]} and {spread[1]})" if spread else "")


def _share_point(r) -> float:
    """The share a group is ranked by: the midpoint of its range."""
    return (r["share_on_time"] + r["share_on_time_max"]) / 2


def extremes_sentence(part: pd.DataFrame, name=str) -> str:
    """'highest 2023 (14 of 28), lowest 2018 and 2019 (0 of 10 each)' over the rows given, ranked by the
    middle of each group's range (the caller passes only groups of SMALL or more)."""
    mid = part.apply(_share_point, axis=1)
    hi_v, lo_v = mid.max(), mid.min()

    def listing(rows):
        return " and ".join(name(g) for g in rows["group"])

    def detail(rows):
        texts = {met_text(int(r["on_time"]), int(r["undecidable"]), int(r["challenges_with_date"]))
                 for _, r in rows.iterrows()}
        return texts.pop() + (" each" if len(rows) > 1 else "") if len(texts) == 1 else "tied"

    hi, lo = part[mid == hi_v], part[mid == lo_v]
    return f"highest {listing(hi)} ({detail(hi)}), lowest {listing(lo)} ({detail(lo)})"


def timeliness_headline(summary_all: pd.DataFrame, milestone: str) -> str:
    row = summary_all[summary_all["milestone"] == milestone].iloc[0]
    n = int(row["challenges_with_date"])
    if n == 0:
        return f"No challenge in this selection has a date we can judge for: {row['milestone_label'].lower()}"
    return (f"{row['milestone_label']}: {met_text(int(row['on_time']), int(row['undecidable']), n)} "
            f"{'challenge' if n == 1 else 'challenges'} met the {row['norm_months']}-month norm; median "
            f"{median_text(row)} after the visit")


def verdict_words(verdict) -> str:
    return {"met": "Met the norm", "missed": "Missed the norm",
            "undecidable": "Undecidable (a date known only to its month, quarter or year)"}.get(
        verdict, "Not judged (another kind of date)")


_STYLES = [  # verdict, approximate -> legend name, symbol, colour
    ("met", False, "Met the norm", "circle", "blue"),
    ("met", True, "Met the norm (approximate date)", "circle-open", "blue"),
    ("missed", False, "Missed the norm", "triangle-up", "orange"),
    ("missed", True, "Missed the norm (approximate date)", "triangle-up-open", "orange"),
    ("undecidable", True, "Undecidable: the date range spans the norm", "diamond-open", "reddish_purple"),
    (None, None, "Not judged: another kind of date", "square-open", "grey"),  # coarse or not
]


def timeliness_dots(df: pd.DataFrame, milestone: str, title: str, highlight: str | None = None,
                    highlight_name: str | None = None) -> go.Figure:
    """Days from on-site start (x: on-site date) to the milestone (y), one dot per challenge, with the LGA norm
    as a dashed line and each dot's possible range as a whisker. Shape and colour both carry the verdict (met:
    circle, missed: triangle, undecidable: diamond, not judged: square); a dot resting on a coarse date is
    hollow; a pandemic-delayed process carries an x. The highlighted council's challenges are stars."""
    col = f"days_to_{milestone}"
    d = df[df[col].notna()].copy()
    d["approx"] = d["approximate"].fillna(False).astype(bool)
    if "verdict" not in d:  # process_timeliness rows name it per milestone
        d["verdict"] = d[f"{milestone}_verdict"] if f"{milestone}_verdict" in d else None
    lo = d[f"{col}_min"] if f"{col}_min" in d else d[col]
    hi = d[f"{col}_max"] if f"{col}_max" in d else d[col]
    fig = go.Figure()
    for verdict, approx, name, symbol, colour_name in _STYLES:
        mask = d["verdict"].isna() if verdict is None else (d["verdict"].eq(verdict) & (d["approx"] == approx))
        part = d[mask]
        if part.empty:
            continue
        colour = OKABE_ITO.get(colour_name, "#777777")
        fig.add_trace(go.Scatter(
            x=part["onsite_start"], y=part[col], mode="markers", name=name,
            error_y=dict(type="data", symmetric=False, array=(hi[mask] - part[col]).tolist(),
                         arrayminus=(part[col] - lo[mask]).tolist(), color=colour, thickness=1, width=0),
            marker=dict(symbol=symbol, size=9, color=colour, line=dict(width=1.5, color=colour), opacity=0.85),
            customdata=np.stack([part["council_name"], part["challenge_month"], lo[mask], hi[mask]], axis=1),
            hovertemplate="%{customdata[0]} (%{customdata[1]})<br>%{y} days (possible %{customdata[2]}–"
                          "%{customdata[3]})<extra>" + name + "</extra>"))
    if "pandemic_delayed" in d:
        pan = d[d["pandemic_delayed"].fillna(False).astype(bool)]
        if len(pan):
            fig.add_trace(go.Scatter(
                x=pan["onsite_start"], y=pan[col], mode="markers", name="Pandemic-delayed process",
                marker=dict(symbol="x-thin", size=14, line=dict(width=2, color=OKABE_ITO["black"])),
                hovertemplate="%{y} days: pandemic-delayed<extra></extra>"))
    if highlight:
        mine = d[d["council_id"] == highlight]
        if len(mine):
            fig.add_trace(go.Scatter(
                x=mine["onsite_start"], y=mine[col], mode="markers+text", name=f"{highlight_name or highlight}",
                marker=dict(symbol="star", size=18, color=OKABE_ITO["yellow"], line=dict(width=2, color=OKABE_ITO["black"])),
                text=[f"{highlight_name or highlight} {m}" for m in mine["challenge_month"]], textposition="top center",
                textfont=dict(size=12, color=OKABE_ITO["black"]),
                hovertemplate="%{text}<br>%{y} days<extra></extra>"))
    norm_days = MILESTONE_NORMS[milestone] * DAYS_PER_MONTH
    fig.add_hline(y=norm_days, line=dict(color=OKABE_ITO["black"], dash="dash", width=1))
    fig.add_annotation(x=0, xref="paper", y=norm_days, text=f"LGA norm: {MILESTONE_NORMS[milestone]} months",
                       showarrow=False, xanchor="left", yanchor="bottom", font=dict(size=11),
                       bgcolor="rgba(255,255,255,0.8)")
    fig.update_xaxes(title="on-site visit", gridcolor="#e5e5e5")
    fig.update_yaxes(title="days after the on-site visit", gridcolor="#e5e5e5", rangemode="tozero")
    return base_layout(fig, title, height=460)


def on_time_bars(summary: pd.DataFrame, milestone: str, title: str, group_label: str = "",
                 provisional: list | None = None) -> go.Figure:
    """Share of challenges meeting the norm per group: the bar is the share that met it, a whisker reaches the
    share that may have (met + undecidable); each bar is labelled above its whisker with its count ("29–39 of
    91"; the shares in the hover text). A group of
    fewer than SMALL is drawn hollow and labelled "k of n" only. Groups in ``provisional`` (years still coming
    in) are hatched and labelled 'so far'."""
    d = summary[(summary["milestone"] == milestone) & (summary["challenges_with_date"] > 0)].copy()
    d = d.sort_values("group")
    provisional = set(provisional or [])
    names = [str(COUNCIL_TYPE_LABELS.get(g, g)) for g in d["group"]]
    small = d["challenges_with_date"] < SMALL
    text = [met_text(int(o), int(u), int(n)) + (" so far" if g in provisional else "")
            for g, o, u, n in zip(d["group"], d["on_time"], d["undecidable"], d["challenges_with_date"])]
    # the label sits above the whisker (not on it) and gives the count: "13–15<br>of 28"; the shares are in the
    # hover text and the table beside the chart
    counts = [met_count(int(o), int(u)) + f"<br>of {int(n):,}"
              + ("<br>so far" if g in provisional else "")
              for g, o, u, n in zip(d["group"], d["on_time"], d["undecidable"], d["challenges_with_date"])]
    x = [wrap(n, 14) for n in names]
    fig = go.Figure(go.Bar(
        x=x, y=d["share_on_time"] * 100, hovertext=text,
        error_y=dict(type="data", symmetric=False, array=((d["share_on_time_max"] - d["share_on_time"]) * 100).tolist(),
                     arrayminus=[0] * len(d), color=OKABE_ITO["black"], thickness=1.5),
        marker=dict(color=["rgba(0,0,0,0)" if s else OKABE_ITO["blue"] for s in small],
                    line=dict(color=OKABE_ITO["blue"], width=2),
                    pattern=dict(shape=["/" if g in provisional else "" for g in d["group"]], fgcolor=OKABE_ITO["blue"])),
        hovertemplate="%{x}: %{hovertext}<extra></extra>"))
    fig.add_trace(go.Scatter(x=x, y=d["share_on_time_max"] * 100, mode="text", text=counts,
                             textposition="top center", textfont=dict(size=11), cliponaxis=False,
                             hoverinfo="skip", showlegend=False))
    fig.update_yaxes(title="% that met the norm", range=[0, 130], tickvals=list(range(0, 101, 20)),
                     ticktext=[f"{v}%" for v in range(0, 101, 20)], gridcolor="#e5e5e5")
    fig.update_xaxes(title=group_label, type="category")
    return base_layout(fig, title, height=380, legend=False)


def summary_table(part: pd.DataFrame, group_label: str) -> pd.DataFrame:
    """The data behind on_time_bars: counts, the share as a range, the 95% Wilson interval where every verdict
    is decided and the group has SMALL or more, and the median with its range."""
    rows = []
    for _, r in part.iterrows():
        n = int(r["challenges_with_date"])
        s = share(int(r["on_time"]), n)
        rows.append({
            group_label: COUNCIL_TYPE_LABELS.get(r["group"], r["group"]),
            "Challenges judged": n, "Met the norm": int(r["on_time"]), "Missed": int(r["missed"]),
            "Undecidable": int(r["undecidable"]),
            "Share met": met_text(int(r["on_time"]), int(r["undecidable"]), n),
            "95% interval": s.interval_text if not r["undecidable"] and not s.small else "",
            "Median days": median_text(r) if n else "–",
            "Rest on a coarse date": int(r["approximate"]),
        })
    return pd.DataFrame(rows)


def small_groups_note(part: pd.DataFrame) -> str:
    k = int((part["challenges_with_date"] < SMALL).sum())
    if not k:
        return ""
    return (f" {plural(k, 'group')} with fewer than {SMALL} challenges {'is' if k == 1 else 'are'} shown as "
            "counts only (hollow bars) and not ranked.")
