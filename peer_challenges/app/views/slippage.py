"""The Slippage page's view model: the council and theme pickers' options and the query parameters they
give, the delivery figures (metrics, the open-and-overdue lines, the dot plot, the range chart and the two
tables), the process-timeliness figures (metrics, the dot chart and the share-on-time bars) and the
progress-review findings (cards and table). Plain functions over a query callable (store.db.run_query's
signature: tests pass run_query, the page ui.query, which caches); the layout is pages/slippage.py.

Scale: every figure is counted in SQL (slippage__summary, slippage__timeliness_summary); lists, tables and
charts get at most a bounded number of rows from SQL (ac.SLIPPAGE_LIMITS, read on every call so tests can
lower them), with a caption saying what is left out."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from peer_challenges.analysis import timeliness_charts as tc
from peer_challenges.analysis import trend_charts as ac
from peer_challenges.analysis.stats import SMALL
from peer_challenges.analysis import narrative
from peer_challenges.analysis.narrative import date_label, day_range, escape_markdown, missing, slippage_text
from peer_challenges.domain.vocab import RECORD_KIND_WORDS
from peer_challenges.app.views.common import Chart, Metric, Query
from peer_challenges.domain.status import status_words
from peer_challenges.domain.vocab import CORE_THEMES

RAG_WORDS = {"red": "🔴 Red", "amber": "🟠 Amber", "green": "🟢 Green"}
GROUP_BY = {"core_theme": "Core element", "council_type": "Council type"}
SHORT = {"report": "report", "action_plan": "action plan", "progress_review": "progress review",
         "progress_review_published": "review report"}
COMPARE_BY = {"year": "On-site year", "region": "Region", "council_type": "Council type"}
ALL_COUNCILS = "All councils"
TABS = ["Delivery against targets", "Process timeliness", "Council ratings and progress reviews"]


def limit(name: str) -> int:
    """How many rows the page asks SQL for, per list/chart/table (ac.SLIPPAGE_LIMITS; tests lower them)."""
    return ac.SLIPPAGE_LIMITS[name]


def dated(value, precision) -> str:
    """A date at its precision, with the day it is stored as when coarser: '2019/20 (ends 31 Mar 2020)'."""
    if missing(value):
        return "–"
    return _dated(value, None if missing(precision) else precision)


@functools.lru_cache(maxsize=65_536)  # a table repeats the same few dates many times
def _dated(value, precision: str | None) -> str:
    label = date_label(value, precision)
    return label if precision is None or precision == "day" else f"{label} (ends {date_label(value, 'day')})"


def with_who(status, assessed_by) -> str:
    return status_words(status, assessed_by=assessed_by, say_who=True)


def plural_s(n: int) -> str:
    return "s" if n != 1 else ""


# ---------------------------------------------------------------- which council and theme


def taxonomy_and_labels(load: Callable[[], object]) -> tuple[object | None, dict]:
    """The taxonomy (``load()``) and its topic labels by id; (None, {}) when it cannot be read: topic names
    are a nicety, the data still carries topic ids."""
    try:
        taxonomy = load()
        return taxonomy, {tid: t.label for tid, t in taxonomy.topics.items()}
    except Exception:
        return None, {}


def council_choices(ids: list[str]) -> list[str]:
    """The council picker's options: '' (all councils) first."""
    return [""] + list(ids)


def council_choice_label(council_id: str, names: dict) -> str:
    return names.get(council_id, ALL_COUNCILS) if council_id else ALL_COUNCILS


@dataclass(frozen=True)
class Scope:
    """What the delivery and ratings tabs count: the query parameters and the words that say so."""

    params: dict
    description: str


def scope(council: str | None, council_name: str | None, filter_params: dict, filters_description: str) -> Scope:
    """One council (the sidebar filters do not apply to it), else the sidebar filters."""
    if council:
        return Scope({"council_id": council}, f"{council_name} (the sidebar filters do not apply to a single council)")
    return Scope(dict(filter_params), filters_description)


