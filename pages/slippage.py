"""Slippage and timeliness: how far delivery slipped past the targets councils set themselves, and
how the peer challenge process kept (or missed) the LGA's own timetable. ?council=<id> focuses the
delivery tab on one council and stars its challenges on the timeliness charts. UI only.

Scale: every figure is counted in SQL (slippage__summary, slippage__timeliness_summary); lists, tables
and charts get at most a bounded number of rows from SQL (ac.SLIPPAGE_LIMITS), with a caption saying what
is left out, so the page costs about the same for one council or every council in England."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from peer_challenges.analysis import trend_charts as ac
from peer_challenges.app import ui
from peer_challenges.domain.vocab import CORE_THEMES
from peer_challenges.domain.paths import data_dir
from peer_challenges.analysis.narrative import date_label, escape_markdown, missing, slippage_text
from peer_challenges.domain.status import status_words

RAG_WORDS = {"red": "🔴 Red", "amber": "🟠 Amber", "green": "🟢 Green"}
GROUP_BY = {"core_theme": "Core element", "council_type": "Council type"}
SHORT = {"report": "report", "action_plan": "action plan", "progress_review": "progress review",
         "progress_review_published": "review report"}
COMPARE_BY = {"year": "On-site year", "region": "Region", "council_type": "Council type"}


_DATED: dict = {}


def dated(value, precision) -> str:
    """A date at its precision, with the day it is stored as when coarser: '2019/20 (ends 31 Mar 2020)'."""
    if missing(value):
        return "–"
    key = (value, None if missing(precision) else precision)
    if key not in _DATED:
        label = date_label(value, precision)
        _DATED[key] = label if missing(precision) or precision == "day" else f"{label} (ends {date_label(value, 'day')})"
    return _DATED[key]


def limit(name: str) -> int:
    """How many rows the page asks SQL for, per list/chart/table (ac.SLIPPAGE_LIMITS; tests lower them)."""
    return ac.SLIPPAGE_LIMITS[name]


def caption_if(text: str | None) -> None:
    if text:
        st.caption(text)


def with_who(status, assessed_by) -> str:
    return status_words(status, assessed_by=assessed_by, say_who=True)


# ---------------------------------------------------------------- page set-up
folder = str(data_dir())
ui.header(
    "Slippage and timeliness",
    "How far delivery of peer challenge recommendations slipped past the timescales councils set themselves, "
    "and how the peer challenge process itself kept to the LGA's timetable.",
)
filters = ui.shared_filters()
params = ui.filter_params(filters)
try:
    taxonomy = ui.taxonomy(folder)
    labels = {tid: t.label for tid, t in taxonomy.topics.items()}
except Exception:  # topic names are a nicety; the data still carries topic ids
    taxonomy, labels = None, {}

st.markdown(
    "**Slippage** is the number of days from a recommendation's *original* target date to the date it was "
    "first reported complete or, if it is still open, to the date of its latest progress update. Revised "
    "targets are shown beside the original, never instead of it. Statuses are the councils' own "
    "(self-reported) unless a progress review assessed them."
)

left, right = st.columns(2)
# the picker offers every council (or, for a very long list, a search; the council chosen or linked stays in it)
keep = [st.session_state.get("slip_council") or "", st.query_params.get("council") or ""]
ids, names = ui.council_options("slip_council_q", keep, where=left)
council_ids = [""] + ids
ui.url_choice("slip_council", "council", council_ids, "", "council")
council = left.selectbox(
    "Council", council_ids, key="slip_council", format_func=lambda c: names.get(c, "All councils") if c else "All councils",
    help="Focus the delivery tab on one council; its challenges are starred on the timeliness charts. "
         "The link in your browser's address bar keeps the choice.",
)
ui.write_url("slip_council", "council", council, "")
council = council or None

if council:
    scope_params = {"council_id": council}
    scope = f"{names[council]} (the sidebar filters do not apply to a single council)"
else:
    scope_params = dict(params)
    scope = ui.describe_filters(filters)

# the themes present in the selection: core elements, and topic tags mapped onto the taxonomy's topics
options = ui.query("slippage__theme_options", **scope_params)
core_present = set(options.loc[options["kind"] == "core", "value"])
tags = list(options.loc[options["kind"] == "topic", "value"])
tag_topic = {tag: ((taxonomy.canonical_topic(tag) or tag) if taxonomy is not None else tag) for tag in tags}
core_names = [t for t in CORE_THEMES if t in core_present]
topic_ids = sorted(set(tag_topic.values()), key=lambda t: labels.get(t, t).lower())
theme_options = ac.theme_choices(core_names, topic_ids)


def theme_fmt(opt: str) -> str:
    return ac.theme_choice_label(opt, labels)


ui.url_choice("slip_theme", "theme", theme_options, "all", "theme")
theme = right.selectbox("Theme", theme_options, format_func=theme_fmt, key="slip_theme",
                        help="A core element or a topic (see the Themes page for how they are tagged).")
ui.write_url("slip_theme", "theme", theme, "all")
rec_params = {**scope_params, "core_theme": None, "topic_tags": None}
if theme != "all":
    kind, value = theme.split(":", 1)
    if kind == "core":
        rec_params["core_theme"] = value
    else:
        rec_params["topic_tags"] = sorted(tag for tag, tid in tag_topic.items() if tid == value)
    scope += f"; {theme_fmt(theme).lower()}"
st.caption(f"Showing: {escape_markdown(scope)}.")

tab_delivery, tab_process, tab_ratings = st.tabs(
    ["Delivery against targets", "Process timeliness", "Council ratings and progress reviews"])

# ---------------------------------------------------------------- delivery slippage
with tab_delivery:
    delivery = ui.query("slippage__summary", **rec_params)
    m = ac.measurability_from_summary(delivery)
    total = delivery[delivery["is_total"] == 1]
    count = (lambda col: int(total[col].iloc[0]) if len(total) else 0)  # noqa: E731
    n_overdue, n_on_time, n_late = count("open_overdue"), count("on_time"), count("late")
    median_overdue = total["overdue_median_days"].iloc[0] if n_overdue else None
    cols = st.columns([1.8, 1, 1, 1, 1])  # the first holds "450,404 of 731,629" at national scale
    cols[0].metric("Measurable", f"{m['measured']:,} of {m['recommendations']:,}",
                   help="Recommendations with a dated original target AND a dated completion or progress update.")
    cols[1].metric("Completed on time", f"{n_on_time:,}")
    cols[2].metric("Completed late", f"{n_late:,}")
    cols[3].metric("Open and overdue", f"{n_overdue:,}",
                   help="Still open at the latest update, which is after the original target date.")
    cols[4].metric("Median days overdue", f"{int(median_overdue)}" if n_overdue else "–",
                   help="Days from the original target to the latest update, for recommendations still open.")
    st.markdown(ac.measurability_sentence(m))

    if m["recommendations"] == 0:
        st.info("No recommendations are recorded for this selection. Choose another council or theme, or widen the "
                "sidebar filters.", icon="🔍")
    else:
        if n_overdue:
            groups = ui.query("slippage__overdue_groups", **rec_params, limit=limit("overdue_groups"))
            lines = []
            for g in groups.itertuples(index=False):
                revised = (f"; revised target {dated(g.revised_target, g.revised_target_precision)}, shown beside the "
                           "original, not used to measure" if g.revised_targets == 1 else "")
                k = int(g.recommendations)
                lines.append(
                    f"- **{escape_markdown(g.council_name)} ({g.challenge_month})**: {k} recommendation{'s' if k != 1 else ''} "
                    f"({escape_markdown(g.numbers)}) open and overdue by **{int(g.slippage_days)} days** at the update of "
                    f"{dated(g.latest_as_of, g.latest_as_of_precision)}, against the original target "
                    f"{dated(g.target_date, g.target_precision)}{revised}."
                )
            st.markdown("**Open and overdue** (self-reported status at the latest update)\n" + "\n".join(lines))
            n_groups = int(groups["groups"].iloc[0]) if len(groups) else 0
            if n_groups > len(lines):
                st.caption(f"…and {n_groups - len(lines):,} more groups: see the table below.")

        if m["measured"]:
            group_by = st.radio("Group the slippage by", list(GROUP_BY), format_func=GROUP_BY.get, horizontal=True,
                                key="slip_group_by")
            measured = ui.query("slippage__strip", **rec_params, group_by=group_by, per_group=limit("strip_per_group"))
            measured = measured.rename(columns={"grp": group_by})
            headline = ac.slippage_headline_counts(m["measured"], n_on_time, n_late, n_overdue, median_overdue)
            fig = ac.slippage_strip(measured, group_by, headline)
            if len(measured) < m["measured"]:
                marks = (f"one mark per recommendation in a fixed random sample of {len(measured):,} of the "
                         f"{m['measured']:,} measurable (up to {limit('strip_per_group'):,} per group, with each "
                         "group's earliest and latest)")
                note = (f"The marks are a sample: {len(measured):,} of {m['measured']:,} recommendations. The headline, "
                        "the n= counts and the figures above count all of them.")
            else:
                marks = f"one mark per recommendation ({len(measured)} in all)"
                note = (f"Only {len(measured)} recommendations can be measured, so this is a set of cases, not a national "
                        "distribution.")
            ui.show_chart(
                fig,
                f"Dot plot: {marks}, days after the original target on "
                "the horizontal axis, grouped by " + GROUP_BY[group_by].lower() + "; marks are shaped and labelled by "
                "outcome (completed on time, completed late, open and overdue, open and not yet due).",
                note=note,
            )

        n_targeted = m["with_target"]
        if n_targeted:
            n_rev, n_done, n_open = count("targeted_revised"), count("targeted_done"), count("targeted_open")
            n_none = n_targeted - n_done - n_open
            parts = [f"{k:,} {words}" for k, words in ((n_done, "reported complete"), (n_open, "still open at a dated update"),
                                                        (n_none, "with no dated update")) if k]
            title = (f"{n_targeted:,} recommendation{'s have' if n_targeted != 1 else ' has'} a dated target: "
                     + ", ".join(parts) + f"; {n_rev:,} target{'s' if n_rev != 1 else ''} revised")
            # most slippage first; the chart takes the first few, the table the first limit("table")
            targeted = ui.query("slippage__targets", **rec_params, limit=limit("table"))
            charted = targeted.head(limit("dumbbell"))
            fig2 = ac.target_dumbbell(charted, title)
            targeted = targeted.sort_values(["council_id", "challenge_id", "seq"], kind="stable")
            table = pd.DataFrame({
                "Council": targeted["council_name"],
                "Challenge": targeted["challenge_month"],
                "No.": targeted["number"].fillna("–"),
                "Original target": [dated(v, p) for v, p in zip(targeted["target_date"], targeted["target_precision"])],
                "Revised target": [dated(v, p) for v, p in zip(targeted["revised_target"], targeted["revised_target_precision"])],
                "First reported complete": [dated(v, "day") for v in targeted["completed_on"]],
                "Latest update": [dated(v, p) for v, p in zip(targeted["latest_as_of"], targeted["latest_as_of_precision"])],
                "Slippage": [slippage_text(b, d) for b, d in zip(targeted["slippage_bucket"], targeted["slippage_days"])],
                "Latest status": [with_who(s, a) for s, a in zip(targeted["latest_status"], targeted["latest_assessed_by"])],
                "Recommendation": targeted["title"],
                "Target as written": targeted["target_raw"].fillna("–"),
                "Slippage (days)": targeted["slippage_days"],
            })
            if len(charted) < n_targeted:
                rows_said = (f"one row for each of the {len(charted):,} recommendations with the most slippage (of "
                             f"{n_targeted:,} with a dated target)")
                below = "The table below gives the dates for the recommendations it lists."
            else:
                rows_said, below = "one row per recommendation", "The table below gives every date."
            ui.show_chart(fig2, (
                f"Range chart: {rows_said}; hollow circle = original target, diamond = "
                "revised target, filled circle = first reported complete, cross = latest update while still open; "
                f"a grey line joins the original target to the completion or latest update. {below}"),
                note=(f"The chart shows the {len(charted):,} recommendations with the most slippage (days past the "
                      f"original target) of the {n_targeted:,} with a dated target; the headline counts all of them."
                      if len(charted) < n_targeted else None))
            st.dataframe(table, hide_index=True, key="slip_targets_table", column_config={
                "Recommendation": st.column_config.TextColumn(width="large"),
                "Slippage (days)": st.column_config.NumberColumn(format="%d"),
            })
            caption_if(ac.shown_of(len(table), n_targeted, "with the most slippage",
                                   "recommendations with a dated target"))
            st.caption("A date given as a month, quarter or financial year is stored as the period's last day, "
                       "shown in brackets. Revised targets never replace the original in the slippage figure.")

        if n_overdue:
            st.markdown(f"## Open and overdue: {n_overdue:,} recommendation{'s' if n_overdue != 1 else ''}")
            # the most overdue first; shown in the challenge's order, as the targets table
            overdue = ui.query("slippage__overdue", **rec_params, limit=limit("table"))
            overdue = overdue.sort_values(["council_id", "challenge_id", "seq"], kind="stable")
            st.dataframe(pd.DataFrame({
                "Council": overdue["council_name"],
                "Challenge": overdue["challenge_month"],
                "No.": overdue["number"].fillna("–"),
                "Days past original target": overdue["slippage_days"],
                "Original target": [dated(v, p) for v, p in zip(overdue["target_date"], overdue["target_precision"])],
                "Revised target": [dated(v, p) for v, p in zip(overdue["revised_target"], overdue["revised_target_precision"])],
                "Latest update": [dated(v, p) for v, p in zip(overdue["latest_as_of"], overdue["latest_as_of_precision"])],
                "Status (council's words)": [f"{with_who(s, a)}: “{r}”" if isinstance(r, str) else with_who(s, a)
                                             for s, a, r in zip(overdue["latest_status"], overdue["latest_assessed_by"],
                                                                overdue["latest_status_raw"])],
                "Recommendation": overdue["title"],
                "Council page": [ui.council_link(c, mo) for c, mo in zip(overdue["council_id"], overdue["challenge_month"])],
            }), hide_index=True, key="slip_overdue_table", column_config={
                "Council page": st.column_config.LinkColumn("Council page", display_text="Open council page"),
                "Days past original target": st.column_config.NumberColumn(format="%d days"),
            })
            caption_if(ac.shown_of(len(overdue), n_overdue, "most overdue", "recommendations open and overdue"))
        else:
            st.markdown("## Open and overdue: none in this selection")
            st.caption("No recommendation here is both still open and past its original target at a dated update.")

        with st.expander("Why most recommendations cannot be measured"):
            why = delivery[delivery["is_total"] != 1]
            reasons = pd.DataFrame({"Reason": why["why_not_measured"].fillna("measurable").to_numpy(),
                                    "Recommendations": why["recommendations"].astype(int).to_numpy()})
            st.dataframe(reasons, hide_index=True)
            st.markdown(
                "Slippage needs two dates: a dated original target in the council's action plan, and a dated "
                "completion or progress update. Most recommendations were recorded from the LGA's feedback report, "
                "which sets no targets; where we hold an action plan, its status is often undated (a council "
                "webpage or committee report that does not say when the status was true)."
            )

# ---------------------------------------------------------------- process timeliness
with tab_process:
    st.markdown(
        "The LGA expects the **feedback report within 3 months** of the on-site visit, the council's **action plan "
        "within 5 months**, a **progress review about 10 months** after the visit, and the progress review's report "
        "**within 12 months**. Days are counted from the first on-site day."
    )
    # the sidebar filters, plus the chosen council's challenges when the filters leave them all out
    timeliness_params = {**params, "council_id": council}
    overall = ui.query("slippage__timeliness_summary", **timeliness_params, by=None)
    if overall.empty or int(overall["challenges"].sum()) == 0:
        st.info("No challenges match these filters. Widen the sidebar filters.", icon="🔍")
    else:
        summary = ac.timeliness_summary_from_sql(overall)
        cols = st.columns(4)
        for col, (key, label, months) in zip(cols, ac.MILESTONES):
            row = summary[summary["milestone"] == key].iloc[0]
            n = int(row["challenges_with_date"])
            col.metric(f"Days to {SHORT[key]}", f"{int(round(row['median_days']))}" if n else "–",
                       help=f"{label}: median days from the on-site visit, over {n:,} challenges with both dates.")
            col.caption(f"{ac.pct(row['share_on_time'])} within {months} months ({int(row['on_time']):,} of {n:,})"
                        + (f"; {int(row['approximate']):,} approximate" if row["approximate"] else ""))
        milestone = st.radio("Milestone", [k for k, _, _ in ac.MILESTONES], format_func=ac.MILESTONE_LABELS.get,
                             horizontal=True, key="slip_milestone", index=2)
        col = f"days_to_{milestone}"
        shown = ui.query("slippage__timeliness_points", **timeliness_params, milestone=milestone,
                         limit=limit("timeliness_points"))
        shown = shown.rename(columns={"days": col, "on_time": f"{milestone}_on_time"})
        n_dated = int(summary.loc[summary["milestone"] == milestone, "challenges_with_date"].iloc[0])
        fig3 = ac.timeliness_dots(shown, milestone, ac.timeliness_headline(summary, milestone),
                                  highlight=council, highlight_name=names.get(council) if council else None)
        data3 = pd.DataFrame({
            "Council": shown["council_name"], "On site": shown["challenge_month"],
            "Days": shown[col], "Met the norm": shown[f"{milestone}_on_time"].map({True: "Yes", False: "No"}),
            "Approximate": shown["approximate"].map({True: "Yes (month-precision date)", False: "No"}),
        })
        note = ("Hollow marks rest on a date known only to the month (stored as the month's last day), so their days "
                "are approximate.")
        if len(shown) < n_dated:
            note = (f"The dots and the table are a fixed random sample of {len(shown):,} of the {n_dated:,} challenges "
                    "with this date" + (" (with every one of the starred council's)" if council else "")
                    + "; the headline and the figures above count all of them. " + note)
        if council:
            mine = shown[shown["council_id"] == council]
            note += (f" ★ {names[council]}: " + "; ".join(
                f"{m_} – {int(d_)} days" for m_, d_ in zip(mine["challenge_month"], mine[col]))
                if len(mine) else f" {names[council]} has no recorded date for this milestone.")
        ui.show_chart(fig3, ("Dot chart: one dot per challenge" + (" in the sample" if len(shown) < n_dated else "")
                             + ", on-site date across, days to the milestone up; a dashed line "
                             "marks the LGA norm; dots meeting it are circles, dots missing it triangles."), data3, note=note)

        compare = st.radio("Compare the share on time by", list(COMPARE_BY), format_func=COMPARE_BY.get,
                           horizontal=True, key="slip_compare")
        by_wide = ui.query("slippage__timeliness_summary", **timeliness_params, by=compare)
        by_summary = ac.timeliness_summary_from_sql(by_wide, compare)
        part = by_summary[(by_summary["milestone"] == milestone) & (by_summary["challenges_with_date"] > 0)]
        as_of = overall["data_as_of"].iloc[0]
        as_of = None if pd.isna(as_of) else pd.Timestamp(as_of)
        still_open = ac.still_open_groups(by_wide, milestone) if compare == "year" and as_of is not None else []
        solid = part[(part["challenges_with_date"] >= 3) & ~part["group"].isin(still_open)]
        label = ac.MILESTONE_LABELS[milestone]
        name = lambda g: ac.COUNCIL_TYPE_LABELS.get(g, str(g))  # noqa: E731
        if len(solid) >= 2:
            title4 = f"{label} within {ac.MILESTONE_NORMS[milestone]} months: " + ac.extremes_sentence(solid, name)
        else:
            title4 = f"{label}: share meeting the {ac.MILESTONE_NORMS[milestone]}-month norm by {COMPARE_BY[compare].lower()}"
        fig4 = ac.on_time_bars(by_summary, milestone, title4, COMPARE_BY[compare], provisional=still_open)
        ui.show_chart(
            fig4, "Bar chart of the share of challenges meeting the norm in each group; each bar prints the share and "
            "'on time of challenges with the date'.",
            part[["group", "challenges_with_date", "on_time", "share_on_time", "median_days", "approximate"]].rename(columns={
                "group": COMPARE_BY[compare], "challenges_with_date": "Challenges with the date", "on_time": "Met the norm",
                "share_on_time": "Share met the norm", "median_days": "Median days", "approximate": "Approximate figures"}),
            column_config={"Share met the norm": st.column_config.NumberColumn(format="percent")},
            note=("Highest and lowest are over groups with 3 or more challenges with the date"
                  + (f", leaving out {', '.join(map(str, still_open))}: the data runs to "
                     f"{as_of:%B %Y}, and some challenges of {'that year' if len(still_open) == 1 else 'those years'} "
                     "had not yet reached the end of the norm window, so only the quicker ones are counted so far"
                     if still_open else "") + ". A milestone that has not happened (or was not recorded) is not in the "
                  "denominator."),
        )

# ---------------------------------------------------------------- council ratings vs progress reviews
with tab_ratings:
    st.markdown(
        "Statuses and RAG ratings in action plans are **the council's own assessment**. A progress review is the "
        "only independent look: where one commented on a council's rating, both are shown here."
    )
    findings = ui.query("slippage__progress_review_findings", **scope_params, limit=limit("table"))
    if findings.empty:
        st.info("No progress-review findings on individual recommendations are recorded for this selection.", icon="🔍")
    else:
        n_findings = int(findings["findings_total"].iloc[0])
        n_disagree = int(findings["disagreements_total"].iloc[0])
        disagree = findings[findings["note_reports_disagreement"].fillna(False).astype(bool)].head(limit("cards"))
        st.markdown(f"## Peers disagreed with the council's own rating on {n_disagree:,} of the "
                    f"{n_findings:,} recommendations a progress review commented on")
        for _, r in disagree.iterrows():
            own = RAG_WORDS.get(r["rag"]) or (status_words(r["status"]) if not missing(r["status"]) else "not recorded")
            src = r["source_url"] if isinstance(r["source_url"], str) and r["source_url"].startswith("http") else None
            with st.container(border=True):
                st.markdown(
                    f"**{escape_markdown(r['council_name'])} ({r['challenge_month']}) · recommendation "
                    f"{escape_markdown(r['number'] if isinstance(r['number'], str) else '–')}**: "
                    f"{escape_markdown(r['title'])}\n\n"
                    f"- **Council's own rating (self-assessed):** {own}\n"
                    f"- **Progress review ({date_label(r['as_of'], r['as_of_precision'])}):** {escape_markdown(r['note'])}"
                    + (f"\n- Source: [{escape_markdown(r['source_title'])}]({src})" if src else "")
                )
        if n_disagree > len(disagree):
            st.caption(f"…and {n_disagree - len(disagree):,} more disagreements: see the table below, or narrow the "
                       "selection with the filters or a council.")
        table5 = pd.DataFrame({
            "Council": findings["council_name"],
            "Challenge": findings["challenge_month"],
            "No.": findings["number"].fillna("–"),
            "Recommendation": findings["title"],
            "Council's own rating": [RAG_WORDS.get(g) or (status_words(s) if not missing(s) else "–")
                                     for g, s in zip(findings["rag"], findings["status"])],
            "What the progress review recorded": findings["note"],
            "Peers disagreed": findings["note_reports_disagreement"].map({True: "⚠️ Yes (per the note)", False: "No"}),
            "As of": [date_label(v, p) for v, p in zip(findings["as_of"], findings["as_of_precision"])],
            "Source": findings["source_url"],
        })
        heading = (f"All {n_findings} progress-review comments on individual recommendations" if len(findings) >= n_findings
                   else f"{len(findings):,} of the {n_findings:,} progress-review comments on individual recommendations")
        with st.expander(heading):
            st.dataframe(table5, hide_index=True, column_config={
                "Source": st.column_config.LinkColumn("Source", display_text="Open source"),
                "What the progress review recorded": st.column_config.TextColumn(width="large"),
            })
            caption_if(ac.shown_of(len(findings), n_findings, "listed first (disagreements first, then by council)",
                                   "progress-review comments"))
        st.caption("'Peers disagreed' is read from the recorded note (it says the peers disagreed or found optimism "
                   "bias); the dataset has no separate field for the peers' own rating.")
