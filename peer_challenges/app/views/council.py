"""The council page's view model: one council's peer challenge as the page shows it -- the headline metrics
with their captions (including the "overdue known" rule), the timeline table, the recommendations table and
each recommendation's details, the council-wide progress figures, the comparison with similar councils and
the sources. Plain functions over query results (pages/council.py draws them)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from peer_challenges.analysis import charts, narrative
from peer_challenges.analysis.narrative import (
    ASSESSED_LABELS, RAG_LABELS, RECORD_FLAG_LABELS, date_label, escape_markdown, plural,
)
from peer_challenges.app.views.common import Chart, Metric, Query, share_cell
from peer_challenges.domain.status import status_words
from peer_challenges.domain.vocab import (
    COUNCIL_TYPE_LABELS, COUNTED_KINDS, DATE_BASIS_WORDS, RECORD_KIND_WORDS, council_type_words,
)

MONTH_KEY = re.compile(r"^(\d{4}-\d{2}|unknown)$")
URL_SAFE = re.compile(r"[()\s<>]")
NOT_REPORTED = "not reported"
LABEL_CHARS = 110  # a recommendation's expander label is cut to this many characters
HISTORY_COLUMNS = ["As of", "Status", "As written", "RAG", "Original target", "Revised target", "Assessed by",
                   "Peer team's view", "Note"]


def md_link(title, url) -> str:
    """A Markdown link with escaped text; the URL (validated as http(s) at build time) has brackets encoded."""
    text = escape_markdown(title) or "source"
    if narrative.missing(url) or not str(url).startswith(("http://", "https://")):
        return f"{text} (no public link)"
    safe = URL_SAFE.sub(lambda m: "%{:02X}".format(ord(m.group(0))), str(url))
    return f"[{text}]({safe})"


# ---------------------------------------------------------------- which council and challenge


@dataclass(frozen=True)
class Suggestions:
    """For a link whose council is not recognised: the hint sentence, the councils to offer and their names."""

    hint: str
    council_ids: list[str]
    names: dict[str, str]


def suggestions(raw: str, councils: pd.DataFrame) -> Suggestions:
    """Councils whose id or name is close to ``raw`` (up to 5); when none is close, the 3 nearest names by
    spelling. ``councils``: council__list (council_id, name)."""
    names = dict(zip(councils["council_id"].tolist(), councils["name"].tolist()))
    ids = councils["council_id"].tolist()
    lowered = {n.lower(): cid for cid, n in names.items()}
    guess = raw.lower()
    matches = difflib.get_close_matches(guess, ids, n=5, cutoff=0.6)
    matches += [lowered[m] for m in difflib.get_close_matches(guess, list(lowered), n=5, cutoff=0.6)]
    found = list(dict.fromkeys(matches))[:5]
    close = bool(found)
    if not close:  # nothing is close: still offer the nearest names by spelling
        found = [lowered[m] for m in difflib.get_close_matches(guess, list(lowered), n=3, cutoff=0.0)]
    if close:
        hint = "Did you mean one of the councils below?"
    elif found:
        hint = "No council's name is close to it; the nearest by spelling are below, or type a council's name in the box."
    else:
        hint = "The dataset holds no councils yet."
    return Suggestions(hint, found, {cid: names[cid] for cid in found})


def challenge_notice(council_name: str, raw_challenge, keys: list[str]) -> str | None:
    """The notice when the link names a challenge month the council does not have (None when it does)."""
    if not raw_challenge or raw_challenge in keys:
        return None
    shown = f" ({raw_challenge})" if MONTH_KEY.match(raw_challenge) else ""
    return (f"{escape_markdown(council_name)} has no recorded challenge with the on-site month in this "
            f"link{shown}; showing its most recent challenge instead.")


def challenge_options(challenges: pd.DataFrame) -> dict[str, str]:
    """The challenge picker's labels by challenge key; the first (most recent) is marked."""
    keys = list(challenges["challenge_key"])
    return {key: narrative.challenge_label(row).capitalize() + (" (most recent)" if key == keys[0] else "")
            for key, row in zip(keys, challenges.to_dict("records"))}


def challenge_record(challenges: pd.DataFrame, key: str) -> dict:
    """One challenge (a council__challenges row) as a dict, with its challenge_key."""
    challenge = challenges.set_index("challenge_key").loc[key].to_dict()
    challenge["challenge_key"] = key
    return challenge


