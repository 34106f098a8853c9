"""Themes: which issues peer teams raise, where and when; the recommendations behind any theme; similar
recommendations at other councils; recommendations repeated at a council's next challenge; and the
taxonomy that does the tagging. UI only: the figures, shares and similarity live in the package.

Built for national scale (hundreds of thousands of recommendations): every count is an aggregate from a
themes__* query, only the first LIST_LIMIT recommendations of a theme are fetched, and the similarity
index (one vector per distinct wording) with every council's closest repeats is built once per data
folder (st.cache_resource); a warm run only looks things up."""

from __future__ import annotations


import numpy as np
import pandas as pd
import streamlit as st

from peer_challenges.analysis import trend_charts as ac
from peer_challenges.analysis import similar
from peer_challenges.app import ui
from peer_challenges.domain.vocab import CORE_THEMES
from peer_challenges.domain.paths import data_dir
from peer_challenges.analysis.narrative import escape_markdown
from peer_challenges.domain.status import status_words

LEVELS = {"core": "Core elements (the five CPC elements)", "topic": "Topics (from the taxonomy)"}
BREAKDOWNS = {"none": None, "year": "challenge_year", "type": "council_type", "region": "region"}
BREAKDOWN_LABELS = {"none": "All challenges together", "year": "On-site year", "type": "Council type", "region": "Region"}
SMALL_GROUP = 5  # groups with fewer challenges than this are flagged as fragile
SOURCE_WORDS = {"curated": "curated (from the source file)", "tagger": "proposed by the keyword tagger",
                None: "none"}
# at national scale the page shows the first rows of long lists and says so (the data stays correct: counts
# are computed over everything in SQL); today's data is far below every cap
LIST_LIMIT = 1_000       # recommendations listed under a theme
PICKER_LIMIT = 2_000     # up to this many indexed recommendations one picker lists them all; above, council first
REPEAT_CARDS = 50        # repeated pairs shown as cards (the data table lists up to TABLE_LIMIT)
TABLE_LIMIT = 1_000      # rows of the repeated-pairs and repeat-councils tables


# ---------------------------------------------------------------- cached resources


def _load_index(taxonomy) -> similar.SimilarityIndex:
    """Every recommendation in the dataset (not only the filtered ones), read narrow: ids and keys per
    recommendation, each distinct wording once. Uncached queries, so the large intermediate results never
    enter st.cache_data (the index itself is kept by _similarity)."""
    recs = ui.query_uncached("themes__similarity_recommendations")
    features = ui.query_uncached("themes__similarity_features")
    challenges = ui.query_uncached("themes__similarity_challenges")
    index = similar.index_from_queries(recs, features, challenges, taxonomy)
    if index is None:  # two wordings with one hash (vanishingly rare): index the full rows instead
        index = similar.build_index(ui.query_uncached("themes__recommendations"), taxonomy)
    return index


@st.cache_resource(show_spinner="Building the similarity index…")
def _similarity(folder: str):
    """The TF-IDF index over every recommendation in the dataset, the data-driven repeat threshold, every
    council's closest repeats (whatever the threshold) and the recommendation pickers. Built once per data
    folder; the questions the page asks of it are array look-ups."""
    try:
        taxonomy = ui.taxonomy(folder)
    except Exception:  # a broken taxonomy file must not take the similarity search down with it
        taxonomy = None
    index = _load_index(taxonomy)
    threshold = similar.reference_threshold(index)
    similar.repeat_matches(index)
    similar.repeat_councils(index)
    return index, threshold, _pickers(index)


def _rank(values: pd.Series) -> np.ndarray:
    """A sort key: each value's rank in sorted order, missing values last."""
    codes, uniques = pd.factorize(values.astype(object), sort=True)
    return np.where(codes < 0, len(uniques), codes)


