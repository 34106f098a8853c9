"""Figures and the small summaries behind them for the Themes and Slippage pages.

Pure functions: pandas DataFrame in, pandas DataFrame / plotly Figure / sentence out. No duckdb, no
streamlit (DESIGN convention 1). Every figure takes its headline title from the caller, who computes it
from the same summary with the ``*_headline`` helpers here, so titles state the finding, not the axis.

Accessibility: the Okabe–Ito colour-blind-safe palette; every categorical encoding doubles colour with a
marker shape or a text label, so colour is never the only signal; values are printed on bars and cells.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from peer_challenges.analysis.stats import SMALL
from peer_challenges.analysis.style import OKABE_ITO, SEQUENTIAL, base_layout
from peer_challenges.domain import norms
from peer_challenges.domain.vocab import COUNCIL_TYPE_LABELS

BY_LABELS = {None: "All challenges", "challenge_year": "On-site year", "council_type": "Council type",
             "region": "Region"}
NOT_TAGGED = "No core element recorded"


def theme_choices(core_names, topic_ids) -> list[str]:
    """A theme picker's options, as the Themes and Slippage pages write them in the link: 'all',
    'core:<element>', 'topic:<topic id>'."""
    return ["all"] + [f"core:{t}" for t in core_names] + [f"topic:{t}" for t in topic_ids]


def theme_choice_label(option: str, topic_labels: dict) -> str:
    """'core:Governance and culture' -> 'Core element: Governance and culture'; 'topic:x' -> 'Topic: <label>'."""
    if option == "all":
        return "All themes"
    kind, value = option.split(":", 1)
    return f"Core element: {value}" if kind == "core" else f"Topic: {topic_labels.get(value, value)}"

# slippage buckets: words, icon, colour and marker shape (never colour alone)
BUCKET_STYLE = {
    "on_time": ("Completed on time", "✅", OKABE_ITO["blue"], "circle"),
    "late": ("Completed late", "⏰", OKABE_ITO["orange"], "triangle-up"),
    "open_overdue": ("Open, past its original target", "⚠️", OKABE_ITO["vermillion"], "x"),
    "open_not_due": ("Open, not yet due", "🔄", OKABE_ITO["bluish_green"], "square"),
    "no_target": ("No target date", "➖", OKABE_ITO["grey"], "line-ew"),
    "unknown": ("Not measurable (no dated update)", "❔", OKABE_ITO["grey"], "circle-open"),
}

# how many rows the Slippage page asks SQL for, per list, chart and table; what is left out is said in a
# caption, and every figure is counted over the whole selection in SQL (tests lower these)
SLIPPAGE_LIMITS = {
    "overdue_groups": 12,       # open-and-overdue bullet lines
    "strip_per_group": 300,     # dot plot marks per group (a fixed random sample beyond this)
    "dumbbell": 50,             # range chart rows: the recommendations with the most slippage
    "table": 1_000,             # rows of each table
    "timeliness_points": 1_000,  # process-timeliness dots (a fixed random sample beyond this)
    "cards": 20,                # progress-review disagreements written out
}

# process milestones: column prefix, words, LGA norm in months
MILESTONES = tuple((m.key, m.label, m.months) for m in norms.MILESTONES)
MILESTONE_LABELS = {m.key: m.label for m in norms.MILESTONES}
MILESTONE_NORMS = {m.key: m.months for m in norms.MILESTONES}
DAYS_PER_MONTH = norms.DAYS_PER_MONTH


def bucket_label(bucket) -> str:
    label, icon, _, _ = BUCKET_STYLE.get(bucket, BUCKET_STYLE["unknown"])
    return f"{icon} {label}"


def pct(share) -> str:
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    return f"{100 * share:.0f}%"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def wrap(text: str, width: int = 28) -> str:
    """Break a long label onto lines (plotly takes <br>)."""
    words, lines, line = str(text).split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return "<br>".join(lines)


# ---------------------------------------------------------------- themes: shaping


def topic_lists(topics: pd.Series, taxonomy=None) -> pd.Series:
    """Each cell as a list of topic ids (mapped through the taxonomy when given; unknown tags kept)."""
    def one(value):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return []
        tags = [value] if isinstance(value, str) else [t for t in value if isinstance(t, str)]
        if taxonomy is None:
            return list(dict.fromkeys(tags))
        out = []
        for tag in tags:
            tid = taxonomy.canonical_topic(tag) or tag
            if tid not in out:
                out.append(tid)
        return out
    return topics.map(one)


def theme_long(recs: pd.DataFrame, level: str) -> pd.DataFrame:
    """One row per (recommendation, theme): level 'core' uses core_theme (missing → NOT_TAGGED),
    level 'topic' uses the topics list (a recommendation with none contributes no row)."""
    if level == "core":
        out = recs.copy()
        out["theme"] = out["core_theme"].fillna(NOT_TAGGED)
        return out
    if level == "topic":
        out = recs.copy()
        out["theme"] = out["topics"].map(lambda v: list(v) if isinstance(v, (list, tuple, np.ndarray)) else [])
        out = out.explode("theme")
        return out[out["theme"].notna()].reset_index(drop=True)
    raise ValueError(f"level must be 'core' or 'topic', not {level!r}")


def theme_shares(recs: pd.DataFrame, level: str, by: str | None = None) -> pd.DataFrame:
    """Share of challenges raising each theme, per group.

    Denominator (challenges_with_recommendations): distinct challenges in the group with at least one
    recommendation recorded in ``recs``. Returns group, theme, challenges (raising it), recommendations,
    councils, challenges_with_recommendations, share — every theme × group (zeros included)."""
    cols = ["group", "theme", "challenges", "recommendations", "councils", "challenges_with_recommendations", "share"]
    if recs.empty:
        return pd.DataFrame(columns=cols)
    base = recs.copy()
    base["group"] = base[by] if by else "All"
    long = theme_long(base, level)
    denom = base.groupby("group")["challenge_id"].nunique().rename("challenges_with_recommendations")
    counts = long.groupby(["group", "theme"]).agg(
        challenges=("challenge_id", "nunique"), recommendations=("recommendation_id", "count"),
        councils=("council_id", "nunique"),
    )
    themes = sorted(long["theme"].unique())
    full = pd.MultiIndex.from_product([denom.index, themes], names=["group", "theme"])
    out = counts.reindex(full, fill_value=0).reset_index().join(denom, on="group")
    out["share"] = out["challenges"] / out["challenges_with_recommendations"]
    return out[cols].sort_values(["group", "share", "theme"], ascending=[True, False, True]).reset_index(drop=True)


def theme_shares_from_counts(counts: pd.DataFrame, level: str, by: str | None = None) -> pd.DataFrame:
    """theme_shares(recs, level, by) from the aggregates of the themes__theme_shares query (columns
    breakdown, grp, level, theme, challenges, recommendations, councils; level 'all' rows are the
    denominators), so the page never holds the recommendations themselves. Same columns, rows and order;
    groups of the on-site year breakdown are whole numbers."""
    cols = ["group", "theme", "challenges", "recommendations", "councils", "challenges_with_recommendations", "share"]
    if level not in ("core", "topic"):
        raise ValueError(f"level must be 'core' or 'topic', not {level!r}")
    part = counts[counts["breakdown"] == (by or "none")]
    denom_rows = part[part["level"] == "all"]
    if denom_rows.empty:
        return pd.DataFrame(columns=cols)
    group = denom_rows["grp"].astype(int) if by == "challenge_year" else denom_rows["grp"].astype(object)
    denom = pd.Series(denom_rows["challenges"].to_numpy(), index=pd.Index(group.to_numpy(), name="group"),
                      name="challenges_with_recommendations").sort_index()
    # every theme of the level raised anywhere in the selection, as theme_shares lists them
    pooled = counts[(counts["breakdown"] == "none") & (counts["level"] == level)]
    themes = sorted(pooled["theme"].unique())
    rows = part[part["level"] == level]
    rows_group = rows["grp"].astype(int) if by == "challenge_year" else rows["grp"].astype(object)
    found = pd.DataFrame({"challenges": rows["challenges"].to_numpy(), "recommendations": rows["recommendations"].to_numpy(),
                          "councils": rows["councils"].to_numpy()},
                         index=pd.MultiIndex.from_arrays([rows_group.to_numpy(), rows["theme"].to_numpy()],
                                                         names=["group", "theme"]))
    full = pd.MultiIndex.from_product([denom.index, themes], names=["group", "theme"])
    out = found.reindex(full, fill_value=0).reset_index().join(denom, on="group")
    for col in ("challenges", "recommendations", "councils", "challenges_with_recommendations"):
        out[col] = out[col].astype("int64")
    out["share"] = out["challenges"] / out["challenges_with_recommendations"]
    return out[cols].sort_values(["group", "share", "theme"], ascending=[True, False, True]).reset_index(drop=True)


def shares_headline(shares: pd.DataFrame, labels: dict | None = None, what: str = "theme") -> str:
    """'Finance and budgets was raised in 62% of the 90 challenges with recommendations recorded – more
    than any other topic' (over all groups pooled: pass theme_shares(by=None))."""
    if shares.empty:
        return f"No recommendations recorded for this selection, so no {what} can be ranked"
    top = shares.sort_values(["share", "challenges"], ascending=False).iloc[0]
    name = (labels or {}).get(top["theme"], top["theme"])
    n = int(top["challenges_with_recommendations"])
    ties = shares[(shares["share"] == top["share"]) & (shares["theme"] != top["theme"])]
    tail = f" – more than any other {what}" if ties.empty else f" – joint highest of any {what}"
    how_many = f"{int(top['challenges'])} of the {n}" if n < SMALL else f"{pct(top['share'])} of the {n:,}"
    return f"{name} was raised in {how_many} challenge{'s' if n != 1 else ''} with recommendations recorded{tail}"


