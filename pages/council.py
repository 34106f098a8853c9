"""Council page: one council's peer challenge at a link that can be shared (?council=brentwood,
&challenge=2019-03 for an earlier challenge). Prints cleanly on A4."""

from __future__ import annotations

import streamlit as st

from peer_challenges.analysis import narrative
from peer_challenges.analysis.narrative import escape_markdown, plural
from peer_challenges.app import ui
from peer_challenges.app.views import council as view
from peer_challenges.app.views import cycle as cycle_view

# Static print stylesheet (no data in it): hide the app chrome, keep charts and tables within A4 width,
# and print the contents of the recommendation expanders.
PRINT_CSS = """
<style>
@media print {
  @page { size: A4; margin: 12mm; }
  [data-testid="stSidebar"], [data-testid="stHeader"], header, [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stStatusWidget"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stElementToolbar"], .stAppDeployButton, [data-testid="stSelectbox"],
  [data-testid="stPageLink"], .modebar-container, .no-print { display: none !important; }
  [data-testid="stAppViewContainer"], [data-testid="stMain"], .main, .block-container,
  [data-testid="stMainBlockContainer"] {
    max-width: 186mm !important; width: 186mm !important; padding: 0 !important; margin: 0 !important;
    overflow: visible !important;
  }
  .js-plotly-plot, .plot-container, .svg-container, [data-testid="stPlotlyChart"],
  [data-testid="stDataFrame"], [data-testid="stTable"], table {
    max-width: 186mm !important; break-inside: avoid; page-break-inside: avoid;
  }
  details > summary { list-style: none; font-weight: 600; }
  details::details-content { content-visibility: visible !important; display: block !important; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  a[href^="http"]::after { content: ""; }
}
</style>
"""
st.markdown(PRINT_CSS, unsafe_allow_html=True)

# ---- which council and challenge -----------------------------------------------------------------
raw_council = st.query_params.get("council")
if raw_council is not None:
    raw_council = raw_council.strip()
known_raw = bool(raw_council) and raw_council in ui.council_names([raw_council])


def show_inherited(cid: str, heading=st.subheader) -> None:
    """The predecessors' challenges and their open recommendations, marked as inherited (none: nothing drawn)."""
    inherited, inherited_open = cycle_view.inherited(ui.query, cid)
    if len(inherited):
        heading("Inherited from predecessor councils")
        st.markdown("These challenges were of councils this one replaced: the predecessors' own, shown here "
                    "because their recommendations may now fall to this council. They are not counted as its own.")
        st.dataframe(inherited, hide_index=True, column_config={
            "Page": st.column_config.LinkColumn(display_text="Open challenge")})
        if len(inherited_open):
            st.markdown("**Open recommendations inherited** (latest status known and not complete)")
            st.dataframe(inherited_open, hide_index=True)


def show_register_lines(cid: str, entry) -> None:
    """The register's reorganisation notice and the five-year-cycle sentence under the council's title."""
    notice = cycle_view.reorganisation_notice(entry)
    if notice:
        st.info(notice, icon="🔀")
    sentence = cycle_view.cycle_sentence(ui.query, cid)
    if sentence:
        st.markdown(sentence)


# a council in the register with no source file (no challenge on record here) has a page too
entry = (cycle_view.register_entry(ui.query, raw_council)
         if raw_council and not known_raw and len(raw_council) <= 100 else None)
if entry is not None and entry.found:
    name = entry.selves["name"].iloc[0]
    st.set_page_config(page_title=f"{name} · Peer Challenge Explorer")
    st.title(name)
    jointly = cycle_view.recorded_under(entry, ui.council_names(cycle_view.recorded_as(entry)))
    st.markdown(cycle_view.register_only_line(entry, recorded_jointly=jointly is not None))
    show_register_lines(raw_council, entry)
    if jointly:
        st.info(jointly, icon="🤝")
    else:
        st.info("No corporate peer challenge of this council is on record here. " + cycle_view.ON_RECORD_CAVEAT
                + " The About page explains how to send us a report.", icon="📭")
    show_inherited(raw_council, st.header)  # under the page title (h1): an h2
    st.page_link("pages/cycle.py", label="Who is due a peer challenge", icon="🔁")
    st.stop()
if "council_pick" not in st.session_state or raw_council != st.session_state.get("council_url_seen"):
    st.session_state["council_url_seen"] = raw_council
    st.session_state["council_pick"] = raw_council if known_raw else None
    st.session_state.pop("challenge_pick", None)
    st.session_state.pop("challenge_url_seen", None)


