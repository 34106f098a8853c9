"""The Themes page's view model: the selection's counts and shares (from the themes__* SQL aggregates), the
charts with their headlines, alt text, data and notes, the list of recommendations on a theme, the
similarity index with its recommendation pickers and the repeated-recommendation summary, and the label
sources and taxonomy tables. Plain functions: the Streamlit caches around the similarity index are in
peer_challenges.app.cache, the layout in pages/themes.py."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from peer_challenges.analysis import similar
from peer_challenges.analysis import trend_charts as ac
from peer_challenges.analysis.stats import SMALL
from peer_challenges.analysis.narrative import escape_markdown, plural
from peer_challenges.app.views.common import Chart, Metric, Query
from peer_challenges.domain.status import status_words
from peer_challenges.domain.vocab import CORE_THEMES, RECORD_KIND_WORDS

LEVELS = {"core": "Core elements (the five CPC elements)", "topic": "Topics (from the taxonomy)"}
BREAKDOWNS = {"none": None, "year": "challenge_year", "type": "council_type", "region": "region"}
BREAKDOWN_LABELS = {"none": "All challenges together", "year": "On-site year", "type": "Council type", "region": "Region"}
SMALL_GROUP = SMALL  # groups with fewer challenges than this are shown as "k of n", flagged and not ranked
SOURCE_WORDS = {"curated": "curated (from the source file)", "tagger": "proposed by the keyword tagger",
                None: "none"}
# at national scale the page shows the first rows of long lists and says so (the data stays correct: counts
# are computed over everything in SQL); today's data is far below every cap
LIST_LIMIT = 1_000       # recommendations listed under a theme
PICKER_LIMIT = 2_000     # up to this many indexed recommendations one picker lists them all; above, council first
REPEAT_CARDS = 50        # repeated pairs shown as cards (the data table lists up to TABLE_LIMIT)
TABLE_LIMIT = 1_000      # rows of the repeated-pairs and repeat-councils tables
TOP_TOPICS_CHART = 20    # topics in the pooled bar chart
TOP_TOPICS_HEATMAP = 15  # topics in a broken-down heat map
TOP_TOPICS_GRID = 12     # topics in the councils x themes heat map
DEFAULT_REC = "breckland-2022-06-r01"  # compared first when the link names none (if it is in the data)
TABS = ["What recurs", "Councils × themes", "Recommendations by theme", "Similar and repeated", "How tagging works"]


def short(text, n: int = 90) -> str:
    text = str(text or "")
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def topic_labels(taxonomy) -> dict:
    """Topic id -> label of a taxonomy ({} when there is none)."""
    try:
        return {tid: t.label for tid, t in taxonomy.topics.items()}
    except Exception:
        return {}


# ---------------------------------------------------------------- the selection's counts


@dataclass
class Selection:
    """The counts behind every figure on the page, for the shared filters (``params``)."""

    params: dict              # the shared filters as query parameters
    tag_from: list            # topic tags as stored ...
    tag_to: list              # ... and the taxonomy's topic ids they map onto (unknown tags kept as they are)
    counts: pd.DataFrame      # themes__theme_shares
    n_recs: int
    n_with: int               # challenges with recommendations recorded
    n_councils: int
    n_challenges: int         # every challenge in the selection
    pooled: dict              # level -> theme shares over all challenges together
    left_out: pd.DataFrame | None = None  # themes__left_out: records that are not one recommendation, by kind
    n_only_other: int = 0     # challenges whose records are only headings, placeholders or focus areas

    @property
    def theme_params(self) -> dict:
        return {**self.params, "tag_from": self.tag_from, "tag_to": self.tag_to, "not_tagged": ac.NOT_TAGGED}


def selection(query: Query, params: dict, taxonomy) -> Selection:
    """Every count on the page, computed in SQL over all the selected recommendations."""
    tag_from = query("themes__topic_tags")["tag"].tolist()
    tag_to = [(taxonomy.canonical_topic(t) if taxonomy is not None else None) or t for t in tag_from]
    counts = query("themes__theme_shares", **params, tag_from=tag_from, tag_to=tag_to, not_tagged=ac.NOT_TAGGED)
    coverage = query("themes__challenge_coverage", **params)
    totals = counts[(counts["breakdown"] == "none") & (counts["level"] == "all")]
    return Selection(
        params=dict(params), tag_from=tag_from, tag_to=tag_to, counts=counts,
        n_recs=int(totals["recommendations"].sum()), n_with=int(totals["challenges"].sum()),
        n_councils=int(totals["councils"].sum()),
        n_challenges=int(coverage["challenges"].sum()) if len(coverage) else 0,
        pooled={level: ac.theme_shares_from_counts(counts, level, None) for level in LEVELS},
        left_out=query("themes__left_out", **params),
        n_only_other=int(coverage["challenges_with_records_only_other"].sum()) if len(coverage) else 0,
    )


KIND_WORDS = RECORD_KIND_WORDS


def left_out_text(sel: Selection) -> str | None:
    """'Left out: 18 headings (standing for 18 recommendations) and 9 placeholders at 2 challenges: they are
    not one recommendation with its own wording, so they carry no theme here.' (None when nothing is.)"""
    lo = sel.left_out
    if lo is None or lo.empty:
        return None
    parts = []
    for r in lo.itertuples(index=False):
        one, many = KIND_WORDS.get(r.record_kind, (r.record_kind, r.record_kind))
        text = f"{int(r.records):,} {one if r.records == 1 else many}"
        if r.with_stands_for and r.record_kind != "placeholder":
            text += f" (standing for {int(r.stands_for):,} recommendations where the source says)"
        parts.append(text)
    listing = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return (f"Left out of every count here: {listing}. They say a recommendation exists or group several, "
            "without one recommendation's wording, so they are never themed from their own text.")


