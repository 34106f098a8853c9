"""Themes: which issues peer teams raise, where and when; the recommendations behind any theme; similar
recommendations at other councils; recommendations repeated at a council's next challenge; and the
taxonomy that does the tagging. UI only: the figures, shares and similarity live in the package."""

from __future__ import annotations


import pandas as pd
import streamlit as st

from peer_challenges import analysis_charts as ac
from peer_challenges import similar, ui
from peer_challenges.config import data_dir
from peer_challenges.narrative import escape_markdown
from peer_challenges.status import STATUS_ICONS, STATUS_LABELS

LEVELS = {"core": "Core elements (the five CPC elements)", "topic": "Topics (from the taxonomy)"}
BREAKDOWNS = {"none": None, "year": "challenge_year", "type": "council_type", "region": "region"}
BREAKDOWN_LABELS = {"none": "All challenges together", "year": "On-site year", "type": "Council type", "region": "Region"}
SMALL_GROUP = 5  # groups with fewer challenges than this are flagged as fragile
SOURCE_WORDS = {"curated": "curated (from the source file)", "tagger": "proposed by the keyword tagger",
                None: "none"}


# ---------------------------------------------------------------- cached resources


@st.cache_resource(show_spinner="Building the similarity index…")
def _similarity(folder: str):
    """The TF-IDF index over every recommendation in the dataset (not only the filtered ones) and the
    data-driven repeat threshold. Built once per data folder."""
    recs = ui.query("themes__recommendations")
    try:
        taxonomy = ui.taxonomy(folder)
    except Exception:  # a broken taxonomy file must not take the similarity search down with it
        taxonomy = None
    index = similar.build_index(recs, taxonomy)
    return index, similar.reference_threshold(index)


def _topic_labels(folder: str) -> dict:
    try:
        return {tid: t.label for tid, t in ui.taxonomy(folder).topics.items()}
    except Exception:
        return {}


def status_words(status, assessed_by) -> str:
    key = status if isinstance(status, str) else None
    who = "progress review" if assessed_by == "peer_review" else "self-reported"
    if key is None:
        return f"{STATUS_ICONS[None]} {STATUS_LABELS[None]}"
    return f"{STATUS_ICONS[key]} {STATUS_LABELS[key]} ({who})"


def short(text, n: int = 90) -> str:
    text = str(text or "")
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


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
recs = ui.query("themes__recommendations", **params)
coverage = ui.query("themes__challenge_coverage", **params)
labels = _topic_labels(folder)
try:
    taxonomy = ui.taxonomy(folder)
except Exception as err:  # the page still works on the labels stored in the data
    taxonomy = None
    st.warning(f"The taxonomy file could not be read, so topic names are shown as stored: {err}", icon="⚠️")
recs["topics"] = ac.topic_lists(recs["topics"], taxonomy)

n_recs = len(recs)
n_with = recs["challenge_id"].nunique()
n_challenges = int(coverage["challenges"].sum()) if len(coverage) else 0
st.caption(f"Showing: {ui.describe_filters(filters)}.")

if n_challenges == 0:
    st.info("No peer challenges match these filters. Widen the council type, region or year range in the sidebar.",
            icon="🔍")
    st.stop()

c1, c2, c3 = st.columns(3)
c1.metric("Recommendations recorded", f"{n_recs:,}")
c2.metric("Challenges with recommendations recorded", f"{n_with:,} of {n_challenges:,}",
          help="Most challenges in the dataset have dates only. Shares on this page are over the challenges "
               "with at least one recommendation recorded.")
c3.metric("Councils", f"{recs['council_id'].nunique():,}", help="Councils with recommendations recorded.")

if n_recs == 0:
    st.info(f"None of the {n_challenges:,} challenges in this selection has recommendations recorded yet, so "
            "there are no themes to show. Widen the filters in the sidebar.", icon="🔍")
    st.stop()

st.caption(
    f"**Read shares as 'of the {n_with} challenges with recommendations recorded'**, not of all {n_challenges} "
    "challenges: for the others we hold dates but not the report's recommendations. Core elements and topics "
    "are mostly curated by hand; see *How tagging works*."
)