def _pickers(index: similar.SimilarityIndex) -> dict:
    """What the recommendation picker lists (by council name, challenge, number): every indexed
    recommendation when there are few (ids, labels), else the councils by name and, per council, its
    recommendations (rows of index.frame). council_first: each council's first recommendation."""
    out = {"large": len(index) > PICKER_LIMIT, "ids": [], "labels": {}, "councils": [], "council_names": {},
           "council_rows": {}, "council_first": {}}
    if not len(index):
        return out
    frame = index.frame
    order = np.lexsort((_rank(frame["seq"]), _rank(frame["challenge_month"]), _rank(frame["council_name"])))
    council_ids = frame["council_id"].to_numpy(dtype=object)
    if not out["large"]:
        rows = index.rows(order)
        out["ids"] = rows["recommendation_id"].tolist()
        out["labels"] = _rec_labels(rows, with_council=True)
        for rid, council in zip(out["ids"], council_ids[order]):
            out["council_first"].setdefault(council, rid)
        return out
    # group the picker order by council (stable: each council's rows stay in picker order)
    codes = index.councils[order]
    grouped = order[np.argsort(codes, kind="stable")]
    grouped_codes = index.councils[grouped]
    starts = np.flatnonzero(np.r_[True, grouped_codes[1:] != grouped_codes[:-1]])
    ends = np.r_[starts[1:], len(grouped)]
    firsts = grouped[starts]
    first_ids = index.ids_at(firsts)
    councils = council_ids[firsts].tolist()
    out["council_rows"] = {c: grouped[a:b] for c, a, b in zip(councils, starts, ends)}
    out["council_first"] = dict(zip(councils, first_ids))
    names = dict(zip(councils, frame["council_name"].to_numpy(dtype=object)[firsts].tolist()))
    out["council_names"] = names
    out["councils"] = sorted(councils, key=lambda c: (str(names.get(c, c)), c))
    return out


def _rec_labels(rows: pd.DataFrame, with_council: bool) -> dict:
    return {r: (f"{c} {m} · " if with_council else f"{m} · ") + f"{n if isinstance(n, str) and n else '#' + str(s)} · {short(t, 80)}"
            for r, c, m, n, s, t in zip(rows["recommendation_id"], rows["council_name"], rows["challenge_month"],
                                        rows["number"], rows["seq"], rows["title"])}


@st.cache_data(show_spinner=False, max_entries=256)
def _council_picker(folder: str, council_id: str) -> tuple[list, dict]:
    """A council's indexed recommendations (ids, labels) for the two-step picker."""
    index, _, pickers = _similarity(folder)
    rows = index.rows(pickers["council_rows"].get(council_id, np.zeros(0, dtype=np.int64)))
    return rows["recommendation_id"].tolist(), _rec_labels(rows, with_council=False)


@st.cache_data(show_spinner=False, max_entries=256)
def _similar_hits(folder: str, seed: str) -> pd.DataFrame:
    index, _, _ = _similarity(folder)
    return similar.similar_to(index, seed, k=5, topic_labels=_topic_labels(folder))


@st.cache_data(show_spinner=False, max_entries=64)
def _seed_row(folder: str, seed: str) -> dict:
    index, _, _ = _similarity(folder)
    return index.rows([index.position(seed)]).iloc[0].to_dict()


@st.cache_data(show_spinner=False, max_entries=64)
def _repeats(folder: str, threshold: float) -> dict:
    """The flagged repeats at ``threshold``: how many, at how many councils, the first TABLE_LIMIT pairs
    (strongest first) and the repeat councils' summary (first TABLE_LIMIT councils)."""
    index, _, _ = _similarity(folder)
    flagged = similar.flagged_repeats(index, threshold)
    councils = similar.repeat_councils(index)
    per_council = np.bincount(flagged["council"].to_numpy(), minlength=int(index.councils.max()) + 1 if len(index) else 0)
    shown = councils.head(TABLE_LIMIT)
    summary = pd.DataFrame({
        "Council": shown["council_name"].tolist(),
        "Challenges with recommendations recorded": [", ".join(m if isinstance(m, str) else str(m) for m in ms)
                                                      for ms in shown["months"]],
        "Later recommendations flagged as repeats": per_council[shown["council"].to_numpy(dtype=np.int64)].astype(int)
        if len(shown) else [],
    })
    return {
        "n_flag": len(flagged), "n_flag_councils": int((per_council > 0).sum()), "n_councils": len(councils),
        "pairs": similar.repeat_rows(index, flagged.head(TABLE_LIMIT), _topic_labels(folder)),
        "summary": summary,
    }