def metrics(sel: Selection) -> list[Metric]:
    return [
        Metric("Recommendations recorded", f"{sel.n_recs:,}",
               "Records that are one recommendation with its own wording; placeholders, headings and focus areas "
               "are counted apart (see the note under these figures)."),
        Metric("Challenges with recommendations recorded", f"{sel.n_with:,} of {sel.n_challenges:,}",
               "Most challenges in the dataset have dates only. Shares on this page are over the challenges "
               "with at least one recommendation recorded in its own wording.",
               f"another {plural(sel.n_only_other, 'has', 'have')} only headings, placeholders or focus areas "
               "recorded" if sel.n_only_other else None),
        Metric("Councils", f"{sel.n_councils:,}", "Councils with recommendations recorded."),
    ]


def shares_caption(sel: Selection) -> str:
    return (f"**Read shares as 'of the {sel.n_with:,} challenges with recommendations recorded'**, not of all "
            f"{sel.n_challenges:,} challenges: for the others we hold dates but not the report's recommendations. "
            "Core elements and topics are mostly curated by hand; see *How tagging works*."
            + (" " + left_out_text(sel) if left_out_text(sel) else ""))


def no_recommendations_notice(sel: Selection) -> str:
    return (f"None of the {sel.n_challenges:,} challenges in this selection has recommendations recorded yet, so "
            "there are no themes to show. Widen the filters in the sidebar.")


def theme_options(sel: Selection, labels: dict) -> list[str]:
    """'all', then the core elements present (in CPC order, then 'not tagged'), then the topics by label."""
    core_present = set(sel.pooled["core"]["theme"])
    core_names = [t for t in CORE_THEMES if t in core_present]
    if ac.NOT_TAGGED in core_present:
        core_names.append(ac.NOT_TAGGED)
    topic_ids = sorted(sel.pooled["topic"]["theme"], key=lambda t: labels.get(t, t).lower())
    return ac.theme_choices(core_names, topic_ids)


def theme_name(level: str, theme: str, labels: dict) -> str:
    return labels.get(theme, theme) if level == "topic" else theme


def opening_tab(rec, theme, index, options: list[str]) -> str | None:
    """The tab a link opens on: a recommendation in it opens the similarity search, a theme the list."""
    return ("Similar and repeated" if rec in index else
            "Recommendations by theme" if theme in options[1:] else None)


