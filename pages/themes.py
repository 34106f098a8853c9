"""Themes: which issues peer teams raise, where and when; the recommendations behind any theme; similar
recommendations at other councils; recommendations repeated at a council's next challenge; and the
taxonomy that does the tagging. Layout and widgets only: the figures, tables and pickers are
peer_challenges.app.views.themes, the similarity index and its caches peer_challenges.app.cache.

Built for national scale (hundreds of thousands of recommendations): every count is an aggregate from a
themes__* query, only the first LIST_LIMIT recommendations of a theme are fetched, and the similarity
index (one vector per distinct wording) with every council's closest repeats is built once per data
folder (st.cache_resource); a warm run only looks things up."""

from __future__ import annotations

import streamlit as st

from peer_challenges.analysis import trend_charts as ac
from peer_challenges.app import cache, ui
from peer_challenges.app.views import themes as tv
from peer_challenges.domain.paths import data_dir

SHARE_COLUMNS = {"share": st.column_config.NumberColumn("Share of challenges", format="percent"),
                 "challenges": st.column_config.NumberColumn("Challenges raising it"),
                 "challenges_with_recommendations": st.column_config.NumberColumn(
                     "Challenges with recommendations recorded (denominator)"),
                 "recommendations": st.column_config.NumberColumn("Recommendations"),
                 "councils": st.column_config.NumberColumn("Councils")}

# ---------------------------------------------------------------- data

folder = str(data_dir())
ui.header(
    "Themes",
    "Which issues peer teams raise again and again, across councils, years, council types and regions; "
    "the recommendations behind each theme; similar recommendations at other councils; and recommendations "
    "that came back at a council's next challenge.",
)
filters = ui.shared_filters()
params = ui.filter_params(filters)
labels = cache.topic_labels(folder)
try:
    taxonomy = ui.taxonomy(folder)
except Exception as err:  # the page still works on the labels stored in the data
    taxonomy = None
    st.warning(f"The taxonomy file could not be read, so topic names are shown as stored: {err}", icon="⚠️")
sel = tv.selection(ui.query, params, taxonomy)
st.caption(f"Showing: {ui.describe_filters(filters)}.")

if sel.n_challenges == 0:
    st.info("No peer challenges match these filters. Widen the council type, region or year range in the sidebar.",
            icon="🔍")
    st.stop()

ui.metric_row(tv.metrics(sel))
ui.explore_link(sel.n_recs)

if sel.n_recs == 0:
    st.info(tv.no_recommendations_notice(sel), icon="🔍")
    st.stop()

st.caption(tv.shares_caption(sel))
theme_options = tv.theme_options(sel, labels)


def fmt(opt: str) -> str:
    return ac.theme_choice_label(opt, labels)


sim = cache.similarity(folder)
index = sim.index
# the recommendation compared first: the one in the link (?rec=), else the first of the council in the link
# (?council=), else Breckland's finance recommendation, else the first listed
default_rec = tv.default_rec(sim, st.query_params.get("council"))
ui.url_choice("th_theme", "theme", theme_options, "all", "theme")
if len(index):
    ui.url_choice("th_rec", "rec", index, default_rec, "recommendation")
opening = tv.opening_tab(st.query_params.get("rec"), st.query_params.get("theme"), index, theme_options)
tab_share, tab_council, tab_list, tab_similar, tab_tagging = st.tabs(tv.TABS, default=opening)

# ---------------------------------------------------------------- 1. shares by year / type / region
with tab_share:
    left, right = st.columns(2)
    level = left.radio("Theme level", list(tv.LEVELS), format_func=tv.LEVELS.get, horizontal=True, key="th_level")
    by_key = right.selectbox("Break down by", list(tv.BREAKDOWNS), format_func=tv.BREAKDOWN_LABELS.get, key="th_by")
    chart = tv.share_chart(sel, level, by_key, labels)
    ui.show_chart(chart.fig, chart.alt, chart.data, column_config=SHARE_COLUMNS, note=chart.note,
                  margin_top=30 if by_key == "none" else 100)  # a heat map's column labels sit above it