@dataclass(frozen=True)
class ThemeChoices:
    """The theme picker's options ('all', core elements in CPC order, topics by label) and each topic tag
    present mapped onto the taxonomy's topic id (unknown tags kept as they are)."""

    options: list[str]
    tag_topic: dict[str, str]


def theme_choices(query: Query, scope_params: dict, taxonomy, labels: dict) -> ThemeChoices:
    """The themes present in the selection: core elements, and topic tags mapped onto the taxonomy's topics."""
    options = query("slippage__theme_options", **scope_params)
    core_present = set(options.loc[options["kind"] == "core", "value"])
    tags = list(options.loc[options["kind"] == "topic", "value"])
    tag_topic = {tag: ((taxonomy.canonical_topic(tag) or tag) if taxonomy is not None else tag) for tag in tags}
    core_names = [t for t in CORE_THEMES if t in core_present]
    topic_ids = sorted(set(tag_topic.values()), key=lambda t: labels.get(t, t).lower())
    return ThemeChoices(ac.theme_choices(core_names, topic_ids), tag_topic)


def theme_label(option: str, labels: dict) -> str:
    return ac.theme_choice_label(option, labels)


def rec_params(scope_params: dict, theme: str, tag_topic: dict) -> dict:
    """The recommendation queries' parameters: the scope plus the theme (a core element, or the tags of a topic)."""
    out = {**scope_params, "core_theme": None, "topic_tags": None}
    if theme != "all":
        kind, value = theme.split(":", 1)
        if kind == "core":
            out["core_theme"] = value
        else:
            out["topic_tags"] = sorted(tag for tag, tid in tag_topic.items() if tid == value)
    return out


def showing_caption(scope_description: str, theme: str, labels: dict) -> str:
    text = scope_description + (f"; {theme_label(theme, labels).lower()}" if theme != "all" else "")
    return f"Showing: {escape_markdown(text)}."


# ---------------------------------------------------------------- delivery slippage


@dataclass
class Delivery:
    """slippage__summary (one row per reason a recommendation cannot be measured, and the total row,
    is_total = 1) with the measurability counts and the total row's counts."""

    summary: pd.DataFrame
    measurability: dict      # ac.measurability_from_summary: recommendations, with_target, measured, ...
    n_on_time: int
    n_late: int
    n_overdue: int
    median_overdue: float | None  # median days overdue of the open and overdue (None when there are none)
    n_revised: int           # targets revised, of those with a dated target
    n_done: int              # dated target, reported complete
    n_open: int              # dated target, still open at a dated update
    left_out: pd.DataFrame   # slippage__left_out: placeholders, headings, focus areas of the selection, by kind

    @property
    def n_recommendations(self) -> int:
        return self.measurability["recommendations"]

    @property
    def n_measured(self) -> int:
        return self.measurability["measured"]

    @property
    def n_targeted(self) -> int:
        return self.measurability["with_target"]


def delivery(query: Query, rec_params: dict) -> Delivery:
    summary = query("slippage__summary", **rec_params)
    total = summary[summary["is_total"] == 1]
    count = (lambda col: int(total[col].iloc[0]) if len(total) else 0)  # noqa: E731
    n_overdue = count("open_overdue")
    return Delivery(
        summary=summary, measurability=ac.measurability_from_summary(summary),
        n_on_time=count("on_time"), n_late=count("late"), n_overdue=n_overdue,
        median_overdue=total["overdue_median_days"].iloc[0] if n_overdue else None,
        n_revised=count("targeted_revised"), n_done=count("targeted_done"), n_open=count("targeted_open"),
        left_out=query("slippage__left_out", **rec_params),
    )