# ---------------------------------------------------------------- 1. shares by year / type / region


def share_chart(sel: Selection, level: str, by_key: str, labels: dict) -> Chart:
    """The shares chart: a bar chart over all challenges together, or a heat map by year, type or region.
    Its data has the columns the page's column config names (share, challenges, ...)."""
    by = BREAKDOWNS[by_key]
    what = "core element" if level == "core" else "topic"
    pooled = sel.pooled[level]
    headline = ac.shares_headline(pooled, labels if level == "topic" else None, what)
    name_map = labels if level == "topic" else None
    name = lambda t: theme_name(level, t, labels)  # noqa: E731
    if by is None:
        fig = ac.share_bar_chart(pooled, headline, name_map, top=None if level == "core" else TOP_TOPICS_CHART)
        alt = "Bar chart of the share of challenges raising each " + what + ". " + "; ".join(
            f"{name(r.theme)} {ac.pct(r.share)}" for r in pooled.head(8).itertuples())
        table = pooled.assign(theme=pooled["theme"].map(name))
        note = None if level == "core" else (f"The {TOP_TOPICS_CHART} most often raised of "
                                             f"{pooled['theme'].nunique()} topics; all are in the data table.")
    else:
        shares = ac.theme_shares_from_counts(sel.counts, level, by)
        order = pooled["theme"].tolist() if level == "core" else pooled["theme"].head(TOP_TOPICS_HEATMAP).tolist()
        shares_view = shares[shares["theme"].isin(order)]
        top = pooled.iloc[0]["theme"]
        per = shares[(shares["theme"] == top) & (shares["challenges_with_recommendations"] >= SMALL_GROUP)]
        title = headline
        if len(per) >= 2:
            hi, lo = per.loc[per["share"].idxmax()], per.loc[per["share"].idxmin()]
            glabel = (lambda g: ac.COUNCIL_TYPE_LABELS.get(g, g)) if by == "council_type" else str
            title = (f"{name(top)}: raised in {ac.pct(hi['share'])} of challenges in "
                     f"{glabel(hi['group'])} but {ac.pct(lo['share'])} in {glabel(lo['group'])} "
                     f"(groups with {SMALL_GROUP}+ challenges with recommendations recorded)")
        fig = ac.share_heatmap(shares_view, title, by, name_map, order)
        alt = (f"Heat map: rows are {what}s, columns are {BREAKDOWN_LABELS[by_key].lower()} groups; each cell "
               "prints the share of that group's challenges raising the theme; n under each column is the "
               "number of challenges with recommendations recorded.")
        table = shares.assign(theme=shares["theme"].map(name))
        small = sorted({str(g) for g, n in zip(shares["group"], shares["challenges_with_recommendations"])
                        if n < SMALL_GROUP})
        note = (f"Columns with fewer than {SMALL_GROUP} challenges with recommendations recorded "
                f"({', '.join(ac.COUNCIL_TYPE_LABELS.get(g, g) for g in small)}) give counts ('3 of 4'), not "
                "shares, and are not ranked: they swing on one or two reports." if small else None)
        if level == "topic":
            note = ((note + " " if note else "") + f"The {TOP_TOPICS_HEATMAP} topics raised most often overall are "
                    "shown; all are in the data table.")
    return Chart(fig, alt, table.rename(columns={"group": BREAKDOWN_LABELS[by_key], "theme": what.capitalize()}), note)


# ---------------------------------------------------------------- 2. council x theme heat map


def top_n_bounds(n_councils: int) -> tuple[int, int, int] | None:
    """(min, max, default) of the 'councils shown' slider; None when there are 5 councils or fewer (all shown)."""
    if n_councils <= 5:
        return None
    return 5, max(5, min(60, n_councils)), min(20, max(5, n_councils))