# ---------------------------------------------------------------- 2. council x theme heat map
with tab_council:
    left, right = st.columns(2)
    level2 = left.radio("Theme level", list(tv.LEVELS), format_func=tv.LEVELS.get, horizontal=True,
                        key="th_level_council")
    bounds = tv.top_n_bounds(sel.n_councils)
    top_n = right.slider("Councils shown (most recommendations recorded first)", *bounds,
                         key="th_top_n") if bounds else sel.n_councils
    chart = tv.council_grid_chart(ui.query, sel, level2, top_n, labels)
    ui.show_chart(chart.fig, chart.alt, chart.data, note=chart.note, margin_top=90)  # labels above the grid

# ---------------------------------------------------------------- 3. recommendations on a theme
with tab_list:
    chosen = st.selectbox("Theme", theme_options, format_func=fmt, key="th_theme",
                          help="A core element or a topic. The link in your browser's address bar keeps the choice.")
    ui.write_url("th_theme", "theme", chosen, "all")
    listed = tv.theme_list(ui.query, sel, chosen, taxonomy, labels, ui.council_link)
    if listed.description:
        st.caption(listed.description)
    st.markdown(listed.summary)
    if listed.showing:
        st.caption(listed.showing)
    st.dataframe(
        listed.table, hide_index=True, key="th_rec_table",
        column_config={
            "Council page": st.column_config.LinkColumn("Council page", display_text="Open council page",
                                                        help="The council's page, on this challenge"),
            "Recommendation": st.column_config.TextColumn(width="large"),
        },
    )
    st.caption("Each status says in brackets whose it is: the council's own rating or the peer team's finding. "
               "Many titles are our plain-English summaries; the council page links to the source documents.")