def _council_picked() -> None:
    cid = st.session_state.get("council_pick")
    st.session_state["council_url_seen"] = cid
    if cid:
        st.query_params["council"] = cid
    elif "council" in st.query_params:
        del st.query_params["council"]
    if "challenge" in st.query_params:
        del st.query_params["challenge"]
    st.session_state.pop("challenge_pick", None)
    st.session_state.pop("challenge_url_seen", None)


council_id = st.session_state["council_pick"]
picked = ui.query("council__list", council_id=council_id) if council_id else None
st.set_page_config(page_title=f"{picked['name'].iloc[0]} · Peer Challenge Explorer" if council_id
                   else "Council · Peer Challenge Explorer")
bad_value = bool(raw_council) and not known_raw

if council_id is None:
    st.title("Council peer challenges")

if bad_value:
    found = view.suggestions(raw_council, ui.query("council__list"))  # every council (only for a bad link)
    st.warning("The council in this link was not recognised. " + found.hint, icon="🔎")
    with st.expander("What the link asked for"):
        st.code(raw_council[:200], language=None)
    for cid in found.council_ids:
        st.page_link("pages/council.py", label=found.names[cid], query_params={"council": cid}, icon="🏛️")

ids, names = ui.council_options("council_search", [council_id] if council_id else [])
st.selectbox(
    "Choose a council", ids, index=None, key="council_pick", format_func=names.get,
    placeholder="Type to search for a council by name", on_change=_council_picked,
    help="Start typing a council's name; the page's address changes so you can share it.",
)

if council_id is None:
    n_councils = ui.council_count()
    if not n_councils:
        st.info("The dataset holds no councils yet. The About page explains how to add one.", icon="📭")
    elif not bad_value:
        st.info(
            f"Choose a council above to see its peer challenge: every recommendation with its status, target and "
            f"slippage, a plain-English summary and how it compares with similar councils. "
            f"{plural(n_councils, 'council')} are covered; the Overview lists them all.",
            icon="🏛️",
        )
        st.page_link("pages/overview.py", label="Back to the overview", icon="🏠")
    st.stop()

council = picked.set_index("council_id").loc[council_id]
challenges = ui.query("council__challenges", council_id=council_id)
keys = list(challenges["challenge_key"])
raw_challenge = st.query_params.get("challenge")
if "challenge_pick" not in st.session_state or raw_challenge != st.session_state.get("challenge_url_seen"):
    st.session_state["challenge_url_seen"] = raw_challenge
    st.session_state["challenge_pick"] = raw_challenge if raw_challenge in keys else keys[0]
challenge_notice = view.challenge_notice(council["name"], raw_challenge, keys)


def _challenge_picked() -> None:
    key = st.session_state.get("challenge_pick")
    st.session_state["challenge_url_seen"] = key
    st.query_params["challenge"] = key


challenge = view.challenge_record(challenges, st.session_state["challenge_pick"])
challenge_id = challenge["challenge_id"]
challenge_labels = view.challenge_options(challenges)


# ---- header --------------------------------------------------------------------------------------
st.title(council["name"])
st.markdown(view.council_line(council, len(challenges)))
show_register_lines(council_id, cycle_view.register_entry(ui.query, council_id))
if challenge_notice:
    st.info(challenge_notice, icon="ℹ️")
if len(challenges) > 1:
    st.selectbox("Peer challenge", keys, key="challenge_pick", format_func=challenge_labels.get,
                 on_change=_challenge_picked, help="This council has had more than one corporate peer challenge.")

data = view.load(ui.query, challenge_id)
recs, snapshots = data.recommendations, data.snapshots

st.header(narrative.challenge_label(challenge).capitalize(), anchor="challenge")

# ---- metrics -------------------------------------------------------------------------------------
ui.metric_row(view.metrics(recs, challenge))
status_note = view.status_caption(recs)
if status_note:
    st.caption(status_note)

# ---- summary -------------------------------------------------------------------------------------
st.subheader("Summary")
st.markdown(escape_markdown(narrative.summary_paragraph(council["name"], challenge, recs, snapshots)))

# ---- timeline ------------------------------------------------------------------------------------
st.subheader("Timeline against the LGA's norms")
timeline = view.timeline(challenge)
if timeline.chart is None:
    st.info("The on-site date of this challenge is not known, so its timeline cannot be measured. The dates that "
            "are known are listed below.", icon="📅")
else:
    ui.show_chart(timeline.chart.fig, timeline.chart.alt)
st.dataframe(timeline.table, hide_index=True)
if timeline.approximate:
    st.caption("Some dates are known only to the month (or coarser) and are stored as the period's last day, so "
               "their day counts are approximate.")