def council_grid_chart(query: Query, sel: Selection, level: str, top_n: int, labels: dict) -> Chart:
    """Councils (most recommendations recorded first) against themes: counts per cell."""
    grid = query("themes__council_theme_counts", level=level, top_n=int(top_n), **sel.theme_params)
    if level == "topic":
        keep = grid.groupby("theme")["recommendations"].sum().sort_values(ascending=False).head(TOP_TOPICS_GRID).index
        grid = grid[grid["theme"].isin(keep)]
    name = lambda t: theme_name(level, t, labels)  # noqa: E731
    busiest = grid.groupby(["council_name", "theme"])["recommendations"].sum().sort_values(ascending=False)
    if len(busiest):
        (c_name, c_theme), c_n = busiest.index[0], int(busiest.iloc[0])
        spread = grid[grid["recommendations"] > 0].groupby("theme")["council_id"].nunique().sort_values(ascending=False)
        title = (f"{name(spread.index[0])} comes up at {spread.iloc[0]} of these {grid['council_id'].nunique()} "
                 f"councils; the most on one theme is {c_n} at {c_name} ({name(c_theme)})")
    else:
        title = "No recommendations to map"
    fig = ac.council_theme_heatmap(grid, title, labels if level == "topic" else None)
    data = grid.assign(theme=grid["theme"].map(name)).rename(columns={
        "council_name": "Council", "theme": "Theme", "recommendations": "Recommendations",
        "council_total": "Council's recommendations recorded"}).drop(columns=["council_id"])
    return Chart(
        fig,
        "Heat map of councils (rows, with their number of recommendations recorded in brackets) against themes "
        "(columns); each cell prints the number of that council's recommendations on the theme; blank = none.",
        data,
        note=(f"The {top_n} councils with most recommendations recorded in this selection"
              + (f" and the {TOP_TOPICS_GRID} topics raised most often among them." if level == "topic" else ".")
              + " A recommendation has one core element but may have several topics."),
    )


# ---------------------------------------------------------------- 3. recommendations on a theme


@dataclass
class ThemeList:
    description: str | None  # the topic's description and keywords (a topic of the taxonomy only)
    summary: str             # "**n of N recommendations** · from ..."
    showing: str | None      # "Showing the first 1,000 of ..." when the list is capped
    table: pd.DataFrame


def theme_list(query: Query, sel: Selection, chosen: str, taxonomy, labels: dict, council_link) -> ThemeList:
    """The recommendations on one theme ('all', 'core:<element>' or 'topic:<id>'), the first LIST_LIMIT.
    ``council_link(council_id, challenge_month)``: the link to a council's page (ui.council_link)."""
    list_params = {"core_theme": None, "topic_tags": None}
    n_view, n_view_challenges, n_view_councils = sel.n_recs, sel.n_with, sel.n_councils
    if chosen != "all":
        kind, value = chosen.split(":", 1)
        if kind == "core":
            list_params["core_theme"] = value
        else:
            list_params["topic_tags"] = [t for t, tid in zip(sel.tag_from, sel.tag_to) if tid == value]
        row = sel.pooled[kind if kind == "core" else "topic"].set_index("theme").loc[value]
        n_view, n_view_challenges, n_view_councils = (int(row["recommendations"]), int(row["challenges"]),
                                                      int(row["councils"]))
    view = query("themes__theme_recommendations", limit=LIST_LIMIT, not_tagged=ac.NOT_TAGGED, **list_params,
                 **sel.params)
    view["topics"] = ac.topic_lists(view["topics"], taxonomy)
    description = None
    if chosen.startswith("topic:") and taxonomy is not None and chosen[6:] in taxonomy.topics:
        t = taxonomy.topics[chosen[6:]]
        description = (f"{escape_markdown(t.label)}: {escape_markdown(t.description)} Usual core element: "
                       f"{escape_markdown(t.core_theme)}. Keywords: {escape_markdown(', '.join(t.keywords[:12]))}"
                       + ("…" if len(t.keywords) > 12 else "") + " (see *How tagging works*).")
    summary = (f"**{n_view:,} of {sel.n_recs:,} recommendations** · from {n_view_challenges:,} of the {sel.n_with:,} "
               f"challenges with recommendations recorded ({ac.pct(n_view_challenges / sel.n_with)}) · "
               f"{n_view_councils:,} councils")
    showing = (f"Showing the first {len(view):,} of {n_view:,} (by council and challenge); the *Explore and "
               "download* page downloads them all." if n_view > len(view) else None)
    words = lambda s: SOURCE_WORDS.get(s if isinstance(s, str) else None, s)  # noqa: E731
    table = pd.DataFrame({
        "Council": view["council_name"],
        "Challenge": view["challenge_month"],
        "No.": view["number"].fillna("–"),
        "Recommendation": view["title"],
        "Core element": view["core_theme"].fillna("–"),
        "Core element label": view["core_theme_source"].map(words),
        "Topics": view["topics"].map(lambda ts: ", ".join(labels.get(t, t) for t in ts)),
        "Topics label": view["topics_source"].map(words),
        "Latest status": [status_words(s, assessed_by=a, say_who=True)
                          for s, a in zip(view["latest_status"], view["latest_assessed_by"])],
        "Council page": [council_link(c, m) for c, m in zip(view["council_id"], view["challenge_month"])],
    })
    return ThemeList(description, summary, showing, table)


