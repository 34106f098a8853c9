"""Slippage and timeliness: how far delivery slipped past the targets councils set themselves, and
how the peer challenge process kept (or missed) the LGA's own timetable. ?council=<id> focuses the
delivery tab on one council and stars its challenges on the timeliness charts. Layout and widgets only:
the figures, tables, pickers' options and text are peer_challenges.app.views.slippage.

Scale: every figure is counted in SQL (slippage__summary, slippage__timeliness_summary); lists, tables
and charts get at most a bounded number of rows from SQL (ac.SLIPPAGE_LIMITS), with a caption saying what
is left out, so the page costs about the same for one council or every council in England."""

from __future__ import annotations

import streamlit as st

from peer_challenges.analysis import trend_charts as ac
from peer_challenges.app import ui
from peer_challenges.app.views import slippage as sv
from peer_challenges.domain.paths import data_dir


def caption_if(text: str | None) -> None:
    if text:
        st.caption(text)


# ---------------------------------------------------------------- page set-up
folder = str(data_dir())
ui.header(
    "Slippage and timeliness",
    "How far delivery of peer challenge recommendations slipped past the timescales councils set themselves, "
    "and how the peer challenge process itself kept to the LGA's timetable.",
)
filters = ui.shared_filters()
params = ui.filter_params(filters)
taxonomy, labels = sv.taxonomy_and_labels(lambda: ui.taxonomy(folder))

st.markdown(
    "**Slippage** is the number of days from a recommendation's *original* target date to the date it was "
    "first reported complete or, if it is still open, to the date of its latest progress update. Revised "
    "targets are shown beside the original, never instead of it. Each status says whose it is: the "
    "council's own rating or the peer team's finding at a progress review."
)

left, right = st.columns(2)
# the picker offers every council (or, for a very long list, a search; the council chosen or linked stays in it)
keep = [st.session_state.get("slip_council") or "", st.query_params.get("council") or ""]
ids, names = ui.council_options("slip_council_q", keep, where=left)
council_ids = sv.council_choices(ids)
ui.url_choice("slip_council", "council", council_ids, "", "council")
council = left.selectbox(
    "Council", council_ids, key="slip_council", format_func=lambda c: sv.council_choice_label(c, names),
    help="Focus the delivery tab on one council; its challenges are starred on the timeliness charts. "
         "The link in your browser's address bar keeps the choice.",
)
ui.write_url("slip_council", "council", council, "")
council = council or None
scope = sv.scope(council, names[council] if council else None, params, ui.describe_filters(filters))

# the themes present in the selection: core elements, and topic tags mapped onto the taxonomy's topics
themes = sv.theme_choices(ui.query, scope.params, taxonomy, labels)
ui.url_choice("slip_theme", "theme", themes.options, "all", "theme")
theme = right.selectbox("Theme", themes.options, format_func=lambda opt: sv.theme_label(opt, labels), key="slip_theme",
                        help="A core element or a topic (see the Themes page for how they are tagged).")
ui.write_url("slip_theme", "theme", theme, "all")
rec_params = sv.rec_params(scope.params, theme, themes.tag_topic)
st.caption(sv.showing_caption(scope.description, theme, labels))

tab_delivery, tab_process, tab_ratings = st.tabs(sv.TABS)