core_names = [t for t in ac.CORE_THEME_ORDER if t in set(recs["core_theme"].dropna())]
if recs["core_theme"].isna().any():
    core_names.append(ac.NOT_TAGGED)
topic_ids = sorted({t for ts in recs["topics"] for t in ts}, key=lambda t: labels.get(t, t).lower())


def theme_name(level: str, theme: str) -> str:
    return labels.get(theme, theme) if level == "topic" else theme


theme_options = ["all"] + [f"core:{t}" for t in core_names] + [f"topic:{t}" for t in topic_ids]


def fmt(opt: str) -> str:
    if opt == "all":
        return "All themes"
    kind, value = opt.split(":", 1)
    return f"Core element: {value}" if kind == "core" else f"Topic: {labels.get(value, value)}"


index, ref_threshold = _similarity(folder)
sim_frame = index.frame.sort_values(["council_name", "challenge_month", "seq"]) if len(index) else index.frame
rec_ids = sim_frame["recommendation_id"].tolist() if len(index) else []
default_rec = next((r for r in ("breckland-2022-06-r01",) if r in index), rec_ids[0] if rec_ids else None)
ui.url_choice("th_theme", "theme", theme_options, "all", "theme")
if rec_ids:
    ui.url_choice("th_rec", "rec", rec_ids, default_rec, "recommendation")
TABS = ["What recurs", "Councils × themes", "Recommendations by theme", "Similar and repeated", "How tagging works"]
opening = ("Similar and repeated" if st.query_params.get("rec") in rec_ids else
           "Recommendations by theme" if st.query_params.get("theme") in theme_options[1:] else None)
tab_share, tab_council, tab_list, tab_similar, tab_tagging = st.tabs(TABS, default=opening)

# ---------------------------------------------------------------- 1. shares by year / type / region
with tab_share:
    left, right = st.columns(2)
    level = left.radio("Theme level", list(LEVELS), format_func=LEVELS.get, horizontal=True, key="th_level")
    by_key = right.selectbox("Break down by", list(BREAKDOWNS), format_func=BREAKDOWN_LABELS.get, key="th_by")
    by = BREAKDOWNS[by_key]
    what = "core element" if level == "core" else "topic"
    pooled = ac.theme_shares(recs, level, None)
    headline = ac.shares_headline(pooled, labels if level == "topic" else None, what)
    name_map = labels if level == "topic" else None
    if by is None:
        fig = ac.share_bar_chart(pooled, headline, name_map, top=None if level == "core" else 20)
        alt = "Bar chart of the share of challenges raising each " + what + ". " + "; ".join(
            f"{theme_name(level, r.theme)} {ac.pct(r.share)}" for r in pooled.head(8).itertuples())
        table = pooled.assign(theme=pooled["theme"].map(lambda t: theme_name(level, t)))
        note = None if level == "core" else (f"The 20 most often raised of {pooled['theme'].nunique()} topics; "
                                             "all are in the data table.")
    else:
        shares = ac.theme_shares(recs, level, by)
        order = pooled["theme"].tolist() if level == "core" else pooled["theme"].head(15).tolist()
        shares_view = shares[shares["theme"].isin(order)]
        top = pooled.iloc[0]["theme"]
        per = shares[(shares["theme"] == top) & (shares["challenges_with_recommendations"] >= SMALL_GROUP)]
        title = headline
        if len(per) >= 2:
            hi, lo = per.loc[per["share"].idxmax()], per.loc[per["share"].idxmin()]
            glabel = (lambda g: ac.COUNCIL_TYPE_LABELS.get(g, g)) if by == "council_type" else str
            title = (f"{theme_name(level, top)}: raised in {ac.pct(hi['share'])} of challenges in "
                     f"{glabel(hi['group'])} but {ac.pct(lo['share'])} in {glabel(lo['group'])} "
                     f"(groups with {SMALL_GROUP}+ challenges with recommendations recorded)")
        fig = ac.share_heatmap(shares_view, title, by, name_map, order)
        alt = (f"Heat map: rows are {what}s, columns are {BREAKDOWN_LABELS[by_key].lower()} groups; each cell "
               "prints the share of that group's challenges raising the theme; n under each column is the "
               "number of challenges with recommendations recorded.")
        table = shares.assign(theme=shares["theme"].map(lambda t: theme_name(level, t)))
        small = sorted({str(g) for g, n in zip(shares["group"], shares["challenges_with_recommendations"]) if n < SMALL_GROUP})
        note = (f"Columns with fewer than {SMALL_GROUP} challenges with recommendations recorded "
                f"({', '.join(ac.COUNCIL_TYPE_LABELS.get(g, g) for g in small)}) swing on one or two reports: read "
                "them with care." if small else None)
        if level == "topic":
            note = (note + " " if note else "") + "The 15 topics raised most often overall are shown; all are in the data table."
    ui.show_chart(
        fig, alt, table.rename(columns={"group": BREAKDOWN_LABELS[by_key], "theme": what.capitalize()}),
        column_config={"share": st.column_config.NumberColumn("Share of challenges", format="percent"),
                       "challenges": st.column_config.NumberColumn("Challenges raising it"),
                       "challenges_with_recommendations": st.column_config.NumberColumn(
                           "Challenges with recommendations recorded (denominator)"),
                       "recommendations": st.column_config.NumberColumn("Recommendations"),
                       "councils": st.column_config.NumberColumn("Councils")},
        note=note,
    )