# ---------------------------------------------------------------- 4. similar and repeated
with tab_similar:
    st.header("Similar recommendations at other councils")
    if len(index) == 0:
        st.info("No recommendation has wording to compare yet.", icon="🔍")
    else:
        if st.session_state.get("th_rec") not in index:
            st.session_state["th_rec"] = default_rec
        if sim.pickers["large"]:
            # national scale: too many recommendations for one list, so pick the council first
            st.caption(f"{len(index):,} recommendations can be compared: choose a council, then one of its "
                       "recommendations.")
            council_rows = sim.pickers["council_rows"]
            rec_council = tv.council_of(sim, st.session_state["th_rec"])
            if (st.session_state.get("th_rec_council") not in council_rows
                    or (st.session_state["th_rec"] != st.session_state.get("_th_rec_seen")
                        and rec_council != st.session_state.get("th_rec_council"))):
                st.session_state["th_rec_council"] = rec_council  # the recommendation changed (e.g. a link)
            options, found_names = ui.council_options("th_rec_council_q", [st.session_state["th_rec_council"]])
            options = [c for c in options if c in council_rows]  # councils with a recommendation to compare
            names = {**sim.pickers["council_names"], **found_names}
            council = st.selectbox("Council", options, format_func=names.get, key="th_rec_council",
                                   help="Type a few letters of the council's name to search.")
            rec_ids, rec_labels = cache.council_picker(folder, council)
            if st.session_state["th_rec"] not in rec_ids:
                st.session_state["th_rec"] = rec_ids[0]
            seed = st.selectbox("Recommendation", rec_ids, format_func=rec_labels.get, key="th_rec",
                                help="Type a few words to search this council's recommendations. Similar ones are "
                                     "searched for among all recommendations in the dataset, whatever the sidebar "
                                     "filters.")
            st.session_state["_th_rec_seen"] = seed
        else:
            seed = st.selectbox("Recommendation", sim.pickers["ids"], format_func=sim.pickers["labels"].get,
                                key="th_rec", help="Type a council or a few words to search. Searches all "
                                                   "recommendations in the dataset, whatever the sidebar filters.")
        ui.write_url("th_rec", "rec", seed, default_rec)
        heading, full_text = tv.seed_heading(cache.seed_row(folder, seed))
        st.markdown(heading)
        if full_text:
            st.caption(full_text)
        hits = cache.similar_hits(folder, seed)
        if hits.empty:
            st.info("No recommendation at another council shares wording or topics with this one.", icon="🔍")
        else:
            st.markdown(tv.closest_heading(hits))
            st.dataframe(
                tv.similar_table(hits, ui.council_link), hide_index=True, key="th_similar_table",
                column_config={
                    "Similarity": st.column_config.ProgressColumn(
                        "Similarity", min_value=0.0, max_value=1.0, format="%.2f",
                        help="Cosine similarity, 0 (nothing in common) to 1 (identical); see 'How similarity is scored'."),
                    "Council page": st.column_config.LinkColumn("Council page", display_text="Open council page"),
                    "Recommendation": st.column_config.TextColumn(width="large"),
                    "Council": st.column_config.TextColumn(width="medium"),
                },
            )
        with st.expander("How similarity is scored"):
            st.markdown(tv.scoring_note(sim))

    st.header("Repeated recommendations")
    n_repeat_councils = tv.repeat_council_count(sim)
    if n_repeat_councils == 0:
        st.info("No council has two or more challenges with recommendations recorded, so repeats cannot be checked.",
                icon="🔍")
    else:
        st.markdown(
            "Where a council has had more than one challenge with recommendations recorded, each recommendation "
            "of the later challenge is compared with every recommendation of the earlier one(s). A close match "
            "is the strongest sign in this data that something was not fixed."
        )
        threshold = st.slider(
            "Flag a pair when similarity is at least", 0.10, 0.80, float(sim.threshold), 0.01,
            key="th_repeat_threshold", help=f"Default {sim.threshold:.2f}: see 'Why this threshold' below.",
        )
        repeats = cache.repeats(folder, round(float(threshold), 2))
        pairs, n_flag = repeats["pairs"], repeats["n_flag"]
        st.markdown(tv.repeats_heading(repeats, n_repeat_councils))
        if n_flag:
            cards_note = tv.repeat_cards_caption(repeats)
            if cards_note:
                st.caption(cards_note)
            for card in tv.repeat_cards(repeats, ui.council_link):
                with st.container(border=True):
                    st.markdown(card)
            with st.expander("Show the data"):
                if n_flag > len(pairs):
                    st.caption(f"Showing the {len(pairs):,} closest of {n_flag:,} pairs.")
                st.dataframe(tv.repeat_pairs_table(repeats), hide_index=True, key="th_repeat_table")
        else:
            st.info("No pair reaches this threshold. Lower it to see weaker matches.", icon="🔍")
        with st.expander("Councils with two or more challenges with recommendations recorded"):
            if n_repeat_councils > len(repeats["summary"]):
                st.caption(f"Showing the first {len(repeats['summary']):,} of {n_repeat_councils:,} councils "
                           "(by council id).")
            st.dataframe(repeats["summary"], hide_index=True)
        with st.expander("Why this threshold"):
            st.markdown(tv.threshold_note(sim))

# ---------------------------------------------------------------- 5. taxonomy and label sources
with tab_tagging:
    st.markdown(
        "Every recommendation has one **core element** (the five CPC elements, or a focus the council asked for) "
        "and any number of **topics** from the taxonomy below. Labels written into the source files by the "
        "people who recorded each challenge are **curated**; where a source file gave none, the keyword tagger "
        "**proposed** one from the taxonomy's keywords. A curated label always wins."
    )
    heading, src_counts = tv.label_sources(ui.query, sel)
    st.markdown(heading)
    st.dataframe(src_counts, hide_index=True)
    if taxonomy is not None:
        tax_table = tv.taxonomy_table(sel, taxonomy)
        st.markdown(f"## The taxonomy: {len(tax_table)} topics")
        st.dataframe(tax_table, hide_index=True)
        st.markdown("Open a core element to see each topic's description and the keywords the tagger looks for:")
        for label, paragraphs in tv.taxonomy_sections(taxonomy):
            with st.expander(label):
                for para in paragraphs:
                    st.markdown(para)
        st.caption("Keywords match whole words; a trailing * matches any ending (financ* = finance, financial…); "
                   "the longest matching phrase wins. The taxonomy is data/taxonomy.yaml, editable without code.")