def _topic_labels(folder: str) -> dict:
    try:
        return {tid: t.label for tid, t in ui.taxonomy(folder).topics.items()}
    except Exception:
        return {}


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
labels = _topic_labels(folder)
try:
    taxonomy = ui.taxonomy(folder)
except Exception as err:  # the page still works on the labels stored in the data
    taxonomy = None
    st.warning(f"The taxonomy file could not be read, so topic names are shown as stored: {err}", icon="⚠️")
# topic tags as stored -> the taxonomy's topic ids (unknown tags kept as they are), applied in SQL
tag_from = ui.query("themes__topic_tags")["tag"].tolist()
tag_to = [(taxonomy.canonical_topic(t) if taxonomy is not None else None) or t for t in tag_from]
theme_params = {**params, "tag_from": tag_from, "tag_to": tag_to, "not_tagged": ac.NOT_TAGGED}
# every count on this page is an aggregate computed in SQL over all the selected recommendations
counts = ui.query("themes__theme_shares", **theme_params)
coverage = ui.query("themes__challenge_coverage", **params)
totals = counts[(counts["breakdown"] == "none") & (counts["level"] == "all")]
n_recs = int(totals["recommendations"].sum())
n_with = int(totals["challenges"].sum())
n_councils = int(totals["councils"].sum())
n_challenges = int(coverage["challenges"].sum()) if len(coverage) else 0
pooled_by_level = {level: ac.theme_shares_from_counts(counts, level, None) for level in LEVELS}
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
c3.metric("Councils", f"{n_councils:,}", help="Councils with recommendations recorded.")

if n_recs == 0:
    st.info(f"None of the {n_challenges:,} challenges in this selection has recommendations recorded yet, so "
            "there are no themes to show. Widen the filters in the sidebar.", icon="🔍")
    st.stop()

st.caption(
    f"**Read shares as 'of the {n_with:,} challenges with recommendations recorded'**, not of all {n_challenges:,} "
    "challenges: for the others we hold dates but not the report's recommendations. Core elements and topics "
    "are mostly curated by hand; see *How tagging works*."
)

core_present = set(pooled_by_level["core"]["theme"])
core_names = [t for t in CORE_THEMES if t in core_present]
if ac.NOT_TAGGED in core_present:
    core_names.append(ac.NOT_TAGGED)
topic_ids = sorted(pooled_by_level["topic"]["theme"], key=lambda t: labels.get(t, t).lower())


def theme_name(level: str, theme: str) -> str:
    return labels.get(theme, theme) if level == "topic" else theme


theme_options = ac.theme_choices(core_names, topic_ids)


def fmt(opt: str) -> str:
    return ac.theme_choice_label(opt, labels)


index, ref_threshold, pickers = _similarity(folder)
# the recommendation compared first: the one in the link (?rec=), else the first of the council in the link
# (?council=), else Breckland's finance recommendation, else the first listed
url_council = st.query_params.get("council")
if not len(index):
    default_rec = None
elif url_council in pickers["council_first"]:
    default_rec = pickers["council_first"][url_council]
elif "breckland-2022-06-r01" in index:
    default_rec = "breckland-2022-06-r01"
elif pickers["ids"]:
    default_rec = pickers["ids"][0]
else:
    default_rec = pickers["council_first"][pickers["councils"][0]]
rec_ids = pickers["ids"]
council_rows = pickers["council_rows"]
ui.url_choice("th_theme", "theme", theme_options, "all", "theme")
if len(index):
    ui.url_choice("th_rec", "rec", index, default_rec, "recommendation")
TABS = ["What recurs", "Councils × themes", "Recommendations by theme", "Similar and repeated", "How tagging works"]
opening = ("Similar and repeated" if st.query_params.get("rec") in index else
           "Recommendations by theme" if st.query_params.get("theme") in theme_options[1:] else None)
tab_share, tab_council, tab_list, tab_similar, tab_tagging = st.tabs(TABS, default=opening)