# ---------------------------------------------------------------- 2. council x theme heat map
with tab_council:
    left, right = st.columns(2)
    level2 = left.radio("Theme level", list(LEVELS), format_func=LEVELS.get, horizontal=True, key="th_level_council")
    n_councils = recs["council_id"].nunique()
    top_n = right.slider("Councils shown (most recommendations recorded first)", 5, max(5, min(60, n_councils)),
                         min(20, max(5, n_councils)), key="th_top_n") if n_councils > 5 else n_councils
    counts = ac.council_theme_counts(recs, level2, top_n)
    if level2 == "topic":
        keep = counts.groupby("theme")["recommendations"].sum().sort_values(ascending=False).head(12).index
        counts = counts[counts["theme"].isin(keep)]
    busiest = counts.groupby(["council_name", "theme"])["recommendations"].sum().sort_values(ascending=False)
    if len(busiest):
        (c_name, c_theme), c_n = busiest.index[0], int(busiest.iloc[0])
        spread = counts[counts["recommendations"] > 0].groupby("theme")["council_id"].nunique().sort_values(ascending=False)
        title2 = (f"{theme_name(level2, spread.index[0])} comes up at {spread.iloc[0]} of these {counts['council_id'].nunique()} "
                  f"councils; the most on one theme is {c_n} at {c_name} ({theme_name(level2, c_theme)})")
    else:
        title2 = "No recommendations to map"
    fig2 = ac.council_theme_heatmap(counts, title2, labels if level2 == "topic" else None)
    ui.show_chart(
        fig2,
        "Heat map of councils (rows, with their number of recommendations recorded in brackets) against themes "
        "(columns); each cell prints the number of that council's recommendations on the theme; blank = none.",
        counts.assign(theme=counts["theme"].map(lambda t: theme_name(level2, t))).rename(columns={
            "council_name": "Council", "theme": "Theme", "recommendations": "Recommendations",
            "council_total": "Council's recommendations recorded"}).drop(columns=["council_id"]),
        note=(f"The {top_n} councils with most recommendations recorded in this selection"
              + (" and the 12 topics raised most often among them." if level2 == "topic" else ".")
              + " A recommendation has one core element but may have several topics."),
    )