def council_line(council: Mapping, n_challenges: int) -> str:
    """The line under the council's name: type, region, ONS code and how many challenges are recorded."""
    return (
        f"{escape_markdown(COUNCIL_TYPE_LABELS.get(council['council_type'], council['council_type']))} council, "
        f"{escape_markdown(council['region'])}"
        + (f" · ONS code {escape_markdown(council['ons_code'])}" if not narrative.missing(council["ons_code"]) else "")
        + f" · {plural(n_challenges, 'corporate peer challenge')} recorded"
    )


@dataclass
class ChallengeData:
    """What the page reads for one challenge."""

    recommendations: pd.DataFrame
    updates: pd.DataFrame
    snapshots: pd.DataFrame
    sources: pd.DataFrame


def load(query: Query, challenge_id: str) -> ChallengeData:
    return ChallengeData(*(query(f"council__{name}", challenge_id=challenge_id)
                           for name in ("recommendations", "updates", "snapshots", "sources")))


# ---------------------------------------------------------------- metrics


def kinds_note(recs: pd.DataFrame) -> str:
    """'Of these, 18 are headings (standing for 18 recommendations).' for records that are not one
    recommendation with its own wording ('' when every record is one)."""
    if "record_kind" not in recs or recs.empty:
        return ""
    other = recs[~recs["record_kind"].isin(COUNTED_KINDS)]
    if other.empty:
        return ""
    words = RECORD_KIND_WORDS
    parts = []
    for kind, rows in other.groupby("record_kind"):
        one, many = words.get(kind, (kind, kind))
        k = len(rows)
        part = f"{k} {one if k == 1 else many}"
        stands = rows["stands_for"].dropna()
        if len(stands):
            part += f" (standing for {int(stands.sum())} recommendation{'s' if int(stands.sum()) != 1 else ''})"
        parts.append(part)
    return "Of these, " + " and ".join(parts) + "; theme counts across councils leave them out."


def overdue_known(recs: pd.DataFrame) -> bool:
    """Whether 'overdue' can be counted: some open recommendation has a target and a dated update (its bucket
    is open_overdue or open_not_due), or none is open and every recommendation has a reported status (one
    with no status may be open, so '0 overdue' would not be known)."""
    open_recs = recs[recs["is_open"].fillna(False).astype(bool)]
    if open_recs.empty:
        return bool(recs["latest_status"].notna().all())
    return bool(open_recs["slippage_bucket"].isin(["open_overdue", "open_not_due"]).any())


def overdue_caption(recs: pd.DataFrame, known: bool) -> str | None:
    """The recommendations with no reported status (they may be open): left out of a known Overdue figure
    (``known``: overdue_known), or the reason it is not known when no recommendation is reported open."""
    unreported = int(recs["latest_status"].isna().sum())
    if not unreported or not recs["latest_status"].notna().any():
        return None
    phrase = f"{plural(unreported, 'recommendation')} with no reported status"
    if known:
        return f"{phrase} not counted"
    return phrase if not recs["is_open"].fillna(False).astype(bool).any() else None


def metrics(recs: pd.DataFrame, challenge: Mapping) -> list[Metric]:
    """The five headline metrics: Recommendations, Complete, In progress, Overdue, Median slippage (days)."""
    n = len(recs)
    statuses = recs["latest_status"]
    has_status = bool(statuses.notna().any())
    complete = int((statuses == "complete").sum())
    in_progress = int((statuses == "in_progress").sum())
    overdue = int((recs["slippage_bucket"] == "open_overdue").sum())
    known = overdue_known(recs)
    slip = recs["slippage_days"].dropna()
    total = narrative.as_int(challenge.get("recommendations_total"))
    return [
        Metric("Recommendations", n, "Recommendations recorded here for this challenge (every record: headings "
               "and placeholders are said apart below the figure).",
               ". ".join(x for x in (narrative.coverage_note(n, total), kinds_note(recs)) if x)),
        Metric("Complete", complete if has_status else NOT_REPORTED,
               "Latest status 'complete'. Each status says whose rating it is (the council's own or the peer "
               "team's finding): see 'Assessed by' in the table."),
        Metric("In progress", in_progress if has_status else NOT_REPORTED, "Latest status 'in progress'."),
        Metric("Overdue", (overdue if known else "not known") if has_status else NOT_REPORTED,
               "Still open after the ORIGINAL target date, at the latest dated update. 'Not known' when the "
               "open recommendations have no target date or no dated update, or when none is open but some "
               "have no reported status.", overdue_caption(recs, known)),
        Metric("Median slippage (days)", f"{slip.median():.0f}" if len(slip) else "not known",
               "Days from the original target to completion (or, if open, to the latest update); negative = early.",
               f"over {plural(len(slip), 'recommendation')} with a known slippage" if len(slip)
               else "needs a target date and a dated update"),
    ]


