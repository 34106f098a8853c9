"""Council page: one council's peer challenge at a link that can be shared (?council=brentwood,
&challenge=2019-03 for an earlier challenge). Prints cleanly on A4."""

from __future__ import annotations

import difflib
import re

import pandas as pd
import streamlit as st

from peer_challenges.analysis import charts, narrative
from peer_challenges.app import ui
from peer_challenges.domain.status import status_words
from peer_challenges.analysis.narrative import (
    ASSESSED_LABELS, RAG_LABELS, RECORD_FLAG_LABELS, date_label, escape_markdown, plural,
)

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

MONTH_KEY = re.compile(r"^(\d{4}-\d{2}|unknown)$")
URL_SAFE = re.compile(r"[()\s<>]")


def md_link(title, url) -> str:
    """A Markdown link with escaped text; the URL (validated as http(s) at build time) has brackets encoded."""
    text = escape_markdown(title) or "source"
    if narrative.missing(url) or not str(url).startswith(("http://", "https://")):
        return f"{text} (no public link)"
    safe = URL_SAFE.sub(lambda m: "%{:02X}".format(ord(m.group(0))), str(url))
    return f"[{text}]({safe})"


def show_chart(fig, alt: str):
    title = charts.headline(fig)
    st.markdown(f"**{escape_markdown(title)}**")
    fig.update_layout(title_text="", margin_t=30)
    st.plotly_chart(fig, alt=f"{title}. {alt}", config={"displaylogo": False})


# ---- which council and challenge -----------------------------------------------------------------
raw_council = st.query_params.get("council")
if raw_council is not None:
    raw_council = raw_council.strip()
known_raw = bool(raw_council) and raw_council in ui.council_names([raw_council])
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
    everyone = ui.query("council__list")  # every council, to suggest the nearest (only for a bad link)
    names = dict(zip(everyone["council_id"].tolist(), everyone["name"].tolist()))
    ids = everyone["council_id"].tolist()
    lowered = {n.lower(): cid for cid, n in names.items()}
    guess = raw_council.lower()
    matches = difflib.get_close_matches(guess, ids, n=5, cutoff=0.6)
    matches += [lowered[m] for m in difflib.get_close_matches(guess, list(lowered), n=5, cutoff=0.6)]
    suggestions = list(dict.fromkeys(matches))[:5]
    close = bool(suggestions)
    if not close:  # nothing is close: still offer the nearest names by spelling
        nearest = difflib.get_close_matches(guess, list(lowered), n=3, cutoff=0.0)
        suggestions = [lowered[m] for m in nearest]
    if close:
        hint = "Did you mean one of the councils below?"
    elif suggestions:
        hint = "No council's name is close to it; the nearest by spelling are below, or type a council's name in the box."
    else:
        hint = "The dataset holds no councils yet."
    st.warning("The council in this link was not recognised. " + hint, icon="🔎")
    with st.expander("What the link asked for"):
        st.code(raw_council[:200], language=None)
    for cid in suggestions:
        st.page_link("pages/council.py", label=names[cid], query_params={"council": cid}, icon="🏛️")

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
challenge_notice = None
if raw_challenge and raw_challenge not in keys:
    shown = f" ({raw_challenge})" if MONTH_KEY.match(raw_challenge) else ""
    challenge_notice = (f"{escape_markdown(council['name'])} has no recorded challenge with the on-site month in this "
                        f"link{shown}; showing its most recent challenge instead.")


def _challenge_picked() -> None:
    key = st.session_state.get("challenge_pick")
    st.session_state["challenge_url_seen"] = key
    st.query_params["challenge"] = key


challenge = challenges.set_index("challenge_key").loc[st.session_state["challenge_pick"]].to_dict()
challenge["challenge_key"] = st.session_state["challenge_pick"]
challenge_id = challenge["challenge_id"]


def _challenge_option(key: str) -> str:
    row = challenges.set_index("challenge_key").loc[key]
    label = narrative.challenge_label(row.to_dict()).capitalize()
    return label + (" (most recent)" if key == keys[0] else "")