# ---------------------------------------------------------------- 3. recommendations on a theme
with tab_list:
    chosen = st.selectbox("Theme", theme_options, format_func=fmt, key="th_theme",
                          help="A core element or a topic. The link in your browser's address bar keeps the choice.")
    ui.write_url("th_theme", "theme", chosen, "all")
    view = recs
    if chosen != "all":
        kind, value = chosen.split(":", 1)
        if kind == "core":
            view = recs[recs["core_theme"].fillna(ac.NOT_TAGGED) == value]
        else:
            view = recs[recs["topics"].map(lambda ts: value in ts)]
    if chosen.startswith("topic:") and taxonomy is not None and chosen[6:] in taxonomy.topics:
        t = taxonomy.topics[chosen[6:]]
        st.caption(f"{escape_markdown(t.label)}: {escape_markdown(t.description)} Usual core element: "
                   f"{escape_markdown(t.core_theme)}. Keywords: {escape_markdown(', '.join(t.keywords[:12]))}"
                   + ("…" if len(t.keywords) > 12 else "") + " (see *How tagging works*).")
    st.markdown(
        f"**{len(view):,} of {n_recs:,} recommendations** · from {view['challenge_id'].nunique():,} of the {n_with:,} "
        f"challenges with recommendations recorded ({ac.pct(view['challenge_id'].nunique() / n_with)}) · "
        f"{view['council_id'].nunique():,} councils"
    )
    table3 = pd.DataFrame({
        "Council": view["council_name"],
        "Challenge": view["challenge_month"],
        "No.": view["number"].fillna("–"),
        "Recommendation": view["title"],
        "Core element": view["core_theme"].fillna("–"),
        "Core element label": view["core_theme_source"].map(lambda s: SOURCE_WORDS.get(s if isinstance(s, str) else None, s)),
        "Topics": view["topics"].map(lambda ts: ", ".join(labels.get(t, t) for t in ts)),
        "Topics label": view["topics_source"].map(lambda s: SOURCE_WORDS.get(s if isinstance(s, str) else None, s)),
        "Latest status": [status_words(s, a) for s, a in zip(view["latest_status"], view["latest_assessed_by"])],
        "Council page": [ui.council_link(c, m) for c, m in zip(view["council_id"], view["challenge_month"])],
    })
    st.dataframe(
        table3, hide_index=True, key="th_rec_table",
        column_config={
            "Council page": st.column_config.LinkColumn("Council page", display_text="Open council page",
                                                        help="The council's page, on this challenge"),
            "Recommendation": st.column_config.TextColumn(width="large"),
        },
    )
    st.caption("Statuses are the council's own (self-reported) unless marked 'progress review'. Many titles are "
               "our plain-English summaries; the council page links to the source documents.")