# ---------------------------------------------------------------- delivery slippage
with tab_delivery:
    delivery = sv.delivery(ui.query, rec_params)
    ui.metric_row(sv.delivery_metrics(delivery))  # "450,404 of 731,629" at national scale shows whole
    st.markdown(sv.measurability_sentence(delivery))

    if delivery.n_recommendations == 0:
        st.info("No recommendations are recorded for this selection. Choose another council or theme, or widen the "
                "sidebar filters.", icon="🔍")
    else:
        if delivery.n_overdue:
            lines, more = sv.overdue_groups(ui.query, rec_params)
            st.markdown(lines)
            caption_if(more)

        if delivery.n_measured:
            group_by = st.radio("Group the slippage by", list(sv.GROUP_BY), format_func=sv.GROUP_BY.get,
                                horizontal=True, key="slip_group_by")
            strip = sv.strip_chart(ui.query, rec_params, delivery, group_by)
            ui.show_chart(strip.fig, strip.alt, note=strip.note)

        if delivery.n_targeted:
            targets = sv.targets(ui.query, rec_params, delivery)
            ui.show_chart(targets.chart.fig, targets.chart.alt, note=targets.chart.note)
            st.dataframe(targets.table, hide_index=True, key="slip_targets_table", column_config={
                "Recommendation": st.column_config.TextColumn(width="large"),
                "Slippage (days)": st.column_config.NumberColumn(format="%d"),
            })
            caption_if(targets.caption)
            st.caption("A date given as a month, quarter or financial year is stored as the period's last day, "
                       "shown in brackets. Revised targets never replace the original in the slippage figure.")

        st.markdown(sv.overdue_heading(delivery))
        if delivery.n_overdue:
            overdue, shown_caption = sv.overdue_table(ui.query, rec_params, delivery, ui.council_link)
            st.dataframe(overdue, hide_index=True, key="slip_overdue_table", column_config={
                "Council page": st.column_config.LinkColumn("Council page", display_text="Open council page"),
                "Days past original target": st.column_config.NumberColumn(format="%d days"),
            })
            caption_if(shown_caption)
        else:
            st.caption("No recommendation here is both still open and past its original target at a dated update.")

        with st.expander("Why most recommendations cannot be measured"):
            st.dataframe(sv.unmeasured_reasons(delivery), hide_index=True)
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
        "**within 12 months**. Days are counted from the first on-site day. A joint challenge counts once; a date "
        "known only to its month, quarter or year makes the days a range, and a verdict that could go either way "
        "is counted as undecidable. The report norm is judged on final-report publication dates only."
    )
    exclude_pandemic = st.toggle(
        "Leave out processes the pandemic delayed", key="slip_no_pandemic",
        help="Challenges whose report, plan or progress review the COVID-19 pandemic held up (as the sources say).")
    # the sidebar filters, plus the chosen council's challenges when the filters leave them all out
    timeliness = sv.timeliness(ui.query, params, council, exclude_pandemic=exclude_pandemic)
    if timeliness is None:
        st.info("No challenges match these filters. Widen the sidebar filters.", icon="🔍")
    else:
        ui.metric_row(sv.timeliness_metrics(timeliness))
        milestone = st.radio("Milestone", [k for k, _, _ in ac.MILESTONES], format_func=ac.MILESTONE_LABELS.get,
                             horizontal=True, key="slip_milestone", index=2)
        dots = sv.timeliness_chart(ui.query, timeliness, milestone, council, names.get(council))
        ui.show_chart(dots.fig, dots.alt, dots.data, note=dots.note)

        compare = st.radio("Compare the share on time by", list(sv.COMPARE_BY), format_func=sv.COMPARE_BY.get,
                           horizontal=True, key="slip_compare")
        bars = sv.on_time_chart(ui.query, timeliness, milestone, compare)
        ui.show_chart(bars.fig, bars.alt, bars.data, note=bars.note)

# ---------------------------------------------------------------- council ratings vs progress reviews
with tab_ratings:
    st.markdown(
        "Statuses and RAG ratings in action plans are **the council's own ratings**, also where an LGA progress "
        "review quotes them. The peer team's own findings, and every rating the peers disputed, are shown here "
        "with whose rating each is."
    )
    findings = sv.findings(ui.query, scope.params)
    if findings is None:
        st.info("No progress-review findings on individual recommendations are recorded for this selection.", icon="🔍")
    else:
        st.markdown(sv.findings_heading(findings))
        for card in sv.disagreement_cards(findings):
            with st.container(border=True):
                st.markdown(card)
        caption_if(sv.more_disagreements_caption(findings))
        with st.expander(sv.findings_table_heading(findings)):
            st.dataframe(sv.findings_table(findings), hide_index=True, column_config={
                "Source": st.column_config.LinkColumn("Source", display_text="Open source"),
                "What the source recorded": st.column_config.TextColumn(width="large"),
                "Peer team's view (where disputed)": st.column_config.TextColumn(width="large"),
            })
            caption_if(sv.findings_shown_caption(findings))
        st.caption("'Whose rating' and 'Peer team's view' come from the facts' explicit fields (assessed_by, "
                   "peer_view): a rating an LGA progress review quotes is still the council's own.")