# ---- header --------------------------------------------------------------------------------------
st.title(council["name"])
st.markdown(
    f"{escape_markdown(ui.COUNCIL_TYPE_LABELS.get(council['council_type'], council['council_type']))} council, "
    f"{escape_markdown(council['region'])}"
    + (f" · ONS code {escape_markdown(council['ons_code'])}" if not narrative.missing(council["ons_code"]) else "")
    + f" · {plural(len(challenges), 'corporate peer challenge')} recorded"
)
if challenge_notice:
    st.info(challenge_notice, icon="ℹ️")
if len(challenges) > 1:
    st.selectbox("Peer challenge", keys, key="challenge_pick", format_func=_challenge_option,
                 on_change=_challenge_picked, help="This council has had more than one corporate peer challenge.")

recs = ui.query("council__recommendations", challenge_id=challenge_id)
updates = ui.query("council__updates", challenge_id=challenge_id)
snapshots = ui.query("council__snapshots", challenge_id=challenge_id)
sources = ui.query("council__sources", challenge_id=challenge_id)

st.header(narrative.challenge_label(challenge).capitalize(), anchor="challenge")

# ---- metrics -------------------------------------------------------------------------------------
n = len(recs)
statuses = recs["latest_status"]
has_status = bool(statuses.notna().any())
complete = int((statuses == "complete").sum())
in_progress = int((statuses == "in_progress").sum())
overdue = int((recs["slippage_bucket"] == "open_overdue").sum())
slip = recs["slippage_days"].dropna()
total = narrative.as_int(challenge.get("recommendations_total"))

cols = st.columns([1, 1, 1, 1, 1.3])
cols[0].metric("Recommendations", n, help="Recommendations recorded here for this challenge.")
cols[0].caption(narrative.coverage_note(n, total))
not_reported = "not reported"
cols[1].metric("Complete", complete if has_status else not_reported,
               help="Latest status 'complete'. Self-reported unless a progress review assessed it.")
cols[2].metric("In progress", in_progress if has_status else not_reported, help="Latest status 'in progress'.")
open_recs = recs[recs["is_open"].fillna(False).astype(bool)]
overdue_known = bool(open_recs["slippage_bucket"].isin(["open_overdue", "open_not_due"]).any()) or open_recs.empty
cols[3].metric("Overdue", (overdue if overdue_known else "not known") if has_status else not_reported,
               help="Still open after the ORIGINAL target date, at the latest dated update. 'Not known' when the "
                    "open recommendations have no target date or no dated update.")
cols[4].metric("Median slippage (days)", f"{slip.median():.0f}" if len(slip) else "not known",
               help="Days from the original target to completion (or, if open, to the latest update); "
                    "negative = early.")
cols[4].caption(f"over {plural(len(slip), 'recommendation')} with a known slippage" if len(slip)
                else "needs a target date and a dated update")
if has_status:
    others = recs.loc[statuses.notna() & ~statuses.isin(["complete", "in_progress"]), "latest_status"].value_counts()
    extra = [f"{k} {narrative.STATUS_PHRASES[s]}" for s, k in others.items()]
    unreported = int(statuses.isna().sum())
    if unreported:
        extra.append(f"{unreported} with no reported status")
    assessed = recs.loc[statuses.notna(), "latest_assessed_by"].fillna("council")
    who = ("Statuses are self-reported by the council." if (assessed == "council").all() else
           "Statuses were assessed by the peer team's progress review." if (assessed == "peer_review").all() else
           f"{int((assessed == 'peer_review').sum())} statuses were assessed by the peer team; the rest are self-reported.")
    st.caption(who + (" Also: " + ", ".join(extra) + "." if extra else ""))
elif n:
    st.caption("No status has been reported for these recommendations, so completion cannot be shown.")

# ---- summary -------------------------------------------------------------------------------------
st.subheader("Summary")
st.markdown(escape_markdown(narrative.summary_paragraph(council["name"], challenge, recs, snapshots)))

# ---- timeline ------------------------------------------------------------------------------------
st.subheader("Timeline against the LGA's norms")
steps = narrative.milestones(challenge)
if steps["days_from_onsite"].isna().all():
    st.info("The on-site date of this challenge is not known, so its timeline cannot be measured. The dates that "
            "are known are listed below.", icon="📅")