# ---------------------------------------------------------------- 4. similar and repeated: the index


def load_index(query: Query, taxonomy) -> similar.SimilarityIndex:
    """Every recommendation in the dataset (not only the filtered ones), read narrow: ids and keys per
    recommendation, each distinct wording once. The page passes ui.query_uncached, so the large intermediate
    results never enter st.cache_data (the index itself is kept by app.cache.similarity)."""
    recs = query("themes__similarity_recommendations")
    features = query("themes__similarity_features")
    challenges = query("themes__similarity_challenges")
    index = similar.index_from_queries(recs, features, challenges, taxonomy)
    if index is None:  # two wordings with one hash (vanishingly rare): index the full rows instead
        index = similar.build_index(query("themes__recommendations", all_records=True), taxonomy)
    return index


@dataclass
class Similarity:
    """The index over every recommendation, the data-driven repeat threshold and the pickers."""

    index: similar.SimilarityIndex
    threshold: float
    pickers: dict


def build_similarity(query: Query, taxonomy) -> Similarity:
    """The TF-IDF index, the threshold, every council's closest repeats (computed now, kept on the index,
    whatever the threshold) and the recommendation pickers: after this the page's questions are look-ups."""
    index = load_index(query, taxonomy)
    threshold = similar.reference_threshold(index)
    similar.repeat_matches(index)
    similar.repeat_councils(index)
    return Similarity(index, threshold, pickers(index))


def _rank(values: pd.Series) -> np.ndarray:
    """A sort key: each value's rank in sorted order, missing values last."""
    codes, uniques = pd.factorize(values.astype(object), sort=True)
    return np.where(codes < 0, len(uniques), codes)


def rec_labels(rows: pd.DataFrame, with_council: bool) -> dict:
    """Picker labels by recommendation id: '[Council ]YYYY-MM · number · title'."""
    return {r: (f"{c} {m} · " if with_council else f"{m} · ")
            + f"{n if isinstance(n, str) and n else '#' + str(s)} · {short(t, 80)}"
            for r, c, m, n, s, t in zip(rows["recommendation_id"], rows["council_name"], rows["challenge_month"],
                                        rows["number"], rows["seq"], rows["title"])}


def pickers(index: similar.SimilarityIndex) -> dict:
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
        out["labels"] = rec_labels(rows, with_council=True)
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


def council_picker(sim: Similarity, council_id: str) -> tuple[list, dict]:
    """A council's indexed recommendations (ids, labels) for the two-step picker."""
    rows = sim.index.rows(sim.pickers["council_rows"].get(council_id, np.zeros(0, dtype=np.int64)))
    return rows["recommendation_id"].tolist(), rec_labels(rows, with_council=False)


def default_rec(sim: Similarity, url_council) -> str | None:
    """The recommendation compared first: the first of the council in the link (?council=), else Breckland's
    finance recommendation, else the first listed (None when nothing is indexed)."""
    index, pick = sim.index, sim.pickers
    if not len(index):
        return None
    if url_council in pick["council_first"]:
        return pick["council_first"][url_council]
    if DEFAULT_REC in index:
        return DEFAULT_REC
    if pick["ids"]:
        return pick["ids"][0]
    return pick["council_first"][pick["councils"][0]]