def delivery_metrics(d: Delivery) -> list[Metric]:
    """The five metrics above the delivery tab (the first is wide: '450,404 of 731,629' at national scale)."""
    m = d.measurability
    return [
        Metric("Measurable", f"{m['measured']:,} of {m['recommendations']:,}",
               "Recommendations with a dated original target AND a dated completion or progress update."),
        Metric("Completed on time", f"{d.n_on_time:,}"),
        Metric("Completed late", f"{d.n_late:,}"),
        Metric("Open and overdue", f"{d.n_overdue:,}",
               "Still open at the latest update, which is after the original target date.",
               f"at {ac.plural(m['overdue_councils'], 'council')}" if d.n_overdue and "overdue_councils" in m else None),
        Metric("Median days overdue", f"{int(d.median_overdue)}" if d.n_overdue else "–",
               "Days from the original target to the latest update, for recommendations still open."),
    ]


def measurability_sentence(d: Delivery) -> str:
    """What the figures can measure, and the records they leave out (not one recommendation with its wording)."""
    parts = []
    for r in d.left_out.itertuples(index=False):
        one, many = RECORD_KIND_WORDS.get(r.record_kind, (r.record_kind, r.record_kind))
        parts.append(f"{int(r.records):,} {one if int(r.records) == 1 else many}")
    if not parts:
        return ac.measurability_sentence(d.measurability)
    left_out = " and ".join(parts) if len(parts) <= 2 else ", ".join(parts[:-1]) + " and " + parts[-1]
    if not d.n_recommendations:
        return (f"No record in this selection is one recommendation with its own wording: its {left_out} are "
                "left out of the slippage figures.")
    return (ac.measurability_sentence(d.measurability) + f" Left out of every figure here: {left_out} (records that "
            "are not one recommendation with its own wording).")


def overdue_groups(query: Query, rec_params: dict) -> tuple[str, str | None]:
    """The open-and-overdue lines (Markdown; one per challenge and slippage, the first limit('overdue_groups'))
    and the caption counting the groups left out (None when none is)."""
    groups = query("slippage__overdue_groups", **rec_params, limit=limit("overdue_groups"))
    lines = []
    for g in groups.itertuples(index=False):
        revised = (f"; revised target {dated(g.revised_target, g.revised_target_precision)}, shown beside the "
                   "original, not used to measure" if g.revised_targets == 1 else "")
        k = int(g.recommendations)
        days = f"**{int(g.slippage_days)} days**"
        spread = day_range(g.slippage_days_min, g.slippage_days_max, floor=0)
        if spread:
            days += (f" (between {spread[0]} and {spread[1]}: the update is dated only to its "
                     f"{g.latest_as_of_precision})")
        who = narrative.who_assessed_counts({"council": g.by_council, "peer_team": g.by_peer_team,
                                             "unknown": g.by_unknown})
        lines.append(
            f"- **{escape_markdown(g.council_name)} ({g.challenge_month})**: {k} recommendation{plural_s(k)} "
            f"({escape_markdown(g.numbers)}) open and overdue by {days} at the update of "
            f"{dated(g.latest_as_of, g.latest_as_of_precision)}, against the original target "
            f"{dated(g.target_date, g.target_precision)}{revised}; status: {who}."
        )
    n_groups = int(groups["groups"].iloc[0]) if len(groups) else 0
    more = f"…and {n_groups - len(lines):,} more groups: see the table below." if n_groups > len(lines) else None
    return "**Open and overdue** (status at the latest update, with whose rating it is)\n" + "\n".join(lines), more