if timeline.basis:
    st.caption(timeline.basis)

# ---- recommendations -----------------------------------------------------------------------------
st.subheader("Recommendations")
total = narrative.as_int(challenge.get("recommendations_total"))
if recs.empty:
    st.info(view.no_recommendations_notice(total, snapshots), icon="📄")
else:
    short = view.coverage_warning(len(recs), total)
    if short and short[0] == "warning":
        st.warning(short[1], icon="⚠️")
    elif short:
        st.caption(short[1])
    st.dataframe(
        view.recommendations_table(recs), hide_index=True,
        column_config={
            "No.": st.column_config.TextColumn(width="small", pinned=True),
            "Recommendation": st.column_config.TextColumn(width="large"),
            "Topics": st.column_config.ListColumn(),
            "Target date": st.column_config.TextColumn(help="The original target, at the precision it was given"),
            "Latest status": st.column_config.TextColumn(help="Latest reported status; icon and words"),
            "Revised target": st.column_config.TextColumn(help="A later target the council set; slippage is still "
                                                               "measured against the original"),
            "Slippage (days)": st.column_config.NumberColumn(help="Positive = after the original target"),
        },
    )
    st.caption("Each status says whose it is ('Assessed by'): the council's own rating or the peer team's finding. "
               "Select a recommendation below for its full text, update history and sources.")
    for detail in view.recommendation_details(recs, data.updates):
        with st.expander(detail.label):
            st.markdown(detail.text)
            if detail.paraphrased:
                st.caption("Full text not recorded; the line above paraphrases it.")
            st.markdown(detail.facts)
            if detail.history is None:
                st.caption("No progress update recorded.")
            else:
                st.markdown("**Update history** (oldest first)")
                st.table(detail.history)
            if detail.sources:
                st.markdown(detail.sources)

# ---- council-wide progress snapshots -------------------------------------------------------------
if len(snapshots):
    st.subheader("Council-wide progress figures")
    st.markdown(
        "Councils and progress reviews often give one overall figure instead of a status per recommendation. "
        "Each figure below counts **one unit** — recommendations or the actions in the council's plan — and the "
        "two are never added together or compared as if they were the same."
    )
    for unit, table in view.snapshot_tables(snapshots):
        st.markdown(f"**Counting {escape_markdown(unit)}**")
        st.table(table)
    st.caption("'Assessed by' says whose figure each is: the council's own or the peer team's finding.")

# ---- comparison ----------------------------------------------------------------------------------
st.subheader("Compared with similar councils")
comparison = view.comparison(ui.query, challenge_id, council)
st.caption(comparison.caption)
left, right = st.columns(2, gap="large")
with left:
    ui.show_chart(comparison.completion.fig, comparison.completion.alt)
with right:
    ui.show_chart(comparison.progress_review.fig, comparison.progress_review.alt)
st.dataframe(comparison.table, hide_index=True, column_config={
    "Share complete": st.column_config.TextColumn(
        help='Under 10 records "k of n"; from 10, the share with its 95% (Wilson) interval'),
    "Out of": st.column_config.NumberColumn(help="Recommendations with a reported status, less superseded ones"),
    "Statuses assessed by": st.column_config.TextColumn(
        help="Whose ratings the statuses behind the share are: the council's own, or the peer team's findings"),
})
st.caption("Each group pools every recorded challenge of its councils. Few challenges have statuses recorded, so "
           "the groups' shares rest on small numbers: read them with their denominators and intervals, and with "
           "whose ratings they are. Days in brackets: the range where a date is known only to its month.")

# ---- inherited from predecessors -----------------------------------------------------------------
show_inherited(council_id)

# ---- sources and notes ---------------------------------------------------------------------------
st.subheader("Sources")
if len(data.sources):
    st.dataframe(view.sources_table(data.sources), hide_index=True, column_config={
        "Title": st.column_config.TextColumn(width="large"),
        "Published": st.column_config.TextColumn(help="When the source was published, to the precision known "
                                                      "(blank: not known)"),
        "Link": st.column_config.LinkColumn(display_text=r"https?://(?:www\.)?([^/?#]+)",
                                            help="Opens the source in a new tab (blank: no public link)"),
    })
else:
    st.caption("No sources recorded.")
notes = view.notes_paragraphs(challenge)
if notes:
    with st.expander("Notes on what is missing and why (from the people who collected the data)"):
        for para in notes:
            st.markdown(para)
st.caption("Facts are paraphrased from the public pages cited above. Each status and RAG rating says whose assessment "
           "it is (the council's own or the peer team's), as its source gives it.")