# ---------------------------------------------------------------- 4. similar and repeated
with tab_similar:
    st.subheader("Similar recommendations at other councils")
    if len(index) == 0:
        st.info("No recommendation has wording to compare yet.", icon="🔍")
    else:
        frame = sim_frame
        labels_by_id = {r: f"{c} {m} · {n if isinstance(n, str) and n else '#' + str(s)} · {short(t, 80)}"
                        for r, c, m, n, s, t in zip(frame["recommendation_id"], frame["council_name"],
                                                    frame["challenge_month"], frame["number"], frame["seq"], frame["title"])}
        if st.session_state.get("th_rec") not in rec_ids:
            st.session_state["th_rec"] = default_rec
        seed = st.selectbox("Recommendation", rec_ids, format_func=labels_by_id.get, key="th_rec",
                            help="Type a council or a few words to search. Searches all recommendations in the "
                                 "dataset, whatever the sidebar filters.")
        ui.write_url("th_rec", "rec", seed, default_rec)
        seed_row = frame.set_index("recommendation_id").loc[seed]
        text = seed_row["text"] if isinstance(seed_row.get("text"), str) else None
        st.markdown(f"**{escape_markdown(seed_row['council_name'])} ({seed_row['challenge_month']})** — "
                    f"{escape_markdown(seed_row['title'])}")
        if text and text != seed_row["title"]:
            st.caption(f"Full text: {escape_markdown(text)}")
        hits = similar.similar_to(index, seed, k=5, topic_labels=labels)
        if hits.empty:
            st.info("No recommendation at another council shares wording or topics with this one.", icon="🔍")
        else:
            best = hits.iloc[0]
            st.markdown(f"#### Closest match: {escape_markdown(best['council_name'])} ({best['challenge_month']}), "
                        f"similarity {best['similarity']:.2f}")
            st.dataframe(
                pd.DataFrame({
                    "Similarity": hits["similarity"],
                    "Recommendation": hits["title"],
                    "Council": hits["council_name"],
                    "Challenge": hits["challenge_month"],
                    "Core element": hits["core_theme"].fillna("–"),
                    "In common": hits["shared"],
                    "Council page": [ui.council_link(c, m) for c, m in zip(hits["council_id"], hits["challenge_month"])],
                }),
                hide_index=True, key="th_similar_table",
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
            st.markdown(
                "Each recommendation's title and full text (where we hold it) are turned into TF-IDF vectors with "
                "scikit-learn, and compared by cosine similarity (0 = nothing in common, 1 = identical). The score "
                "mixes **50%** shared words and two-word phrases, **20%** shared word fragments (so *finance* "
                "meets *financial*), and **30%** shared topics and core element (so a 'money plan' meets an "
                "'MTFS'). Common words (*council*, *ensure*, *members*…) and our editorial notes (*text cut off*, "
                "*heading only*) are ignored. "
                f"{len(index.skipped)} recommendations recorded only as 'wording not captured' are not indexed."
            )

    st.subheader("Repeated recommendations")
    all_recs = index.frame
    repeat_councils = similar.councils_with_repeat_challenges(all_recs)
    if repeat_councils.empty:
        st.info("No council has two or more challenges with recommendations recorded, so repeats cannot be checked.",
                icon="🔍")
    else:
        st.markdown(
            "Where a council has had more than one challenge with recommendations recorded, each recommendation "
            "of the later challenge is compared with every recommendation of the earlier one(s). A close match "
            "is the strongest sign in this data that something was not fixed."
        )
        threshold = st.slider(
            "Flag a pair when similarity is at least", 0.10, 0.80, float(ref_threshold), 0.01, key="th_repeat_threshold",
            help=f"Default {ref_threshold:.2f}: see 'Why this threshold' below.",
        )
        pairs = similar.repeated_recommendations(index, threshold, topic_labels=labels)
        names = all_recs.drop_duplicates("council_id").set_index("council_id")["council_name"]
        month = all_recs.drop_duplicates("challenge_id").set_index("challenge_id")["challenge_month"]
        per_council = pairs.groupby("council_id").size()
        summary = pd.DataFrame({
            "Council": [names.get(c, c) for c in repeat_councils["council_id"]],
            "Challenges with recommendations recorded": [", ".join(month.get(x, x) for x in ch)
                                                          for ch in repeat_councils["challenges"]],
            "Later recommendations flagged as repeats": [int(per_council.get(c, 0)) for c in repeat_councils["council_id"]],
        })
        n_flag = len(pairs)
        st.markdown(
            f"#### {n_flag} later recommendation{'s' if n_flag != 1 else ''} closely "
            f"match{'es' if n_flag == 1 else ''} one from the same council's earlier challenge "
            f"({pairs['council_id'].nunique()} of {len(repeat_councils)} councils with repeat challenges)"
        )
        if n_flag:
            for _, p in pairs.iterrows():
                with st.container(border=True):
                    st.markdown(
                        f"**{escape_markdown(names.get(p['council_id'], p['council_id']))}** · similarity "
                        f"**{p['similarity']:.2f}** · in common: {escape_markdown(p['shared']) or '–'}\n\n"
                        f"- **{month.get(p['earlier_challenge_id'], '')}:** {escape_markdown(p['earlier_title'])}\n"
                        f"- **{month.get(p['later_challenge_id'], '')}:** {escape_markdown(p['later_title'])} "
                        f"([council page]({ui.council_link(p['council_id'], month.get(p['later_challenge_id']))}))"
                    )
            with st.expander("Show the data"):
                st.dataframe(
                    pd.DataFrame({
                        "Council": [names.get(c, c) for c in pairs["council_id"]],
                        "Earlier": [month.get(c, c) for c in pairs["earlier_challenge_id"]],
                        "Earlier recommendation": pairs["earlier_title"],
                        "Later": [month.get(c, c) for c in pairs["later_challenge_id"]],
                        "Later recommendation": pairs["later_title"],
                        "Similarity": pairs["similarity"],
                        "In common": pairs["shared"],
                    }),
                    hide_index=True, key="th_repeat_table",
                )
        else:
            st.info("No pair reaches this threshold. Lower it to see weaker matches.", icon="🔍")
        with st.expander("Councils with two or more challenges with recommendations recorded"):
            st.dataframe(summary, hide_index=True)
        with st.expander("Why this threshold"):
            st.markdown(
                f"Recommendations made to **different** councils cannot be repeats of each other, so their "
                f"similarity shows how alike unrelated or merely same-topic recommendations look. The default, "
                f"**{ref_threshold:.2f}**, is the 98th percentile of that similarity across every pair of "
                f"recommendations at different councils: a pair flagged here is more alike than 49 in 50 such "
                f"pairs. Reading the pairs ranked by score supports the line: above it, pairs on inspection "
                f"restate the same issue (e.g. Colchester's priorities in 2014 and 2022); below it unrelated pairs "
                f"that merely share a word or a broad topic start to appear. Recomputed whenever the data changes."
            )

# ---------------------------------------------------------------- 5. taxonomy and label sources
with tab_tagging:
    st.markdown(
        "Every recommendation has one **core element** (the five CPC elements, or a focus the council asked for) "
        "and any number of **topics** from the taxonomy below. Labels written into the source files by the "
        "people who recorded each challenge are **curated**; where a source file gave none, the keyword tagger "
        "**proposed** one from the taxonomy's keywords. A curated label always wins."
    )
    src_counts = pd.DataFrame({
        "Label": ["Core element", "Topics"],
        "Curated": [int((recs["core_theme_source"] == "curated").sum()), int((recs["topics_source"] == "curated").sum())],
        "Proposed by the tagger": [int(recs["core_theme_source"].notna().sum() - (recs["core_theme_source"] == "curated").sum()),
                                   int(recs["topics_source"].notna().sum() - (recs["topics_source"] == "curated").sum())],
        "None": [int(recs["core_theme_source"].isna().sum()), int(recs["topics_source"].isna().sum())],
    })
    st.markdown(f"#### Of the {n_recs:,} recommendations in this selection, "
                f"{src_counts.at[0, 'Curated']:,} have a curated core element and "
                f"{src_counts.at[0, 'Proposed by the tagger']:,} a proposed one")
    st.dataframe(src_counts, hide_index=True)
    if taxonomy is not None:
        tagged = recs.explode("topics").groupby("topics")["recommendation_id"].nunique()
        tax_table = pd.DataFrame([{
            "Topic": t.label, "Core element it usually belongs to": t.core_theme,
            "Recommendations (this selection)": int(tagged.get(t.id, 0)), "Keywords": len(t.keywords),
        } for t in taxonomy.topics.values()])
        st.markdown(f"#### The taxonomy: {len(tax_table)} topics")
        st.dataframe(tax_table, hide_index=True)
        st.markdown("Open a core element to see each topic's description and the keywords the tagger looks for:")
        for element in ac.CORE_THEME_ORDER:
            topics_here = [t for t in taxonomy.topics.values() if t.core_theme == element]
            if not topics_here:
                continue
            with st.expander(f"{element} – {len(topics_here)} topic{'s' if len(topics_here) != 1 else ''}"):
                for t in topics_here:
                    st.markdown(
                        f"**{escape_markdown(t.label)}** (`{t.id}`) – {escape_markdown(t.description)}\n\n"
                        f"*Keywords:* {escape_markdown(', '.join(t.keywords)) or '–'}"
                        + (f"\n\n*Tags filed under it:* {escape_markdown(', '.join(t.aliases))}" if t.aliases else "")
                    )
        st.caption("Keywords match whole words; a trailing * matches any ending (financ* = finance, financial…); "
                   "the longest matching phrase wins. The taxonomy is data/taxonomy.yaml, editable without code.")
