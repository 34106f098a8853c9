"""Overview: the national picture at a glance, and a way to any council in two clicks."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from peer_challenges.analysis import charts, narrative
from peer_challenges.app import cache, ui
from peer_challenges.app.views import cycle as cycle_view
from peer_challenges.app.views import overview as ov
from peer_challenges.app.views.common import Metric
from peer_challenges.analysis.narrative import escape_markdown, plural
from peer_challenges.domain.paths import data_dir

COUNCILS_SHOWN = 1000  # rows of the councils table drawn at once (the sidebar filters narrow them)

st.set_page_config(page_title="Overview · Peer Challenge Explorer")
filters = ui.shared_filters()
params = ui.filter_params(filters)

ui.header(
    "Corporate peer challenges in England",
    "What LGA peer teams recommended to councils, how much of it councils report done, and how long the "
    "process took. Use the filters in the sidebar to narrow the picture; pick a council in the table at "
    "the bottom for its own page.",
)
st.caption(f"Showing: {escape_markdown(ui.describe_filters(filters))}.")


with st.expander("How the headline figures are counted"):
    as_of = st.date_input("Completion as of", value=None, key="ov_as_of", format="DD/MM/YYYY",
                          help="Each recommendation's latest status on or before this date (empty: today).")
    assessed = st.radio("Completion rests on", list(ov.ASSESSED_CHOICES), format_func=ov.ASSESSED_CHOICES.get,
                        horizontal=True, key="ov_assessed")
    exclude_pandemic = st.toggle("Leave out processes the pandemic delayed", key="ov_no_pandemic")
head = ui.query("overview__headline", **params, as_of=as_of, exclude_pandemic=exclude_pandemic).iloc[0]
if int(head["challenges"]) == 0:
    if filters["is_default"]:
        st.info("The dataset holds no peer challenges yet. The About page explains how to add a council and "
                "rebuild the data.", icon="📭")
        st.page_link("pages/about.py", label="How to add a council", icon="ℹ️")
    else:
        st.info("No peer challenges match these filters. Widen the council type, region or year range in the "
                "sidebar.", icon="🔍")
    st.stop()

# ---- headline metrics --------------------------------------------------------------------------
recorded = int(head["recommendations_recorded"])
ui.metric_row([
    Metric("Councils", f"{int(head['councils']):,}", "Councils with at least one challenge in view."),
    Metric("Challenges", f"{int(head['challenges']):,}", ov.challenges_help(head)),
    Metric("Recommendations", f"{recorded:,}",
           "Records that are one recommendation with its own wording (placeholders, headings and focus areas are "
           "counted apart, in the caption).", ov.recommendations_caption(head)),
    ov.completion_metric(head, assessed),
    ov.progress_review_metric(head),
])
ui.explore_link(recorded)

st.markdown(
    f"Most challenges are recorded with their dates only: {plural(int(head['challenges_with_recommendations']), 'challenge')} "
    f"of {int(head['challenges'])} {'has' if int(head['challenges_with_recommendations']) == 1 else 'have'} any "
    f"recommendations recorded, and {int(head['challenges_with_status'])} have a reported status for any of them. "
    "Every share on this page says what it is out of."
)
in_force = cycle_view.coverage_sentence(ui.query)
if in_force:
    st.caption(in_force + " See the Five-year cycle page for who is due a challenge.")

# ---- charts ------------------------------------------------------------------------------------
left, right = st.columns(2, gap="large")
with left:
    per_year = ui.query("overview__challenges_per_year", **params)
    labels = ui.COUNCIL_TYPE_LABELS
    undated = int(per_year.loc[per_year["year"].isna(), "challenges"].sum())
    table = per_year.assign(council_type=per_year["council_type"].map(labels)).rename(
        columns={"year": "On-site year", "council_type": "Council type", "challenges": "Challenges"})
    ui.show_chart(
        charts.challenges_per_year(per_year, labels),
        "Stacked bar chart of challenges per on-site year, one segment per council type.",
        table, {"On-site year": st.column_config.NumberColumn(format="%d")},
        note=(f"{plural(undated, 'challenge')} with no known on-site date {'is' if undated == 1 else 'are'} "
              "not shown." if undated else None),
        margin_top=20,
    )
with right:
    topics = ui.query("overview__top_topics", **params)
    topic_labels = {t: narrative.topic_label(t) for t in topics["topic"]}
    if topics.empty:
        st.markdown("**No recommendations with topics match these filters**")
        st.caption("Topics come from the recommendations recorded; none is recorded for the challenges in view.")
    else:
        top = topics.head(10)
        table = pd.DataFrame({
            "Topic": [topic_labels.get(t, t) for t in top["topic"]],
            "Challenges raising it": top["challenges"],
            "Of challenges with recommendations": top["challenges_with_recommendations"],
            "Share of those challenges": 100 * top["challenges"] / top["challenges_with_recommendations"],
            "Recommendations": top["recommendations"],
        })
        ui.show_chart(
            charts.top_topics(topics, topic_labels),
            "Horizontal bar chart of the ten topics raised by most challenges, with counts and shares.",
            table, {"Share of those challenges": st.column_config.NumberColumn(format="%.0f%%")},
            note="Topics are tagged from each recommendation's wording (data/taxonomy.yaml); a curated tag wins.",
            margin_top=20,
        )

st.header("Completion by age")
by_age = cache.completion_by_age(str(data_dir()), params)
if by_age is None:
    st.caption("No recommendation in view has a status that can be placed in time, so completion by age "
               "cannot be estimated.")
else:
    ui.show_chart(by_age.fig, by_age.alt, by_age.data, note=by_age.note)

bins = ui.query("overview__progress_review_bins", **params, exclude_pandemic=exclude_pandemic)
table = pd.DataFrame({
    "Days from the on-site visit": [f"{b}–{b + charts.BIN_DAYS - 1}" for b in bins["bin_start"]],
    "Within about 10 months": bins["verdict"].map({"met": "Yes", "missed": "No", "undecidable": "Undecidable"}),
    "Challenges": bins["challenges"],
    "Of which approximate (month-precision date)": bins["approximate"],
})
ui.show_chart(
    charts.days_to_progress_review(
        bins, median=bins["median_days"].iloc[0] if len(bins) else None,
        median_range=(bins["median_days_min"].iloc[0], bins["median_days_max"].iloc[0]) if len(bins) else None),
    "Histogram of days from the on-site visit to the progress review, in 30-day bins, split by whether the "
    "review came within about 10 months; a dashed line marks the norm.",
    table,
    note=("The LGA expects its peers back about 10 months after the on-site visit (about 304 days). A date known "
          "only to the month is stored as the month's last day, so those figures are approximate. Each council's "
          "own dates are on its page; the Slippage page lists every challenge's days to each milestone."),
    margin_top=20,
)

# ---- councils ----------------------------------------------------------------------------------
st.header("Councils")
councils = ui.query("overview__councils", **params, limit=COUNCILS_SHOWN)
n_councils = ui.total_rows(councils, COUNCILS_SHOWN, "overview__councils", **params)
st.caption(
    f"{plural(n_councils, 'council')}, each with its most recent challenge in view. Select a council's name to open "
    "its page (it opens in a new tab). Select a column heading to sort; use the table's search to find a council."
    + (f" The table lists the first {len(councils):,} by name: narrow the sidebar filters, or find any council by "
       "name on the council page." if n_councils > len(councils) else "")
)
table = ov.councils_table(councils, ui.COUNCIL_TYPE_LABELS)
st.dataframe(
    table, hide_index=True, height=420,
    column_config={
        "Council": st.column_config.LinkColumn("Council", display_text=r"#(.*)$", width=280,
                                               help="Opens the council's page"),
        "Most recent on site": st.column_config.DateColumn(format="MMM YYYY",
                                                            help="Month of the on-site visit (blank: not known)"),
        "Recommendations made": st.column_config.NumberColumn(help="How many the report made, where known (blank: not known)"),
        "With a status": st.column_config.NumberColumn(
            help="Recommendations with a reported status (the council's own rating or the peer team's finding: "
                 "see the council's page)"),
        "Share complete": st.column_config.TextColumn(
            help='Complete ÷ (with a status − superseded): "k of n" under 10, from 10 with its 95% interval; '
                 '— when none has a status'),
        "Days to progress review": st.column_config.TextColumn(
            help="To the CPC progress review (not a later follow-up); in brackets the range where a date is known "
                 "only to its month; blank: no progress-review date recorded"),
    },
)
st.page_link("pages/council.py", label="Or search for a council by name", icon="🔎")