def status_caption(recs: pd.DataFrame) -> str | None:
    """Who assessed the statuses, and the statuses the metrics leave out (None when there are no recommendations)."""
    statuses = recs["latest_status"]
    if not statuses.notna().any():
        return ("No status has been reported for these recommendations, so completion cannot be shown."
                if len(recs) else None)
    others = recs.loc[statuses.notna() & ~statuses.isin(["complete", "in_progress"]), "latest_status"].value_counts()
    extra = [f"{k} {narrative.STATUS_PHRASES[s]}" for s, k in others.items()]
    unreported = int(statuses.isna().sum())
    if unreported:
        extra.append(f"{unreported} with no reported status")
    who = f"Statuses: {narrative.who_assessed(recs.loc[statuses.notna(), 'latest_assessed_by'])}."
    return who + (" Also: " + ", ".join(extra) + "." if extra else "")


# ---------------------------------------------------------------- timeline


@dataclass
class Timeline:
    chart: Chart | None  # None: the on-site date is not known
    table: pd.DataFrame
    approximate: bool  # some dates are known only to the month or coarser
    basis: str | None  # where the report date comes from


def timeline(challenge: Mapping) -> Timeline:
    steps = narrative.milestones(challenge)
    chart = None
    if not steps["days_from_onsite"].isna().all():
        chart = Chart(charts.council_timeline(steps),
                      "Dot chart: for each milestone, the actual number of days after the on-site visit (filled "
                      "circle) and the LGA norm (open diamond).")
    table = pd.DataFrame({
        "Milestone": steps["milestone"],
        "Date": steps["date_label"],
        "Days from on site": [charts.days_range_text(d, lo, hi) if not narrative.missing(d) else "not known"
                              for d, lo, hi in zip(steps["days_from_onsite"], steps["days_min"], steps["days_max"])],
        "LGA norm": steps["norm"],
        "Met the norm": steps["met_norm"],
    })
    basis = challenge.get("report_published_basis")
    return Timeline(chart, table, bool(steps["approximate"].any()),
                    None if narrative.missing(basis) else
                    "Report date: " + escape_markdown(DATE_BASIS_WORDS.get(basis, basis)) + "."
                    + ("" if basis == "lga_publication" else " The 3-month norm is judged on the final report's "
                       "publication only, so this date is shown but not judged."))


# ---------------------------------------------------------------- recommendations


def no_recommendations_notice(total, snapshots: pd.DataFrame) -> str:
    return (("None of the report's recommendations is recorded here yet" if total else
             "No recommendations are recorded for this challenge")
            + (" — see the council-wide progress figures below." if len(snapshots) else
               ". The sources below are where they would come from."))


def coverage_warning(n: int, total) -> tuple[str, str] | None:
    """("warning" | "caption", text) when the recorded list is short of the report's total or its total is
    not known; None when every recommendation is recorded."""
    total = narrative.as_int(total)
    if total is not None and n < total:
        return ("warning", f"Only {n} of the report's {total} recommendations are recorded here; the rest were not "
                           "in the pages read. Figures on this page cover the recorded ones only.")
    if total is None:
        return ("caption", "How many recommendations the report made is not known; the list may be incomplete.")
    return None


def _who(accountable, responsible) -> str:
    parts = [p for p in (accountable, responsible) if not narrative.missing(p)]
    if len(parts) == 2 and parts[0] != parts[1]:
        return f"{parts[0]} (accountable); {parts[1]} (responsible)"
    return parts[0] if parts else ""