def council_of(sim: Similarity, recommendation_id: str) -> str:
    return str(sim.index.frame["council_id"].iat[sim.index.position(recommendation_id)])


def seed_row(sim: Similarity, seed: str) -> dict:
    return sim.index.rows([sim.index.position(seed)]).iloc[0].to_dict()


def similar_hits(sim: Similarity, seed: str, labels: dict) -> pd.DataFrame:
    return similar.similar_to(sim.index, seed, k=5, topic_labels=labels)


def seed_heading(row: dict) -> tuple[str, str | None]:
    """The compared recommendation (Markdown) and its full text caption (None when it is the title)."""
    text = row["text"] if isinstance(row.get("text"), str) else None
    heading = (f"**{escape_markdown(row['council_name'])} ({row['challenge_month']})** — "
               f"{escape_markdown(row['title'])}")
    return heading, (f"Full text: {escape_markdown(text)}" if text and text != row["title"] else None)


def closest_heading(hits: pd.DataFrame) -> str:
    best = hits.iloc[0]
    return (f"### Closest match: {escape_markdown(best['council_name'])} ({best['challenge_month']}), "
            f"similarity {best['similarity']:.2f}")


def similar_table(hits: pd.DataFrame, council_link) -> pd.DataFrame:
    return pd.DataFrame({
        "Similarity": hits["similarity"],
        "Recommendation": hits["title"],
        "Council": hits["council_name"],
        "Challenge": hits["challenge_month"],
        "Core element": hits["core_theme"].fillna("–"),
        "In common": hits["shared"],
        "Council page": [council_link(c, m) for c, m in zip(hits["council_id"], hits["challenge_month"])],
    })


def scoring_note(sim: Similarity) -> str:
    return (
        "Each recommendation's title and full text (where we hold it) are turned into TF-IDF vectors with "
        "scikit-learn, and compared by cosine similarity (0 = nothing in common, 1 = identical). The score "
        "mixes **50%** shared words and two-word phrases, **20%** shared word fragments (so *finance* "
        "meets *financial*), and **30%** shared topics and core element (so a 'money plan' meets an "
        "'MTFS'). Common words (*council*, *ensure*, *members*…) and our editorial notes (*text cut off*, "
        "*heading only*) are ignored. "
        f"{len(sim.index.skipped)} recommendations recorded only as 'wording not captured' are not indexed."
    )


# ---------------------------------------------------------------- 4b. repeated recommendations


def repeat_council_count(sim: Similarity) -> int:
    """Councils with two or more challenges with recommendations recorded."""
    return len(similar.repeat_councils(sim.index))


def repeats(sim: Similarity, threshold: float, labels: dict) -> dict:
    """The flagged repeats at ``threshold``: how many, at how many councils, the first TABLE_LIMIT pairs
    (strongest first) and the repeat councils' summary (first TABLE_LIMIT councils)."""
    index = sim.index
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
        "pairs": similar.repeat_rows(index, flagged.head(TABLE_LIMIT), labels),
        "summary": summary,
    }


def repeats_heading(found: dict, n_repeat_councils: int) -> str:
    n_flag = found["n_flag"]
    return (f"### {n_flag:,} later recommendation{'s' if n_flag != 1 else ''} closely "
            f"match{'es' if n_flag == 1 else ''} one from the same council's earlier challenge "
            f"({found['n_flag_councils']:,} of {n_repeat_councils:,} councils with repeat challenges)")


def repeat_cards_caption(found: dict) -> str | None:
    n_flag, n_pairs = found["n_flag"], len(found["pairs"])
    if n_flag <= REPEAT_CARDS:
        return None
    return (f"The {REPEAT_CARDS} closest pairs are shown here; *Show the data* lists "
            + (f"the first {n_pairs:,} of all {n_flag:,}." if n_flag > n_pairs else f"all {n_flag:,}."))