def council_theme_counts(recs: pd.DataFrame, level: str, top_n: int = 20) -> pd.DataFrame:
    """Recommendations per council × theme for the ``top_n`` councils with most recommendations
    recorded (ties by name). Columns: council_id, council_name, theme, recommendations, council_total."""
    cols = ["council_id", "council_name", "theme", "recommendations", "council_total"]
    if recs.empty:
        return pd.DataFrame(columns=cols)
    totals = recs.groupby(["council_id", "council_name"]).size().rename("council_total").reset_index()
    totals = totals.sort_values(["council_total", "council_name"], ascending=[False, True]).head(top_n)
    long = theme_long(recs[recs["council_id"].isin(totals["council_id"])], level)
    counts = long.groupby(["council_id", "theme"]).size().rename("recommendations").reset_index()
    themes = sorted(long["theme"].unique())
    grid = pd.MultiIndex.from_product([totals["council_id"], themes], names=["council_id", "theme"])
    out = counts.set_index(["council_id", "theme"]).reindex(grid, fill_value=0).reset_index()
    out = out.merge(totals, on="council_id")
    return out[cols]


# ---------------------------------------------------------------- themes: figures


def share_bar_chart(shares: pd.DataFrame, title: str, labels: dict | None = None, top: int | None = None) -> go.Figure:
    """Horizontal bars: share of challenges raising each theme (all groups pooled), value printed."""
    df = shares.sort_values(["share", "theme"], ascending=[False, True])
    if top:
        df = df.head(top)
    df = df.iloc[::-1]
    names = [wrap((labels or {}).get(t, t), 34) for t in df["theme"]]
    text = [f"{int(c)} of {int(n)}" if n < SMALL else pct(s)  # under 10: "k of n", never a bare percentage
            for s, c, n in zip(df["share"], df["challenges"], df["challenges_with_recommendations"])]
    detail = [f"{c} of {n} challenges" for c, n in zip(df["challenges"], df["challenges_with_recommendations"])]
    denominators = sorted(set(int(n) for n in df["challenges_with_recommendations"]))
    fig = go.Figure(go.Bar(
        x=df["share"] * 100, y=names, orientation="h", marker_color=OKABE_ITO["blue"], text=text,
        customdata=detail, textposition="auto", insidetextanchor="end", cliponaxis=False,
        hovertemplate="%{y}: %{text} (%{customdata})<extra></extra>",
    ))
    of = f"the {denominators[0]} " if len(denominators) == 1 else ""
    fig.update_xaxes(title=f"% of {of}challenges with recommendations recorded", range=[0, 100],
                     ticksuffix="%", gridcolor="#e5e5e5")
    fig.update_yaxes(automargin=True)
    return base_layout(fig, title, height=max(320, 34 * len(df) + 120), legend=False)