else:
    show_chart(charts.council_timeline(steps),
               "Dot chart: for each milestone, the actual number of days after the on-site visit (filled circle) "
               "and the LGA norm (open diamond).")
timeline_table = pd.DataFrame({
    "Milestone": steps["milestone"],
    "Date": steps["date_label"],
    "Days from on site": [str(d) if not narrative.missing(d) else "not known" for d in steps["days_from_onsite"]],
    "LGA norm": steps["norm"],
    "Met the norm": steps["met_norm"],
})
st.dataframe(timeline_table, hide_index=True)
if steps["approximate"].any():
    st.caption("Some dates are known only to the month (or coarser) and are stored as the period's last day, so "
               "their day counts are approximate.")
if not narrative.missing(challenge.get("report_published_basis")):
    st.caption("Report date: " + escape_markdown(challenge["report_published_basis"]) + ".")

# ---- recommendations -----------------------------------------------------------------------------
st.subheader("Recommendations")
if n == 0:
    st.info(
        ("None of the report's recommendations is recorded here yet" if total else
         "No recommendations are recorded for this challenge")
        + (" — see the council-wide progress figures below." if len(snapshots) else
           ". The sources below are where they would come from."),
        icon="📄",
    )
else:
    if total is not None and n < total:
        st.warning(f"Only {n} of the report's {total} recommendations are recorded here; the rest were not in the "
                   "pages read. Figures on this page cover the recorded ones only.", icon="⚠️")
    elif total is None:
        st.caption("How many recommendations the report made is not known; the list may be incomplete.")

    def who(row) -> str:
        parts = [p for p in (row["accountable"], row["responsible"]) if not narrative.missing(p)]
        if len(parts) == 2 and parts[0] != parts[1]:
            return f"{parts[0]} (accountable); {parts[1]} (responsible)"
        return parts[0] if parts else ""

    table = pd.DataFrame({
        "No.": recs["number"].fillna("–"),
        "Recommendation": recs["title"],
        "Latest status": [status_words(s) for s in recs["latest_status"]],
        "Slippage": [narrative.slippage_text(b, d) for b, d in zip(recs["slippage_bucket"], recs["slippage_days"])],
        "Target (as written)": recs["target_raw"].fillna(""),
        "Target date": [date_label(d, p) if not narrative.missing(d) else "none"
                        for d, p in zip(recs["target_date"], recs["target_precision"])],
        "Revised target": [date_label(d, p) if not narrative.missing(d) else ""
                           for d, p in zip(recs["revised_target"], recs["revised_target_precision"])],
        "Status as of": [date_label(d, p) if not narrative.missing(s) else ""
                         for d, p, s in zip(recs["latest_as_of"], recs["latest_as_of_precision"], recs["latest_status"])],
        "Assessed by": [ASSESSED_LABELS.get(a, "") if not narrative.missing(s) else ""
                        for a, s in zip(recs["latest_assessed_by"].fillna("council"), recs["latest_status"])],
        "Slippage (days)": recs["slippage_days"],
        "Core theme": recs["core_theme"].fillna("not assigned"),
        "Topics": [[] if t is None or isinstance(t, float) else [narrative.topic_label(x) for x in t]
                   for t in recs["topics"]],
        "Accountable / responsible": [who(r) for _, r in recs.iterrows()],
        "Record": [RECORD_FLAG_LABELS.get(None if narrative.missing(f) else f, f) for f in recs["record_flag"]],
    })
    st.dataframe(
        table, hide_index=True,
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
    st.caption("Statuses are the council's own (self-reported) unless 'Assessed by' says the peer review team. "
               "Select a recommendation below for its full text, update history and sources.")

    # every update's table row, built once for the challenge in plain Python (small frames of
    # Arrow-backed strings are slow to slice), then grouped per recommendation, oldest first
    by_rec: dict[str, list[dict]] = {}
    for u in updates.to_dict("records"):
        by_rec.setdefault(u["recommendation_id"], []).append({
            "As of": date_label(u["as_of"], u["as_of_precision"]),
            "Status": status_words(u["status"]) if not narrative.missing(u["status"]) else "—",
            "As written": u["status_raw"] if isinstance(u["status_raw"], str) else "",
            "RAG": RAG_LABELS.get(u["rag"], "—") if not narrative.missing(u["rag"]) else "—",
            "Revised target": date_label(u["revised_target"], u["revised_target_precision"])
            if not narrative.missing(u["revised_target"]) else "—",
            "Assessed by": ASSESSED_LABELS.get(u["assessed_by"], "") if isinstance(u["assessed_by"], str) else "",
            "Note": u["note"] if isinstance(u["note"], str) else "",
            "source_title": u["source_title"], "source_url": u["source_url"],
        })
    for _, row in recs.iterrows():
        number = "" if narrative.missing(row["number"]) else f"{row['number']}. "
        label = f"{number}{row['title']}"
        label = label if len(label) <= 110 else label[:107].rstrip() + "…"
        with st.expander(f"{status_words(row['latest_status'])} · {escape_markdown(label)}"):
            if not narrative.missing(row["text"]):
                st.markdown(escape_markdown(row["text"]))
            else:
                st.markdown(escape_markdown(row["title"]))
                st.caption("Full text not recorded; the line above paraphrases it.")
            facts = [
                f"**Core theme:** {escape_markdown(row['core_theme'] if not narrative.missing(row['core_theme']) else 'not assigned')}",
                f"**Original target:** {escape_markdown(row['target_raw']) if not narrative.missing(row['target_raw']) else 'none given'}"
                + (f" (read as {date_label(row['target_date'], row['target_precision'])})"
                   if not narrative.missing(row["target_date"])
                   and date_label(row["target_date"], row["target_precision"]).lower() != str(row["target_raw"]).lower()
                   else ""),
            ]
            if not narrative.missing(row["revised_target"]):
                facts.append(f"**Revised target:** {date_label(row['revised_target'], row['revised_target_precision'])}"
                             " (shown beside the original; slippage uses the original)")
            facts.append(f"**Slippage:** {escape_markdown(narrative.slippage_text(row['slippage_bucket'], row['slippage_days']))}")
            if not narrative.missing(row["record_flag"]):
                facts.append(f"**Record:** {escape_markdown(RECORD_FLAG_LABELS.get(row['record_flag'], row['record_flag']))}")
            st.markdown("  \n".join(facts))
            history = by_rec.get(row["recommendation_id"], [])
            if not history:
                st.caption("No progress update recorded.")
            else:
                st.markdown("**Update history** (oldest first)")
                target = (date_label(row["target_date"], row["target_precision"])
                          if not narrative.missing(row["target_date"]) else "none")
                st.table(pd.DataFrame(
                    [{**h, "Original target": target} for h in history], dtype=object,
                    columns=["As of", "Status", "As written", "RAG", "Original target", "Revised target",
                             "Assessed by", "Note"],
                ).set_index("As of"))
            links = {}
            pairs = [(row["source_title"], row["source_url"])] + [(h["source_title"], h["source_url"]) for h in history]
            for t, u in pairs:
                if not narrative.missing(t):
                    links[(t, None if narrative.missing(u) else u)] = None
            if links:
                st.markdown("**Sources:** " + "; ".join(md_link(t, u) for t, u in links))

# ---- council-wide progress snapshots -------------------------------------------------------------
if len(snapshots):
    st.subheader("Council-wide progress figures")
    st.markdown(
        "Councils and progress reviews often give one overall figure instead of a status per recommendation. "
        "Each figure below counts **one unit** — recommendations or the actions in the council's plan — and the "
        "two are never added together or compared as if they were the same."
    )
    for unit, grp in snapshots.groupby("unit", sort=False):
        st.markdown(f"**Counting {escape_markdown(unit)}**")
        st.table(pd.DataFrame({
            "As of": [date_label(d, p) for d, p in zip(grp["as_of"], grp["as_of_precision"])],
            "Unit": grp["unit"],
            "Total": grp["total"].astype("object").where(grp["total"].notna(), "not given"),
            "Complete": grp["complete"].astype("object").where(grp["complete"].notna(), "—"),
            "In progress": grp["in_progress"].astype("object").where(grp["in_progress"].notna(), "—"),
            "Not started": grp["not_started"].astype("object").where(grp["not_started"].notna(), "—"),
            "Green / amber / red": [
                "—" if narrative.missing(g) and narrative.missing(a) and narrative.missing(r) else
                f"{'?' if narrative.missing(g) else int(g)} green, {'?' if narrative.missing(a) else int(a)} amber, "
                f"{'?' if narrative.missing(r) else int(r)} red"
                for g, a, r in zip(grp["rag_green"], grp["rag_amber"], grp["rag_red"])],
            "Note": [" ".join(x for x in (n_, b) if not narrative.missing(x)) for n_, b in zip(grp["note"], grp["basis"])],
        }).set_index("As of"))
    st.caption("Self-reported by the council unless the note says a progress review gave the figure.")

# ---- comparison ----------------------------------------------------------------------------------
st.subheader("Compared with similar councils")
comparison = ui.query("council__comparison", challenge_id=challenge_id)
type_label = ui.COUNCIL_TYPE_LABELS.get(council["council_type"], council["council_type"])
group_names = {"this": "This challenge", "type": f"{type_label} councils",
               "region": f"{council['region']}", "all": "All councils"}
comparison["label"] = comparison["grp"].map(group_names)
comparison["is_this"] = comparison["grp"] == "this"
st.caption(f"This challenge is {escape_markdown(council['name'])}'s, highlighted in orange with an outline; the other "
           f"bars pool every recorded challenge of {escape_markdown(type_label.lower())} councils, of councils in "
           f"{escape_markdown(council['region'])}, and of all councils.")
left, right = st.columns(2, gap="large")
with left:
    show_chart(charts.comparison_completion(comparison),
               "Bar chart of the share of recommendations complete (of those with a reported status) for this "
               "challenge and for councils of the same type, the same region and all councils.")
with right:
    show_chart(charts.comparison_progress_review(comparison),
               "Bar chart of the median days from the on-site visit to the progress review for this challenge and "
               "for councils of the same type, the same region and all councils, with the ~10-month norm marked.")
denom = (comparison["recommendations_with_status"].fillna(0) - comparison["superseded"].fillna(0)).astype(int)
st.dataframe(pd.DataFrame({
    "Group": comparison["grp"].map({**group_names, "this": f"{council['name']} (this challenge)",
                                    "region": f"Councils in {council['region']}"}),
    "Councils": comparison["councils"],
    "Challenges": comparison["challenges"],
    "Share complete": 100 * comparison["completion_share"],
    "Out of": denom,
    "From challenges with a status": comparison["challenges_with_status"],
    "Median days to progress review": [f"{d:.0f}" if not narrative.missing(d) else "no date"
                                       for d in comparison["median_days_to_progress_review"]],
    "Challenges with a progress-review date": comparison["challenges_with_progress_review"],
}), hide_index=True, column_config={
    "Share complete": st.column_config.NumberColumn(format="%.0f%%", help="Blank: no status reported"),
    "Out of": st.column_config.NumberColumn(help="Recommendations with a reported status, less superseded ones"),
})
st.caption("Each group pools every recorded challenge of its councils. Few challenges have statuses recorded, so "
           "the groups' shares rest on small numbers: read them with their denominators. Statuses are self-reported.")

# ---- sources and notes ---------------------------------------------------------------------------
st.subheader("Sources")
if len(sources):
    st.dataframe(pd.DataFrame({
        "Title": sources["title"],
        "Kind": sources["kind"].map(narrative.SOURCE_KIND_LABELS).fillna(sources["kind"]),
        "Published": [date_label(d, p) if not narrative.missing(d) else "" for d, p in
                      zip(sources["published"], sources["published_precision"])],
        "Link": sources["url"],
    }), hide_index=True, column_config={
        "Title": st.column_config.TextColumn(width="large"),
        "Link": st.column_config.LinkColumn(display_text=r"https?://(?:www\.)?([^/?#]+)",
                                            help="Opens the source in a new tab (blank: no public link)"),
    })
else:
    st.caption("No sources recorded.")
if not narrative.missing(challenge.get("notes")):
    with st.expander("Notes on what is missing and why (from the people who collected the data)"):
        for para in str(challenge["notes"]).split("\n\n"):
            st.markdown(escape_markdown(para))
st.caption("Facts are paraphrased from the public pages cited above. Statuses and RAG ratings are the council's own "
           "assessment unless a progress review says otherwise.")