def strip_chart(query: Query, rec_params: dict, d: Delivery, group_by: str) -> Chart:
    """The dot plot of days past the original target, one mark per measurable recommendation (a fixed
    random sample of up to limit('strip_per_group') per group beyond that); the headline counts them all."""
    measured = query("slippage__strip", **rec_params, group_by=group_by, per_group=limit("strip_per_group"))
    measured = measured.rename(columns={"grp": group_by})
    headline = ac.slippage_headline_counts(d.n_measured, d.n_on_time, d.n_late, d.n_overdue, d.median_overdue)
    fig = ac.slippage_strip(measured, group_by, headline)
    if len(measured) < d.n_measured:
        marks = (f"one mark per recommendation in a fixed random sample of {len(measured):,} of the "
                 f"{d.n_measured:,} measurable (up to {limit('strip_per_group'):,} per group, with each "
                 "group's earliest and latest)")
        note = (f"The marks are a sample: {len(measured):,} of {d.n_measured:,} recommendations. The headline, "
                "the n= counts and the figures above count all of them.")
    else:
        marks = f"one mark per recommendation ({len(measured)} in all)"
        note = (f"Only {len(measured)} recommendations can be measured, so this is a set of cases, not a national "
                "distribution.")
    alt = (f"Dot plot: {marks}, days after the original target on the horizontal axis, grouped by "
           + GROUP_BY[group_by].lower() + "; marks are shaped and labelled by outcome (completed on time, "
           "completed late, open and overdue, open and not yet due).")
    return Chart(fig, alt, note=note)


def targets_headline(d: Delivery) -> str:
    """'17 recommendations have a dated target: 3 reported complete, ...; 2 targets revised'."""
    n_targeted, n_rev = d.n_targeted, d.n_revised
    n_none = n_targeted - d.n_done - d.n_open
    parts = [f"{k:,} {words}" for k, words in ((d.n_done, "reported complete"),
                                               (d.n_open, "still open at a dated update"),
                                               (n_none, "with no dated update")) if k]
    return (f"{n_targeted:,} recommendation{'s have' if n_targeted != 1 else ' has'} a dated target: "
            + ", ".join(parts) + f"; {n_rev:,} target{plural_s(n_rev)} revised")


@dataclass
class Targets:
    """The range chart (the limit('dumbbell') with the most slippage), the table of dates (the first
    limit('table') by slippage, shown in each challenge's order) and the caption saying what it leaves out."""

    chart: Chart
    table: pd.DataFrame
    caption: str | None


def targets(query: Query, rec_params: dict, d: Delivery) -> Targets:
    n_targeted = d.n_targeted
    # most slippage first; the chart takes the first few, the table the first limit("table")
    targeted = query("slippage__targets", **rec_params, limit=limit("table"))
    charted = targeted.head(limit("dumbbell"))
    fig = ac.target_dumbbell(charted, targets_headline(d))
    targeted = targeted.sort_values(["council_id", "challenge_id", "seq"], kind="stable")
    table = pd.DataFrame({
        "Council": targeted["council_name"],
        "Challenge": targeted["challenge_month"],
        "No.": targeted["number"].fillna("–"),
        "Original target": [dated(v, p) for v, p in zip(targeted["target_date"], targeted["target_precision"])],
        "Revised target": [dated(v, p) for v, p in zip(targeted["revised_target"], targeted["revised_target_precision"])],
        "First reported complete": [dated(v, "day") for v in targeted["completed_on"]],
        "Latest update": [dated(v, p) for v, p in zip(targeted["latest_as_of"], targeted["latest_as_of_precision"])],
        "Slippage": [slippage_text(b, s) for b, s in zip(targeted["slippage_bucket"], targeted["slippage_days"])],
        "Latest status": [with_who(s, a) for s, a in zip(targeted["latest_status"], targeted["latest_assessed_by"])],
        "Recommendation": targeted["title"],
        "Target as written": targeted["target_raw"].fillna("–"),
        "Slippage (days)": targeted["slippage_days"],
    })
    if len(charted) < n_targeted:
        rows_said = (f"one row for each of the {len(charted):,} recommendations with the most slippage (of "
                     f"{n_targeted:,} with a dated target)")
        below = "The table below gives the dates for the recommendations it lists."
        note = (f"The chart shows the {len(charted):,} recommendations with the most slippage (days past the "
                f"original target) of the {n_targeted:,} with a dated target; the headline counts all of them.")
    else:
        rows_said, below, note = "one row per recommendation", "The table below gives every date.", None
    alt = (f"Range chart: {rows_said}; hollow circle = original target, diamond = "
           "revised target, filled circle = first reported complete, cross = latest update while still open; "
           f"a grey line joins the original target to the completion or latest update. {below}")
    caption = ac.shown_of(len(table), n_targeted, "with the most slippage", "recommendations with a dated target")
    return Targets(Chart(fig, alt, note=note), table, caption)