def recommendations_table(recs: pd.DataFrame) -> pd.DataFrame:
    """The recommendations table, one row per recommendation, with the page's column labels."""
    return pd.DataFrame({
        "No.": recs["number"].fillna("–"),
        "Recommendation": recs["title"],
        "Latest status": [status_words(s) for s in recs["latest_status"]],
        # whose status it is and when, beside it (not off screen to the right)
        "Assessed by": [ASSESSED_LABELS.get(a, ASSESSED_LABELS["unknown"]) if not narrative.missing(s) else ""
                        for a, s in zip(recs["latest_assessed_by"].fillna("unknown"), recs["latest_status"])],
        "Status as of": [date_label(d, p) if not narrative.missing(s) else ""
                         for d, p, s in zip(recs["latest_as_of"], recs["latest_as_of_precision"], recs["latest_status"])],
        "Slippage": [narrative.slippage_text(b, d) for b, d in zip(recs["slippage_bucket"], recs["slippage_days"])],
        "Target date": [date_label(d, p) if not narrative.missing(d) else "none"
                        for d, p in zip(recs["target_date"], recs["target_precision"])],
        "Target (as written)": recs["target_raw"].fillna(""),
        "Revised target": [date_label(d, p) if not narrative.missing(d) else ""
                           for d, p in zip(recs["revised_target"], recs["revised_target_precision"])],
        "Peer team's view": recs["latest_peer_view"].fillna("") if "latest_peer_view" in recs else "",
        "Slippage (days)": recs["slippage_days"],
        "Core theme": recs["core_theme"].fillna("not assigned"),
        "Topics": [[] if t is None or isinstance(t, float) else [narrative.topic_label(x) for x in t]
                   for t in recs["topics"]],
        "Accountable / responsible": [_who(a, r) for a, r in zip(recs["accountable"], recs["responsible"])],
        "Record": [RECORD_FLAG_LABELS.get(None if narrative.missing(f) else f, f) for f in recs["record_flag"]],
        "Record kind": [narrative.RECORD_KIND_LABELS.get(k, k) for k in recs["record_kind"]]
        if "record_kind" in recs else "",
    })


def update_rows(updates: pd.DataFrame) -> dict[str, list[dict]]:
    """Every update's history row, grouped per recommendation id, oldest first (built once per challenge in
    plain Python: small frames of Arrow-backed strings are slow to slice)."""
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
            "Peer team's view": u["peer_view"] if isinstance(u.get("peer_view"), str) else "",
            "Note": u["note"] if isinstance(u["note"], str) else "",
            "source_title": u["source_title"], "source_url": u["source_url"],
        })
    return by_rec


@dataclass
class RecommendationDetail:
    """One recommendation's expander: its label, its text (or the title when the text is not recorded), the
    facts, the update history table (None: no update) and its sources (None: none recorded). Markdown, escaped."""

    label: str
    text: str
    paraphrased: bool
    facts: str
    history: pd.DataFrame | None
    sources: str | None


def _detail(row: Mapping, history: list[dict]) -> RecommendationDetail:
    number = "" if narrative.missing(row["number"]) else f"{row['number']}. "
    label = f"{number}{row['title']}"
    label = label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 3].rstrip() + "…"
    paraphrased = narrative.missing(row["text"])
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
    table = None
    if history:
        target = (date_label(row["target_date"], row["target_precision"])
                  if not narrative.missing(row["target_date"]) else "none")
        table = pd.DataFrame([{**h, "Original target": target} for h in history], dtype=object,
                             columns=HISTORY_COLUMNS).set_index("As of")
    links = {}
    for t, u in [(row["source_title"], row["source_url"])] + [(h["source_title"], h["source_url"]) for h in history]:
        if not narrative.missing(t):
            links[(t, None if narrative.missing(u) else u)] = None
    return RecommendationDetail(
        label=f"{status_words(row['latest_status'])} · {escape_markdown(label)}",
        text=escape_markdown(row["title"] if paraphrased else row["text"]),
        paraphrased=paraphrased,
        facts="  \n".join(facts),
        history=table,
        sources=("**Sources:** " + "; ".join(md_link(t, u) for t, u in links)) if links else None,
    )


def recommendation_details(recs: pd.DataFrame, updates: pd.DataFrame) -> list[RecommendationDetail]:
    """Each recommendation's expander, in the order of the table."""
    by_rec = update_rows(updates)
    return [_detail(row, by_rec.get(row["recommendation_id"], [])) for _, row in recs.iterrows()]


# ---------------------------------------------------------------- council-wide progress figures


SNAPSHOT_ASSESSED = {"council": "The council's own figure", "peer_team": "The peer team's finding",
                     "unknown": "Not known whose figure"}