def share_heatmap(shares: pd.DataFrame, title: str, by: str, labels: dict | None = None,
                  theme_order: list | None = None) -> go.Figure:
    """Themes (rows) × groups (columns): cell = % of the group's challenges raising the theme, printed
    in the cell; column labels carry the denominator (n = challenges with recommendations recorded)."""
    groups = sorted(shares["group"].unique(), key=lambda g: (str(type(g)), g))
    denom = shares.drop_duplicates("group").set_index("group")["challenges_with_recommendations"]
    themes = theme_order or (shares.groupby("theme")["challenges"].sum().sort_values(ascending=False).index.tolist())
    grid = shares.pivot(index="theme", columns="group", values="share").reindex(index=themes, columns=groups)
    counts = shares.pivot(index="theme", columns="group", values="challenges").reindex(index=themes, columns=groups)

    def glabel(g):
        name = COUNCIL_TYPE_LABELS.get(g, g) if by == "council_type" else g
        return f"{wrap(name, 12)}<br>n={int(denom.get(g, 0))}"

    # a column of fewer than 10 challenges prints "k of n" in its cells, never a bare percentage
    text = [["" if pd.isna(v) else f"{int(c)} of {int(denom.get(g, 0))}" if denom.get(g, 0) < SMALL else pct(v)
             for v, c, g in zip(row, crow, groups)] for row, crow in zip(grid.to_numpy(), counts.to_numpy())]
    custom = [[(0 if pd.isna(c) else int(c)) for c in row] for row in counts.to_numpy()]
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy() * 100, x=[glabel(g) for g in groups], y=[wrap((labels or {}).get(t, t), 34) for t in themes],
        text=text, texttemplate="%{text}", textfont=dict(size=11), customdata=custom,
        colorscale=SEQUENTIAL, zmin=0, zmax=100, xgap=2, ygap=2,
        colorbar=dict(title="% of<br>challenges", ticksuffix="%", thickness=12),
        hovertemplate="%{y}<br>%{x}: %{text} (%{customdata} challenges)<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(side="top", automargin=True)
    return base_layout(fig, title, height=max(360, 30 * len(themes) + 170), legend=False)