def overdue_heading(d: Delivery) -> str:
    if not d.n_overdue:
        return "## Open and overdue: none in this selection"
    return f"## Open and overdue: {d.n_overdue:,} recommendation{plural_s(d.n_overdue)}"


def overdue_table(query: Query, rec_params: dict, d: Delivery, council_link) -> tuple[pd.DataFrame, str | None]:
    """The open and overdue (the most overdue limit('table'), shown in each challenge's order, as the targets
    table) and the caption saying what it leaves out. ``council_link(council_id, month)``: a council page link."""
    overdue = query("slippage__overdue", **rec_params, limit=limit("table"))
    overdue = overdue.sort_values(["council_id", "challenge_id", "seq"], kind="stable")
    table = pd.DataFrame({
        "Council": overdue["council_name"],
        "Challenge": overdue["challenge_month"],
        "No.": overdue["number"].fillna("–"),
        "Days past original target": overdue["slippage_days"],
        # a target or update known only to its period makes the days a range (the figure is its latest end)
        "Possible range (days)": ["{}–{}".format(*spread) if spread else "exact" for spread in (
            day_range(lo, hi, floor=0) for lo, hi in zip(overdue["slippage_days_min"], overdue["slippage_days_max"]))],
        "Original target": [dated(v, p) for v, p in zip(overdue["target_date"], overdue["target_precision"])],
        "Revised target": [dated(v, p) for v, p in zip(overdue["revised_target"], overdue["revised_target_precision"])],
        "Latest update": [dated(v, p) for v, p in zip(overdue["latest_as_of"], overdue["latest_as_of_precision"])],
        "Status (council's words)": [f"{with_who(s, a)}: “{r}”" if isinstance(r, str) else with_who(s, a)
                                     for s, a, r in zip(overdue["latest_status"], overdue["latest_assessed_by"],
                                                        overdue["latest_status_raw"])],
        "Recommendation": overdue["title"],
        "Council page": [council_link(c, mo) for c, mo in zip(overdue["council_id"], overdue["challenge_month"])],
    })
    return table, ac.shown_of(len(overdue), d.n_overdue, "most overdue", "recommendations open and overdue")


def unmeasured_reasons(d: Delivery) -> pd.DataFrame:
    """Recommendations by the reason they cannot be measured ('measurable' for those that can)."""
    why = d.summary[d.summary["is_total"] != 1]
    return pd.DataFrame({"Reason": why["why_not_measured"].fillna("measurable").to_numpy(),
                         "Recommendations": why["recommendations"].astype(int).to_numpy()})


# ---------------------------------------------------------------- process timeliness


@dataclass
class Timeliness:
    """The timeliness figures over the sidebar filters plus the chosen council's challenges."""

    params: dict             # slippage__timeliness_* parameters
    overall: pd.DataFrame    # slippage__timeliness_summary, by=None
    summary: pd.DataFrame    # tc.timeliness_summary_from_sql(overall): one row per milestone

    def n_dated(self, milestone: str) -> int:
        return int(self.summary.loc[self.summary["milestone"] == milestone, "challenges_with_date"].iloc[0])

    @property
    def as_of(self) -> pd.Timestamp | None:
        value = self.overall["data_as_of"].iloc[0]
        return None if pd.isna(value) else pd.Timestamp(value)