def snapshot_tables(snapshots: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """One table per unit counted (recommendations or actions), indexed by 'As of', in the data's order, each
    row saying whose figure it is and whether it is a forecast."""
    m = narrative.missing
    out = []
    for unit, grp in snapshots.groupby("unit", sort=False):
        out.append((unit, pd.DataFrame({
            "As of": [date_label(d, p) for d, p in zip(grp["as_of"], grp["as_of_precision"])],
            "Total": grp["total"].astype("object").where(grp["total"].notna(), "not given"),
            "Complete": grp["complete"].astype("object").where(grp["complete"].notna(), "—"),
            "In progress": grp["in_progress"].astype("object").where(grp["in_progress"].notna(), "—"),
            "Not started": grp["not_started"].astype("object").where(grp["not_started"].notna(), "—"),
            "Green / amber / red": [
                "—" if m(g) and m(a) and m(r) else
                f"{'?' if m(g) else int(g)} green, {'?' if m(a) else int(a)} amber, {'?' if m(r) else int(r)} red"
                for g, a, r in zip(grp["rag_green"], grp["rag_amber"], grp["rag_red"])],
            "Assessed by": [SNAPSHOT_ASSESSED.get(a, SNAPSHOT_ASSESSED["unknown"]) for a in grp["assessed_by"]],
            "Kind": ["Forecast (expected by that date)" if not m(f) and bool(f) else "Count"
                     for f in grp["is_forecast"]],
            "Note": [" ".join(x for x in (n_, b) if not m(x)) for n_, b in zip(grp["note"], grp["basis"])],
        }).set_index("As of")))
    return out


# ---------------------------------------------------------------- comparison with similar councils


@dataclass
class Comparison:
    caption: str
    completion: Chart
    progress_review: Chart
    table: pd.DataFrame


def assessed_cell(by_council, by_peer_team, by_unknown) -> str:
    """Who gave the statuses behind a share: "the council's own ratings", or the mix with counts."""
    if all(narrative.missing(x) or not x for x in (by_council, by_peer_team, by_unknown)):
        return "—"
    return narrative.who_assessed_counts({"council": by_council, "peer_team": by_peer_team, "unknown": by_unknown})


def comparison(query: Query, challenge_id: str, council: Mapping) -> Comparison:
    """This challenge against councils of the same type, the same region and all councils."""
    frame = query("council__comparison", challenge_id=challenge_id)
    type_label = COUNCIL_TYPE_LABELS.get(council["council_type"], council["council_type"])
    group_names = {"this": "This challenge", "type": f"{type_label} councils",
                   "region": f"{council['region']}", "all": "All councils"}
    frame["label"] = frame["grp"].map(group_names)
    frame["is_this"] = frame["grp"] == "this"
    caption = (f"This challenge is {escape_markdown(council['name'])}'s, highlighted in orange with an outline; the "
               f"other bars pool every recorded challenge of {escape_markdown(council_type_words(type_label))} "
               f"councils, of councils in {escape_markdown(council['region'])}, and of all councils.")
    completion = Chart(charts.comparison_completion(frame),
                       "Bar chart of the share of recommendations complete (of those with a reported status) for this "
                       "challenge and for councils of the same type, the same region and all councils.")
    review = Chart(charts.comparison_progress_review(frame),
                   "Bar chart of the median days from the on-site visit to the progress review for this challenge and "
                   "for councils of the same type, the same region and all councils, with the ~10-month norm marked.")
    denom = (frame["recommendations_with_status"].fillna(0) - frame["superseded"].fillna(0)).astype(int)
    table = pd.DataFrame({
        "Group": frame["grp"].map({**group_names, "this": f"{council['name']} (this challenge)",
                                   "region": f"Councils in {council['region']}"}),
        "Councils": frame["councils"],
        "Challenges": frame["challenges"],
        "Share complete": [share_cell(k, n) for k, n in zip(frame["complete"].fillna(0), denom)],
        "Out of": denom,
        "Statuses assessed by": [assessed_cell(c, p, u) for c, p, u in zip(
            frame["statuses_by_council"], frame["statuses_by_peer_team"], frame["statuses_by_unknown"])],
        "From challenges with a status": frame["challenges_with_status"],
        "Median days to progress review": [charts.days_range_text(d, lo, hi) if not narrative.missing(d) else "no date"
                                           for d, lo, hi in zip(frame["median_days_to_progress_review"],
                                                                frame["median_days_to_progress_review_min"],
                                                                frame["median_days_to_progress_review_max"])],
        "Challenges with a progress-review date": frame["challenges_with_progress_review"],
    })
    return Comparison(caption, completion, review, table)


# ---------------------------------------------------------------- sources and notes


def sources_table(sources: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Title": sources["title"],
        "Kind": sources["kind"].map(narrative.SOURCE_KIND_LABELS).fillna(sources["kind"]),
        "Published": [date_label(d, p) if not narrative.missing(d) else "" for d, p in
                      zip(sources["published"], sources["published_precision"])],
        "Link": sources["url"].fillna(""),  # blank, not "None", where a source has no public link
    })


def notes_paragraphs(challenge: Mapping) -> list[str]:
    """The collectors' notes on what is missing, as escaped Markdown paragraphs ([] when there are none)."""
    notes = challenge.get("notes")
    if narrative.missing(notes):
        return []
    return [escape_markdown(para) for para in str(notes).split("\n\n")]