def council_theme_heatmap(counts: pd.DataFrame, title: str, labels: dict | None = None) -> go.Figure:
    """Councils (rows, most recommendations first) × themes: number of recommendations, printed."""
    councils = counts.drop_duplicates("council_id").sort_values(["council_total", "council_name"], ascending=[False, True])
    themes = counts.groupby("theme")["recommendations"].sum().sort_values(ascending=False).index.tolist()
    grid = counts.pivot(index="council_id", columns="theme", values="recommendations").reindex(
        index=councils["council_id"], columns=themes)
    z = grid.to_numpy()
    text = [[(str(int(v)) if v else "") for v in row] for row in z]
    # long council names on two lines and theme names in narrow lines leave the columns room for their labels
    ylab = [wrap(f"{n} ({t})", 36) for n, t in zip(councils["council_name"], councils["council_total"])]
    fig = go.Figure(go.Heatmap(
        z=z, x=[wrap((labels or {}).get(t, t), 11) for t in themes], y=ylab, text=text, texttemplate="%{text}",
        textfont=dict(size=11), colorscale=SEQUENTIAL, zmin=0, xgap=2, ygap=2,
        colorbar=dict(title="recommen-<br>dations", thickness=12),
        hovertemplate="%{y}<br>%{x}: %{z} recommendation(s)<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(side="top", tickangle=0, automargin=True)
    return base_layout(fig, title, height=max(360, 26 * len(councils) + 190), legend=False)


# ---------------------------------------------------------------- slippage


def measurability(recs: pd.DataFrame) -> dict:
    """How many recommendations can have slippage measured, and why the rest cannot."""
    n = len(recs)
    with_target = int(recs["target_date"].notna().sum()) if n else 0
    measured = int(recs["slippage_days"].notna().sum()) if n else 0
    reasons = (recs.loc[recs["slippage_days"].isna(), "why_not_measured"].value_counts().to_dict()
               if n and "why_not_measured" in recs else {})
    out = {"recommendations": n, "with_target": with_target, "measured": measured,
           "target_no_dated_update": with_target - measured, "no_target": n - with_target, "reasons": reasons}
    if "council_id" in recs:  # how many councils the figures rest on
        out["councils"] = int(recs["council_id"].nunique())
        out["measured_councils"] = int(recs.loc[recs["slippage_days"].notna(), "council_id"].nunique()) if n else 0
        if "slippage_bucket" in recs:
            out["overdue_councils"] = int(recs.loc[recs["slippage_bucket"] == "open_overdue", "council_id"].nunique())
    return out


def measurability_sentence(m: dict) -> str:
    n, t, k = m["recommendations"], m["with_target"], m["measured"]
    if n == 0:
        return "No recommendations are recorded for this selection."
    why = [f"{m['no_target']:,} {'has' if m['no_target'] == 1 else 'have'} no dated target in the action plans we hold"]
    if m["target_no_dated_update"]:
        why.append(f"{m['target_no_dated_update']:,} of the {t:,} with a target {'has' if m['target_no_dated_update'] == 1 else 'have'} "
                   "no dated completion or progress update to measure it against")
    at = ""
    if "councils" in m:  # what the figures rest on: "8 recommendations at 1 council"
        at = (f", at {m['measured_councils']:,} of the {plural(m['councils'], 'council')}"
              if m["councils"] != m["measured_councils"] else f", at {plural(m['councils'], 'council')}")
    return (f"Slippage can be measured for **{k:,} of the {plural(n, 'recommendation')}** recorded here{at}: "
            + " and ".join(why) + ".")


def measurability_from_summary(summary: pd.DataFrame) -> dict:
    """measurability() from the slippage__summary query (a total row, is_total = 1, and one row per reason
    slippage cannot be measured) instead of one row per recommendation."""
    total = summary[summary["is_total"] == 1]
    if total.empty:
        return measurability(pd.DataFrame(columns=["target_date", "slippage_days", "why_not_measured"]))
    t = total.iloc[0]
    n, with_target, measured = int(t["recommendations"]), int(t["with_target"]), int(t["measured"])
    why = summary[(summary["is_total"] != 1) & summary["why_not_measured"].notna()]
    out = {"recommendations": n, "with_target": with_target, "measured": measured,
           "target_no_dated_update": with_target - measured, "no_target": n - with_target,
           "reasons": {r: int(k) for r, k in zip(why["why_not_measured"], why["recommendations"])}}
    for col in ("councils", "measured_councils", "overdue_councils"):
        if col in t.index:
            out[col] = int(t[col])
    return out


def slippage_headline(measured: pd.DataFrame) -> str:
    if measured.empty:
        return slippage_headline_counts(0, 0, 0, 0, None)
    overdue = measured[measured["slippage_bucket"] == "open_overdue"]
    return slippage_headline_counts(
        len(measured), int((measured["slippage_bucket"] == "on_time").sum()),
        int((measured["slippage_bucket"] == "late").sum()), len(overdue),
        overdue["slippage_days"].median() if len(overdue) else None)


def slippage_headline_counts(measured: int, on_time: int, late: int, overdue: int, overdue_median) -> str:
    """The dot plot's headline from counts (slippage__summary): on time, late, still open and overdue."""
    if not measured:
        return "No recommendation in this selection has both a target date and a dated update"
    parts = [f"{on_time:,} of {measured:,} measurable recommendations were completed on time"]
    if late:
        parts.append(f"{late:,} late")
    if overdue:
        parts.append(f"{overdue:,} still open a median {int(overdue_median)} days past the original target")
    return "; ".join(parts)


def shown_of(shown: int, total: int, which: str, what: str) -> str | None:
    """The caption under a capped list or table, or None when it shows everything: 'Showing the 1,000
    most overdue of 12,345 recommendations open and overdue; narrow with the filters ...'."""
    if shown >= total:
        return None
    return (f"Showing the {shown:,} {which} of {total:,} {what}; narrow the selection with the filters (or a "
            "council or theme) or download every row from the Explore page.")


def _jitter(keys: pd.Series, spread: float = 0.28) -> np.ndarray:
    """Deterministic vertical offsets so points with the same group and value sit side by side."""
    offsets = np.zeros(len(keys))
    seen: dict = {}
    for i, key in enumerate(keys):
        k = seen.get(key, 0)
        seen[key] = k + 1
        offsets[i] = ((k + 1) // 2) * (1 if k % 2 else -1) * 0.12
    return np.clip(offsets, -spread, spread)


def slippage_strip(measured: pd.DataFrame, by: str, title: str) -> go.Figure:
    """Slippage days per recommendation (x) by group (y): one mark per recommendation, shaped and
    coloured by bucket; 0 = the original target date. At most four traces (one per bucket) whatever the
    rows. When ``measured`` is a sample (slippage__strip), its ``group_n`` column gives each group's full
    count for the n= labels."""
    df = measured.copy()
    df["group"] = df[by].fillna(NOT_TAGGED)
    if by == "council_type":
        df["group"] = df["group"].map(lambda g: COUNCIL_TYPE_LABELS.get(g, g))
    groups = sorted(df["group"].unique())
    pos = {g: i for i, g in enumerate(groups)}
    df = df.sort_values(["group", "slippage_days", "recommendation_id"])
    df["y"] = df["group"].map(pos) + _jitter(df["group"].astype(str) + "|" + df["slippage_days"].astype(str))
    fig = go.Figure()
    for bucket in ("on_time", "late", "open_overdue", "open_not_due"):
        part = df[df["slippage_bucket"] == bucket]
        if part.empty:
            continue
        label, _, colour, symbol = BUCKET_STYLE[bucket]
        fig.add_trace(go.Scatter(
            x=part["slippage_days"], y=part["y"], mode="markers", name=label,
            marker=dict(color=colour, symbol=symbol, size=12, line=dict(width=1.5, color=colour)),
            customdata=np.stack([part["council_name"], part["number"].fillna("–"), part["title"]], axis=1),
            hovertemplate="%{customdata[0]} rec. %{customdata[1]}<br>%{customdata[2]}<br>%{x} days<extra>" + label + "</extra>",
        ))
    fig.add_vline(x=0, line=dict(color=OKABE_ITO["black"], dash="dash", width=1))
    fig.add_annotation(x=0, y=1.0, yref="paper", text="original target", showarrow=False, xanchor="left",
                       yanchor="bottom", font=dict(size=11))
    counts = df.groupby("group")["group_n"].max() if "group_n" in df else df.groupby("group").size()
    fig.update_yaxes(tickvals=list(range(len(groups))),
                     ticktext=[f"{wrap(g, 30)} (n={counts[g]:,})" for g in groups], range=[-0.6, len(groups) - 0.4],
                     automargin=True, gridcolor="#eeeeee")
    lo, hi = float(df["slippage_days"].min()), float(df["slippage_days"].max())
    pad = max(20.0, 0.08 * (max(hi, 0) - min(lo, 0)))
    fig.update_xaxes(title="days after the original target (negative = early)", zeroline=False,
                     gridcolor="#e5e5e5", range=[min(lo, 0) - pad, max(hi, 0) + pad])
    return base_layout(fig, title, height=max(260, 70 * len(groups) + 150))


def target_dumbbell(df: pd.DataFrame, title: str) -> go.Figure:
    """Per recommendation with a target: original target (hollow circle), revised target (diamond),
    first reported complete (filled circle) or latest open update (cross), joined by a line from the
    original target to the completion / latest update. Rows labelled council · challenge · number.
    At most five traces whatever the rows (all the joining lines are one trace, broken by gaps); the
    caller decides how many rows to chart (one row per recommendation, 26px each)."""
    d = df.copy().sort_values(["council_name", "challenge_month", "seq"], ascending=[False, False, False])
    d["label"] = [f"{c} {m} · {n if isinstance(n, str) and n else '#' + str(s)}"
                  for c, m, n, s in zip(d["council_name"], d["challenge_month"], d["number"], d["seq"])]
    d["actual"] = d["completed_on"].where(d["completed_on"].notna(),
                                          d["latest_as_of"].where(d["is_open"].fillna(False).astype(bool)))
    fig = go.Figure()
    joined = d[d["actual"].notna()]
    if len(joined):
        xs, ys = [], []
        for target, actual, label in zip(joined["target_date"], joined["actual"], joined["label"]):
            xs += [target, actual, None]
            ys += [label, label, None]
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines", line=dict(color="#bbbbbb", width=3), connectgaps=False,
            showlegend=False, hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=d["target_date"], y=d["label"], mode="markers", name="Original target",
        marker=dict(symbol="circle-open", size=13, color=OKABE_ITO["black"], line=dict(width=2)),
        hovertemplate="%{y}<br>original target %{x|%d %b %Y}<extra></extra>"))
    # one marker trace per kind of date (at most three more traces, whatever the number of rows)
    for rows, col, name, what, marker in (
        (d[d["revised_target"].notna()], "revised_target", "Revised target (shown beside, not instead)",
         "revised target", dict(symbol="diamond", size=12, color=OKABE_ITO["orange"])),
        (d[d["completed_on"].notna()], "completed_on", "First reported complete", "first reported complete",
         dict(symbol="circle", size=11, color=OKABE_ITO["blue"])),
        (d[d["completed_on"].isna() & d["actual"].notna()], "actual", "Latest update: still open",
         "still open at update of", dict(symbol="x", size=12, color=OKABE_ITO["vermillion"])),
    ):
        if len(rows):
            fig.add_trace(go.Scatter(x=rows[col], y=rows["label"], mode="markers", name=name, marker=marker,
                                     hovertemplate="%{y}<br>" + what + " %{x|%d %b %Y}<extra></extra>"))
    fig.update_yaxes(automargin=True, gridcolor="#eeeeee", categoryorder="array", categoryarray=list(d["label"]))
    fig.update_xaxes(gridcolor="#e5e5e5")
    return base_layout(fig, title, height=max(280, 26 * len(d) + 170))


# process timeliness: peer_challenges/analysis/timeliness_charts.py


def today_label(value: dt.date | None = None) -> str:
    value = value or dt.date.today()
    return f"{value.day} {value:%b %Y}"