def timeliness(query: Query, filter_params: dict, council: str | None, *,
               exclude_pandemic: bool = False) -> Timeliness | None:
    """None when no challenge matches. exclude_pandemic leaves out processes the pandemic delayed."""
    params = {**filter_params, "council_id": council, "exclude_pandemic": exclude_pandemic}
    overall = query("slippage__timeliness_summary", **params, by=None)
    if overall.empty or int(overall["challenges"].sum()) == 0:
        return None
    return Timeliness(params, overall, tc.timeliness_summary_from_sql(overall))


def timeliness_metrics(t: Timeliness) -> list[Metric]:
    """Per milestone: median days from the on-site visit (the range beside it where dates are coarse), with
    how many met the LGA norm as its caption, as exactly as the dates allow."""
    out = []
    for key, label, months in ac.MILESTONES:
        row = t.summary[t.summary["milestone"] == key].iloc[0]
        n = int(row["challenges_with_date"])
        lo, hi = row["median_days_min"], row["median_days_max"]
        ranged = n and not (pd.isna(lo) or pd.isna(hi)) and int(round(lo)) != int(round(hi))
        caption = (f"{tc.met_text(int(row['on_time']), int(row['undecidable']), n)} within {months} months"
                   + (f"; median between {int(round(lo))} and {int(round(hi))} days" if ranged else "")
                   + (f"; {int(row['undecidable']):,} undecidable (coarse dates)" if row["undecidable"] else ""))
        if key == "report" and row["other_basis"]:
            caption += f"; {int(row['other_basis']):,} dated another way (not judged)"
        judged_on = ("final-report publication dates only" if key == "report" else
                     "CPC progress reviews only (not later follow-ups or health checks)" if key.startswith("progress")
                     else "challenges with both dates")
        out.append(Metric(
            f"Days to {SHORT[key]}", f"{int(round(row['median_days']))}" if n else "–",
            f"{label}: median days from the on-site visit over {n:,} challenge{plural_s(n)} ({judged_on}; a joint challenge "
            "once). Where a date is known only to its month, quarter or year the days are a range; a verdict that "
            "could go either way is counted as undecidable, not guessed.", caption,
        ))
    return out


BASIS_WORDS = {"lga_publication": "final report published", "committee": "first committee date",
               "council_news": "council news item", "received": "date received", "feedback_letter": "feedback letter",
               "draft": "draft report"}


def timeliness_chart(query: Query, t: Timeliness, milestone: str, council: str | None = None,
                     council_name: str | None = None) -> Chart:
    """One dot per challenge (a fixed random sample of limit('timeliness_points'), with every one of the
    starred council's), days to ``milestone`` with their possible range; its data and a note naming the
    starred council's days."""
    col = f"days_to_{milestone}"
    shown = query("slippage__timeliness_points", **t.params, milestone=milestone, limit=limit("timeliness_points"))
    shown = shown.rename(columns={"days": col, "days_min": f"{col}_min", "days_max": f"{col}_max",
                                  "on_time": f"{milestone}_on_time"})
    n_dated = int(shown["total"].iloc[0]) if len(shown) else 0
    fig = tc.timeliness_dots(shown, milestone, tc.timeliness_headline(t.summary, milestone),
                             highlight=council, highlight_name=council_name if council else None)
    data = pd.DataFrame({
        "Council": shown["council_name"], "On site": shown["challenge_month"],
        "Days": shown[col], "Earliest possible": shown[f"{col}_min"], "Latest possible": shown[f"{col}_max"],
        "Verdict": shown["verdict"].map(tc.verdict_words) if len(shown) else [],
        "Date is": shown["basis"].map(lambda b: BASIS_WORDS.get(b, "basis not stated") if isinstance(b, str)
                                      else ("basis not stated" if milestone in tc.JUDGED_BASIS else "")),
        "Approximate": shown["approximate"].map({True: "Yes (coarse date)", False: "No"}),
        "Pandemic-delayed": shown["pandemic_delayed"].map({True: "Yes", False: "No"}),
    })
    note = ("Hollow marks rest on a date known only to its month, quarter or year (stored as the period's last day); "
            "the whisker spans the days it could be. Diamonds could have met or missed the norm.")
    if milestone in tc.JUDGED_BASIS:
        note += (" Only the final report's publication date is judged against the norm; squares are dates of "
                 "another kind (a first committee date, a news item), shown but not judged.")
    sampled = len(shown) < n_dated
    if sampled:
        note = (f"The dots and the table are a fixed random sample of {len(shown):,} of the {n_dated:,} challenges "
                "with this date" + (" (with every one of the starred council's)" if council else "")
                + "; the headline and the figures above count all of them. " + note)
    if council:
        mine = shown[shown["council_id"] == council]
        days = "; ".join(f"{m} – {int(d)} days" for m, d in zip(mine["challenge_month"], mine[col]))
        note += (f" ★ {council_name}: {days}" if len(mine)
                 else f" {council_name} has no recorded date for this milestone.")
    alt = ("Dot chart: one dot per challenge" + (" in the sample" if sampled else "")
           + ", on-site date across, days to the milestone up, a whisker for the possible range; a dashed line "
           "marks the LGA norm; dots meeting it are circles, missing it triangles, undecidable diamonds, not "
           "judged squares; an x marks a pandemic-delayed process.")
    return Chart(fig, alt, data, note)