# ---------------------------------------------------------------- 1. shares by year / type / region
with tab_share:
    left, right = st.columns(2)
    level = left.radio("Theme level", list(LEVELS), format_func=LEVELS.get, horizontal=True, key="th_level")
    by_key = right.selectbox("Break down by", list(BREAKDOWNS), format_func=BREAKDOWN_LABELS.get, key="th_by")
    by = BREAKDOWNS[by_key]
    what = "core element" if level == "core" else "topic"
    pooled = pooled_by_level[level]
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
        shares = ac.theme_shares_from_counts(counts, level, by)
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
    top_n = right.slider("Councils shown (most recommendations recorded first)", 5, max(5, min(60, n_councils)),
                         min(20, max(5, n_councils)), key="th_top_n") if n_councils > 5 else n_councils
    grid = ui.query("themes__council_theme_counts", level=level2, top_n=int(top_n), **theme_params)
    if level2 == "topic":
        keep = grid.groupby("theme")["recommendations"].sum().sort_values(ascending=False).head(12).index
        grid = grid[grid["theme"].isin(keep)]
    busiest = grid.groupby(["council_name", "theme"])["recommendations"].sum().sort_values(ascending=False)
    if len(busiest):
        (c_name, c_theme), c_n = busiest.index[0], int(busiest.iloc[0])
        spread = grid[grid["recommendations"] > 0].groupby("theme")["council_id"].nunique().sort_values(ascending=False)
        title2 = (f"{theme_name(level2, spread.index[0])} comes up at {spread.iloc[0]} of these {grid['council_id'].nunique()} "
                  f"councils; the most on one theme is {c_n} at {c_name} ({theme_name(level2, c_theme)})")
    else:
        title2 = "No recommendations to map"
    fig2 = ac.council_theme_heatmap(grid, title2, labels if level2 == "topic" else None)
    ui.show_chart(
        fig2,
        "Heat map of councils (rows, with their number of recommendations recorded in brackets) against themes "
        "(columns); each cell prints the number of that council's recommendations on the theme; blank = none.",
        grid.assign(theme=grid["theme"].map(lambda t: theme_name(level2, t))).rename(columns={
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
    list_params = {"core_theme": None, "topic_tags": None}
    n_view, n_view_challenges, n_view_councils = n_recs, n_with, n_councils
    if chosen != "all":
        kind, value = chosen.split(":", 1)
        if kind == "core":
            list_params["core_theme"] = value
        else:
            list_params["topic_tags"] = [t for t, tid in zip(tag_from, tag_to) if tid == value]
        row = pooled_by_level[kind if kind == "core" else "topic"].set_index("theme").loc[value]
        n_view, n_view_challenges, n_view_councils = (int(row["recommendations"]), int(row["challenges"]),
                                                      int(row["councils"]))
    view = ui.query("themes__theme_recommendations", limit=LIST_LIMIT, not_tagged=ac.NOT_TAGGED, **list_params,
                    **params)
    view["topics"] = ac.topic_lists(view["topics"], taxonomy)
    if chosen.startswith("topic:") and taxonomy is not None and chosen[6:] in taxonomy.topics:
        t = taxonomy.topics[chosen[6:]]
        st.caption(f"{escape_markdown(t.label)}: {escape_markdown(t.description)} Usual core element: "
                   f"{escape_markdown(t.core_theme)}. Keywords: {escape_markdown(', '.join(t.keywords[:12]))}"
                   + ("…" if len(t.keywords) > 12 else "") + " (see *How tagging works*).")
    st.markdown(
        f"**{n_view:,} of {n_recs:,} recommendations** · from {n_view_challenges:,} of the {n_with:,} "
        f"challenges with recommendations recorded ({ac.pct(n_view_challenges / n_with)}) · "
        f"{n_view_councils:,} councils"
    )
    if n_view > len(view):
        st.caption(f"Showing the first {len(view):,} of {n_view:,} (by council and challenge); the *Explore and "
                   "download* page downloads them all.")
    table3 = pd.DataFrame({
        "Council": view["council_name"],
        "Challenge": view["challenge_month"],
        "No.": view["number"].fillna("–"),
        "Recommendation": view["title"],
        "Core element": view["core_theme"].fillna("–"),
        "Core element label": view["core_theme_source"].map(lambda s: SOURCE_WORDS.get(s if isinstance(s, str) else None, s)),
        "Topics": view["topics"].map(lambda ts: ", ".join(labels.get(t, t) for t in ts)),
        "Topics label": view["topics_source"].map(lambda s: SOURCE_WORDS.get(s if isinstance(s, str) else None, s)),
        "Latest status": [status_words(s, assessed_by=a, say_who=True) for s, a in zip(view["latest_status"], view["latest_assessed_by"])],
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
    st.header("Similar recommendations at other councils")
    if len(index) == 0:
        st.info("No recommendation has wording to compare yet.", icon="🔍")
    else:
        if st.session_state.get("th_rec") not in index:
            st.session_state["th_rec"] = default_rec
        if pickers["large"]:
            # national scale: too many recommendations for one list, so pick the council first
            st.caption(f"{len(index):,} recommendations can be compared: choose a council, then one of its "
                       "recommendations.")
            names = pickers["council_names"]
            rec_council = str(index.frame["council_id"].iat[index.position(st.session_state["th_rec"])])
            if (st.session_state.get("th_rec_council") not in council_rows
                    or (st.session_state["th_rec"] != st.session_state.get("_th_rec_seen")
                        and rec_council != st.session_state.get("th_rec_council"))):
                st.session_state["th_rec_council"] = rec_council  # the recommendation changed (e.g. a link)
            options, found_names = ui.council_options("th_rec_council_q", [st.session_state["th_rec_council"]])
            options = [c for c in options if c in council_rows]  # councils with a recommendation to compare
            names = {**names, **found_names}
            council = st.selectbox("Council", options, format_func=names.get, key="th_rec_council",
                                   help="Type a few letters of the council's name to search.")
            rec_ids, rec_labels = _council_picker(folder, council)
            if st.session_state["th_rec"] not in rec_ids:
                st.session_state["th_rec"] = rec_ids[0]
            seed = st.selectbox("Recommendation", rec_ids, format_func=rec_labels.get, key="th_rec",
                                help="Type a few words to search this council's recommendations. Similar ones are "
                                     "searched for among all recommendations in the dataset, whatever the sidebar "
                                     "filters.")
            st.session_state["_th_rec_seen"] = seed
        else:
            seed = st.selectbox("Recommendation", rec_ids, format_func=pickers["labels"].get, key="th_rec",
                                help="Type a council or a few words to search. Searches all recommendations in the "
                                     "dataset, whatever the sidebar filters.")
        ui.write_url("th_rec", "rec", seed, default_rec)
        seed_row = _seed_row(folder, seed)
        text = seed_row["text"] if isinstance(seed_row.get("text"), str) else None
        st.markdown(f"**{escape_markdown(seed_row['council_name'])} ({seed_row['challenge_month']})** — "
                    f"{escape_markdown(seed_row['title'])}")
        if text and text != seed_row["title"]:
            st.caption(f"Full text: {escape_markdown(text)}")
        hits = _similar_hits(folder, seed)
        if hits.empty:
            st.info("No recommendation at another council shares wording or topics with this one.", icon="🔍")
        else:
            best = hits.iloc[0]
            st.markdown(f"### Closest match: {escape_markdown(best['council_name'])} ({best['challenge_month']}), "
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

    st.header("Repeated recommendations")
    n_repeat_councils = len(similar.repeat_councils(index))
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
            "Flag a pair when similarity is at least", 0.10, 0.80, float(ref_threshold), 0.01, key="th_repeat_threshold",
            help=f"Default {ref_threshold:.2f}: see 'Why this threshold' below.",
        )
        repeats = _repeats(folder, round(float(threshold), 2))
        pairs, n_flag = repeats["pairs"], repeats["n_flag"]
        st.markdown(
            f"### {n_flag:,} later recommendation{'s' if n_flag != 1 else ''} closely "
            f"match{'es' if n_flag == 1 else ''} one from the same council's earlier challenge "
            f"({repeats['n_flag_councils']:,} of {n_repeat_councils:,} councils with repeat challenges)"
        )
        if n_flag:
            if n_flag > REPEAT_CARDS:
                st.caption(f"The {REPEAT_CARDS} closest pairs are shown here; *Show the data* lists "
                           + (f"the first {len(pairs):,} of all {n_flag:,}." if n_flag > len(pairs) else f"all {n_flag:,}."))
            for _, p in pairs.head(REPEAT_CARDS).iterrows():
                with st.container(border=True):
                    st.markdown(
                        f"**{escape_markdown(p['council_name'])}** · similarity "
                        f"**{p['similarity']:.2f}** · in common: {escape_markdown(p['shared']) or '–'}\n\n"
                        f"- **{p['earlier_challenge_month']}:** {escape_markdown(p['earlier_title'])}\n"
                        f"- **{p['later_challenge_month']}:** {escape_markdown(p['later_title'])} "
                        f"([council page]({ui.council_link(p['council_id'], p['later_challenge_month'])}))"
                    )
            with st.expander("Show the data"):
                if n_flag > len(pairs):
                    st.caption(f"Showing the {len(pairs):,} closest of {n_flag:,} pairs.")
                st.dataframe(
                    pd.DataFrame({
                        "Council": pairs["council_name"],
                        "Earlier": pairs["earlier_challenge_month"],
                        "Earlier recommendation": pairs["earlier_title"],
                        "Later": pairs["later_challenge_month"],
                        "Later recommendation": pairs["later_title"],
                        "Similarity": pairs["similarity"],
                        "In common": pairs["shared"],
                    }),
                    hide_index=True, key="th_repeat_table",
                )
        else:
            st.info("No pair reaches this threshold. Lower it to see weaker matches.", icon="🔍")
        with st.expander("Councils with two or more challenges with recommendations recorded"):
            if n_repeat_councils > len(repeats["summary"]):
                st.caption(f"Showing the first {len(repeats['summary']):,} of {n_repeat_councils:,} councils "
                           "(by council id).")
            st.dataframe(repeats["summary"], hide_index=True)
        with st.expander("Why this threshold"):
            st.markdown(
                f"Recommendations made to **different** councils cannot be repeats of each other, so their "
                f"similarity shows how alike unrelated or merely same-topic recommendations look. The default, "
                f"**{ref_threshold:.2f}**, is the 98th percentile of that similarity across every pair of "
                f"recommendations at different councils: a pair flagged here is more alike than 49 in 50 such "
                f"pairs. Reading the pairs ranked by score supports the line: above it, pairs on inspection "
                f"restate the same issue (e.g. Colchester's priorities in 2014 and 2022); below it unrelated pairs "
                f"that merely share a word or a broad topic start to appear. Recomputed whenever the data changes."
                + (" With this many recommendations the percentile is estimated from a fixed sample of "
                   f"{similar._SAMPLE_PAIRS:,} pairs." if len(index) > similar._EXACT_PAIRS_UP_TO else "")
            )

# ---------------------------------------------------------------- 5. taxonomy and label sources
with tab_tagging:
    st.markdown(
        "Every recommendation has one **core element** (the five CPC elements, or a focus the council asked for) "
        "and any number of **topics** from the taxonomy below. Labels written into the source files by the "
        "people who recorded each challenge are **curated**; where a source file gave none, the keyword tagger "
        "**proposed** one from the taxonomy's keywords. A curated label always wins."
    )
    sources = ui.query("themes__label_sources", **params).iloc[0]
    src_counts = pd.DataFrame({
        "Label": ["Core element", "Topics"],
        "Curated": [int(sources["core_curated"]), int(sources["topics_curated"])],
        "Proposed by the tagger": [int(sources["core_labelled"] - sources["core_curated"]),
                                   int(sources["topics_labelled"] - sources["topics_curated"])],
        "None": [int(sources["core_none"]), int(sources["topics_none"])],
    })
    st.markdown(f"## Of the {n_recs:,} recommendations in this selection, "
                f"{src_counts.at[0, 'Curated']:,} have a curated core element and "
                f"{src_counts.at[0, 'Proposed by the tagger']:,} a proposed one")
    st.dataframe(src_counts, hide_index=True)
    if taxonomy is not None:
        tagged = pooled_by_level["topic"].set_index("theme")["recommendations"]
        tax_table = pd.DataFrame([{
            "Topic": t.label, "Core element it usually belongs to": t.core_theme,
            "Recommendations (this selection)": int(tagged.get(t.id, 0)), "Keywords": len(t.keywords),
        } for t in taxonomy.topics.values()])
        st.markdown(f"## The taxonomy: {len(tax_table)} topics")
        st.dataframe(tax_table, hide_index=True)
        st.markdown("Open a core element to see each topic's description and the keywords the tagger looks for:")
        for element in CORE_THEMES:
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