def repeat_cards(found: dict, council_link) -> list[str]:
    """The closest REPEAT_CARDS pairs, one Markdown card each."""
    return [
        f"**{escape_markdown(p['council_name'])}** · similarity "
        f"**{p['similarity']:.2f}** · in common: {escape_markdown(p['shared']) or '–'}\n\n"
        f"- **{p['earlier_challenge_month']}:** {escape_markdown(p['earlier_title'])}\n"
        f"- **{p['later_challenge_month']}:** {escape_markdown(p['later_title'])} "
        f"([council page]({council_link(p['council_id'], p['later_challenge_month'])}))"
        for _, p in found["pairs"].head(REPEAT_CARDS).iterrows()
    ]


def repeat_pairs_table(found: dict) -> pd.DataFrame:
    pairs = found["pairs"]
    return pd.DataFrame({
        "Council": pairs["council_name"],
        "Earlier": pairs["earlier_challenge_month"],
        "Earlier recommendation": pairs["earlier_title"],
        "Later": pairs["later_challenge_month"],
        "Later recommendation": pairs["later_title"],
        "Similarity": pairs["similarity"],
        "In common": pairs["shared"],
    })


def threshold_note(sim: Similarity) -> str:
    return (
        f"Recommendations made to **different** councils cannot be repeats of each other, so their "
        f"similarity shows how alike unrelated or merely same-topic recommendations look. The default, "
        f"**{sim.threshold:.2f}**, is the 98th percentile of that similarity across every pair of "
        f"recommendations at different councils: a pair flagged here is more alike than 49 in 50 such "
        f"pairs. Reading the pairs ranked by score supports the line: above it, pairs on inspection "
        f"restate the same issue (e.g. Colchester's priorities in 2014 and 2022); below it unrelated pairs "
        f"that merely share a word or a broad topic start to appear. Recomputed whenever the data changes."
        + (" With this many recommendations the percentile is estimated from a fixed sample of "
           f"{similar._SAMPLE_PAIRS:,} pairs." if len(sim.index) > similar._EXACT_PAIRS_UP_TO else "")
    )


# ---------------------------------------------------------------- 5. taxonomy and label sources


def label_sources(query: Query, sel: Selection) -> tuple[str, pd.DataFrame]:
    """The heading and the table of curated / proposed / no labels, for core elements and topics."""
    sources = query("themes__label_sources", **sel.params).iloc[0]
    table = pd.DataFrame({
        "Label": ["Core element", "Topics"],
        "Curated": [int(sources["core_curated"]), int(sources["topics_curated"])],
        "Proposed by the tagger": [int(sources["core_labelled"] - sources["core_curated"]),
                                   int(sources["topics_labelled"] - sources["topics_curated"])],
        "None": [int(sources["core_none"]), int(sources["topics_none"])],
    })
    heading = (f"## Of the {sel.n_recs:,} recommendations in this selection, "
               f"{table.at[0, 'Curated']:,} have a curated core element and "
               f"{table.at[0, 'Proposed by the tagger']:,} a proposed one")
    return heading, table


def taxonomy_table(sel: Selection, taxonomy) -> pd.DataFrame:
    tagged = sel.pooled["topic"].set_index("theme")["recommendations"]
    return pd.DataFrame([{
        "Topic": t.label, "Core element it usually belongs to": t.core_theme,
        "Recommendations (this selection)": int(tagged.get(t.id, 0)), "Keywords": len(t.keywords),
    } for t in taxonomy.topics.values()])


def taxonomy_sections(taxonomy) -> list[tuple[str, list[str]]]:
    """Per core element with topics: the expander label and one Markdown paragraph per topic."""
    out = []
    for element in CORE_THEMES:
        topics_here = [t for t in taxonomy.topics.values() if t.core_theme == element]
        if not topics_here:
            continue
        out.append((f"{element} – {len(topics_here)} topic{'s' if len(topics_here) != 1 else ''}", [
            f"**{escape_markdown(t.label)}** (`{t.id}`) – {escape_markdown(t.description)}\n\n"
            f"*Keywords:* {escape_markdown(', '.join(t.keywords)) or '–'}"
            + (f"\n\n*Tags filed under it:* {escape_markdown(', '.join(t.aliases))}" if t.aliases else "")
            for t in topics_here]))
    return out