def on_time_chart(query: Query, t: Timeliness, milestone: str, compare: str) -> Chart:
    """The share of challenges meeting ``milestone``'s norm by on-site year, region or council type; the
    headline names the highest and lowest of the groups with 10 or more challenges judged (stats.SMALL),
    leaving out years whose norm window has not yet closed for every challenge."""
    by_wide = query("slippage__timeliness_summary", **t.params, by=compare)
    by_summary = tc.timeliness_summary_from_sql(by_wide, compare)
    part = by_summary[(by_summary["milestone"] == milestone) & (by_summary["challenges_with_date"] > 0)]
    as_of = t.as_of
    still_open = tc.still_open_groups(by_wide, milestone) if compare == "year" and as_of is not None else []
    solid = part[(part["challenges_with_date"] >= SMALL) & ~part["group"].isin(still_open)]
    label = ac.MILESTONE_LABELS[milestone]
    name = lambda g: ac.COUNCIL_TYPE_LABELS.get(g, str(g))  # noqa: E731
    if len(solid) >= 2:
        title = f"{label} within {ac.MILESTONE_NORMS[milestone]} months: " + tc.extremes_sentence(solid, name)
    else:
        title = f"{label}: share meeting the {ac.MILESTONE_NORMS[milestone]}-month norm by {COMPARE_BY[compare].lower()}"
    fig = tc.on_time_bars(by_summary, milestone, title, COMPARE_BY[compare], provisional=still_open)
    data = tc.summary_table(part, COMPARE_BY[compare])
    note = (f"Highest and lowest are over groups with {SMALL} or more challenges judged"
            + (f", leaving out {', '.join(map(str, still_open))}: the data runs to "
               f"{as_of:%B %Y}, and some challenges of {'that year' if len(still_open) == 1 else 'those years'} "
               "had not yet reached the end of the norm window, so only the quicker ones are counted so far"
               if still_open else "") + ". A milestone that has not happened (or was not recorded) is not in the "
            "denominator; a whisker reaches the share that may have met the norm where a date is coarse."
            + tc.small_groups_note(part))
    return Chart(fig, "Bar chart: share of challenges that met the norm per group, labelled with the counts; "
                      "hollow bars are groups too small to rank.", data, note)


# ---------------------------------------------------------------- council ratings vs progress reviews


@dataclass
class Findings:
    """What progress reviews said about individual recommendations (the peer team's findings, the council's
    ratings a review quotes, and every rating the peers disputed): the first limit('table') (disputes first,
    then by council), how many there are in all and how many the peers disputed."""

    rows: pd.DataFrame
    n_findings: int
    n_disagree: int
    disagreements: pd.DataFrame  # the disagreements written out as cards (the first limit('cards'))


def findings(query: Query, scope_params: dict) -> Findings | None:
    """None when no progress review commented on a recommendation in the selection."""
    rows = query("slippage__progress_review_findings", **scope_params, limit=limit("table"))
    if rows.empty:
        return None
    disagreements = rows[rows["note_reports_disagreement"].fillna(False).astype(bool)].head(limit("cards"))
    return Findings(rows, int(rows["findings_total"].iloc[0]), int(rows["disagreements_total"].iloc[0]), disagreements)


def findings_heading(f: Findings) -> str:
    return (f"## Peers disputed the council's own rating on {f.n_disagree:,} of the "
            f"{f.n_findings:,} recommendations a progress review commented on")


def own_rating(rag, status, none: str) -> str:
    """The council's own rating: its RAG rating, else its status in words, else ``none``."""
    return RAG_WORDS.get(rag) or (status_words(status) if not missing(status) else none)


def disagreement_cards(f: Findings) -> list[str]:
    """One Markdown card per disagreement: the council's own rating beside what the progress review said."""
    cards = []
    for _, r in f.disagreements.iterrows():
        src = r["source_url"] if isinstance(r["source_url"], str) and r["source_url"].startswith("http") else None
        cards.append(
            f"**{escape_markdown(r['council_name'])} ({r['challenge_month']}) · recommendation "
            f"{escape_markdown(r['number'] if isinstance(r['number'], str) else '–')}**: "
            f"{escape_markdown(r['title'])}\n\n"
            f"- **Council's own rating:** {own_rating(r['rag'], r['status'], 'not recorded')}\n"
            f"- **Peer team's view ({date_label(r['as_of'], r['as_of_precision'])}):** "
            f"{escape_markdown(r['peer_view'] if isinstance(r['peer_view'], str) else r['note'])}"
            + (f"\n- Source: [{escape_markdown(r['source_title'])}]({src})" if src else "")
        )
    return cards


def more_disagreements_caption(f: Findings) -> str | None:
    shown = len(f.disagreements)
    if f.n_disagree <= shown:
        return None
    more = f.n_disagree - shown
    return (f"…and {more:,} more {'dispute' if more == 1 else 'disputes'}: see the table below, or narrow the "
            "selection with the filters or a council.")


def findings_table_heading(f: Findings) -> str:
    if len(f.rows) >= f.n_findings:
        return f"All {f.n_findings} progress-review comments on individual recommendations"
    return f"{len(f.rows):,} of the {f.n_findings:,} progress-review comments on individual recommendations"


def findings_table(f: Findings) -> pd.DataFrame:
    rows = f.rows
    return pd.DataFrame({
        "Council": rows["council_name"],
        "Challenge": rows["challenge_month"],
        "No.": rows["number"].fillna("–"),
        "Recommendation": rows["title"],
        "Rating": [own_rating(g, s, "–") for g, s in zip(rows["rag"], rows["status"])],
        "Whose rating": rows["assessed_by"].map(narrative.ASSESSED_LABELS).fillna(narrative.ASSESSED_LABELS["unknown"]),
        "Peer team's view (where disputed)": rows["peer_view"].fillna(""),
        "What the source recorded": rows["note"],
        "Peers disputed the rating": rows["note_reports_disagreement"].map({True: "⚠️ Yes", False: "No"}),
        "As of": [date_label(v, p) for v, p in zip(rows["as_of"], rows["as_of_precision"])],
        "Source": rows["source_url"],
    })


def findings_shown_caption(f: Findings) -> str | None:
    return ac.shown_of(len(f.rows), f.n_findings, "listed first (disputes first, then by council)",
                       "progress-review comments")
