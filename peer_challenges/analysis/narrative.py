"""Words and small tables that describe one peer challenge: the council page's plain-English summary,
its milestone timeline against the LGA norms, coverage notes ("4 of 9 recorded") and slippage in words.

Pure functions over plain values and pandas frames (no duckdb, no streamlit), so they are tested with
exact sentences. Definitions follow DESIGN.md: each status says who assessed it (the council, the peer
team, or not known); slippage is measured against the ORIGINAL target; dates are shown at their precision.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

import pandas as pd

from peer_challenges.domain import intervals, norms, taxonomy
from peer_challenges.domain.dates import period_label
from peer_challenges.domain.vocab import COUNTED_KINDS, DATE_BASIS_WORDS, RECORD_KIND_WORDS, REVIEW_KIND_WORDS, SLIPPAGE_BUCKETS

# a council's timeline: the visit, then each milestone with its LGA norm (domain.norms)
MILESTONES = ((norms.ONSITE_COLUMN, norms.ONSITE_LABEL, 0),
              *((m.column, m.label, m.months) for m in norms.MILESTONES))
NORM_WORDS = {0: "—", **{m.months: m.words for m in norms.MILESTONES}}

STATUS_ORDER = ("complete", "in_progress", "ongoing", "delayed", "not_started", "superseded")
# how a status reads after a number in a sentence ("2 are complete and 7 in progress")
STATUS_PHRASES = {
    "complete": "complete", "in_progress": "in progress", "ongoing": "ongoing (embedded as business as usual)",
    "delayed": "delayed", "not_started": "not started", "superseded": "superseded (closed, no longer applicable)",
}

SLIPPAGE_LABELS = {
    "on_time": "Completed on time",
    "late": "Completed late",
    "open_overdue": "Open, past its original target",
    "open_not_due": "Open, not yet due",
    "no_target": "No target date",
    "unknown": "Not known (no dated update)",
}
RAG_LABELS = {"red": "Red", "amber": "Amber", "green": "Green"}
ASSESSED_LABELS = {"council": "Council's own rating", "peer_team": "Peer team's finding",
                   "unknown": "Not known who assessed it"}
RECORD_FLAG_LABELS = {
    None: "Numbered recommendation",
    "unnumbered": "Unnumbered (the source gives no number)",
    "heading_or_group": "Heading or group of recommendations",
    "inferred": "Inferred from the text (not stated as a recommendation)",
    "focus_area": "Council-requested focus area",
    "placeholder": "Placeholder (the wording is not recorded)",
}
RECORD_KIND_LABELS = {
    "recommendation": "Recommendation", "inferred": "Recommendation inferred from the text",
    "placeholder": "Placeholder: says a recommendation exists, wording not recorded",
    "heading_or_group": "Heading or group over recommendations", "focus_area": "Council-requested focus area",
}
SOURCE_KIND_LABELS = {
    "lga_feedback_report": "LGA feedback report", "lga_progress_review": "LGA progress review",
    "council_page": "Council web page", "committee_report": "Committee report", "news": "News",
    "seed_document": "Council document", "other": "Other",
}
UNIT_WORDS = {"recommendations": ("recommendation", "recommendations"), "actions": ("action", "actions")}

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def day_range(lo, hi, floor: int | None = None) -> tuple[int, int] | None:
    """(earliest, latest) days, rounded, where a date known only to its period makes a count of days a range;
    None when it is one value or not known. ``floor``: the earliest it can be (0 for a milestone after the
    visit)."""
    if missing(lo) or missing(hi):
        return None
    lo, hi = round(float(lo)), round(float(hi))
    if floor is not None:
        lo = max(lo, floor)
    return (lo, hi) if lo != hi else None


def missing(value) -> bool:
    """True for None, NaN, NaT and pd.NA (scalars only)."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def as_int(value) -> int | None:
    return None if missing(value) else int(value)


def _date(value) -> dt.date | None:
    if missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _precision(value) -> str | None:
    return None if missing(value) else str(value)


def escape_markdown(text) -> str:
    """Text from the data made safe for st.markdown: Markdown and LaTeX characters and '<' are
    backslash-escaped, so a note shows exactly as written and never renders as HTML or a link."""
    if missing(text):
        return ""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def topic_labels() -> dict[str, str]:
    """Topic id -> plain-English label from the taxonomy in use; {} if it cannot be read (pages then fall
    back to humanised ids)."""
    return taxonomy.topic_labels()


def topic_label(topic: str) -> str:
    return topic_labels().get(topic) or str(topic).replace("_", " ").capitalize()


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def records_parts(by_kind: Mapping) -> tuple[str, str | None]:
    """A count of recommendation records ({record_kind: rows}) and what they are, as the overview counts them:
    ("471 records", "319 recommendations, 107 headings and 45 placeholders"), or ("9 recommendations", None)
    when every record is one recommendation with its own wording (record_kind recommendation or inferred)."""
    counted = sum(n for kind, n in by_kind.items() if kind in COUNTED_KINDS)
    others = [plural(n, *RECORD_KIND_WORDS.get(kind, ("other record", "other records")))
              for kind, n in sorted(by_kind.items(), key=lambda kv: (-kv[1], str(kv[0])))
              if n and kind not in COUNTED_KINDS]
    if not others:
        return plural(counted, "recommendation"), None
    return plural(sum(by_kind.values()), "record"), _join([plural(counted, "recommendation"), *others])


def records_phrase(by_kind: Mapping) -> str:
    """records_parts as one phrase: "471 records: 319 recommendations, 107 headings and 45 placeholders"."""
    head, kinds = records_parts(by_kind)
    return head + (f": {kinds}" if kinds else "")


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s'") else f"{name}'s"


def date_label(value, precision) -> str:
    """A date at its precision ("31 Mar 2025", "Mar 2025", "Q2 2020/21"), or "not known"."""
    d = _date(value)
    return period_label(d, _precision(precision)) if d else "not known"


def month_label(value, precision=None) -> str | None:
    """"March 2024" for an on-site date known to the day or month; a coarser date at its precision."""
    d = _date(value)
    if d is None:
        return None
    if _precision(precision) in (None, "day", "month"):
        return d.strftime("%B %Y")
    return period_label(d, _precision(precision))


def challenge_label(challenge: Mapping) -> str:
    """How a challenge is named on screen: "March 2024 peer challenge" or "peer challenge (date not known)"."""
    when = month_label(challenge.get("onsite_start"), challenge.get("onsite_start_precision"))
    return f"{when} peer challenge" if when else "peer challenge (on-site date not known)"


def coverage_note(recorded: int, total) -> str:
    """"9 of 9 recorded", "4 of 9 recorded", "5 recorded; the report's total is not known"."""
    total = as_int(total)
    if total is None:
        return f"{recorded} recorded; how many the report made is not known"
    return f"{recorded} of {total} recorded"


def slippage_text(bucket, days) -> str:
    """Slippage in words: "183 days past the original target (still open)", "On time (0 days)"."""
    b = None if missing(bucket) else bucket
    d = as_int(days)
    if b == "on_time":
        return "Completed on time" + (f" ({abs(d)} days early)" if d and d < 0 else "")
    if b == "late":
        return f"Completed {plural(d, 'day')} late" if d is not None else "Completed late"
    if b == "open_overdue":
        return f"Open, {plural(d, 'day')} past its original target" if d is not None else SLIPPAGE_LABELS[b]
    if b == "open_not_due":
        return f"Open, not yet due ({plural(abs(d), 'day')} to go)" if d is not None else SLIPPAGE_LABELS[b]
    return SLIPPAGE_LABELS.get(b, "Not known")


VERDICT_WORDS = {"met": "Yes", "missed": "No", "undecidable": "cannot tell (a date is known only to its period)"}


def _not_judged(challenge: Mapping, column: str) -> str | None:
    """Why a milestone's date is shown but not judged against its norm (None: it is judged): the report norm is
    judged on the final report's publication only, and only a CPC progress review is a progress review."""
    if column == "report_published":
        basis = challenge.get("report_published_basis")
        if not missing(basis) and basis != "lga_publication":
            return f"not judged ({DATE_BASIS_WORDS.get(basis, basis)})"
    if column in ("progress_review_onsite", "progress_review_published"):
        kind = challenge.get("progress_review_kind")
        if not missing(kind) and kind != "progress_review":
            return f"not judged ({REVIEW_KIND_WORDS.get(kind, kind)})"
    if column == "progress_review_published":
        basis = challenge.get("progress_review_published_basis")
        if not missing(basis) and basis != "lga_publication":
            return f"not judged ({DATE_BASIS_WORDS.get(basis, basis)})"
    return None


def milestones(challenge: Mapping) -> pd.DataFrame:
    """One row per process milestone of a challenge, against the LGA norm.

    Columns: milestone, norm_months, norm (words), date, precision, date_label (at its precision),
    days_from_onsite (None when either date is unknown), days_min / days_max (the earliest and latest it can be
    where a date is known only to its period), norm_date, met_norm ("Yes" / "No" / "cannot tell ..."
    when a coarse date leaves it undecidable / "not judged (first committee date)" for a date of another basis or
    a later follow-up / "not known"), approximate (a date known only to the month or coarser: stored as the period's end).
    """
    onsite = _date(challenge.get("onsite_start"))
    onsite_precision = _precision(challenge.get("onsite_start_precision"))
    rows = []
    for column, label, months in MILESTONES:
        d = _date(challenge.get(column))
        precision = _precision(challenge.get(f"{column}_precision")) if d else None
        days, days_min, days_max = intervals.interval(onsite, onsite_precision, d, precision, not_before_a=True)
        norm_date = (pd.Timestamp(onsite) + pd.DateOffset(months=months)).date() if onsite else None
        not_judged = _not_judged(challenge, column)
        if months == 0:
            met = "—"
        elif d is None or onsite is None:
            met = "not known"
        elif not_judged:
            met = not_judged
        else:  # the shared rule (domain.intervals): a month-only date may leave it undecidable
            met = VERDICT_WORDS[intervals.norm_verdict(onsite, onsite_precision, d, precision, months)]
        rows.append({
            "milestone": label, "norm_months": months, "norm": NORM_WORDS[months], "date": d,
            "precision": precision, "date_label": period_label(d, precision) if d else "not known",
            "days_from_onsite": days, "days_min": days_min, "days_max": days_max,
            "norm_date": norm_date if months else None, "met_norm": met,
            "approximate": bool(d) and (precision not in (None, "day") or onsite_precision not in (None, "day")),
        })
    df = pd.DataFrame(rows)
    for col in ("days_from_onsite", "days_min", "days_max"):
        df[col] = df[col].astype("Int64")
    return df


def who_assessed(assessed) -> str:
    """Who gave a set of statuses, in words: "the council's own ratings", "the peer team's findings", "not known
    who assessed them", or the mix with counts ("7 the council's own ratings, 2 the peer team's findings")."""
    assessed = pd.Series(assessed, dtype="object").fillna("unknown")
    return who_assessed_counts({k: int((assessed == k).sum()) for k in ("council", "peer_team", "unknown")})


def who_assessed_counts(counts: Mapping) -> str:
    """``who_assessed`` from counts of statuses by who gave them ({"council": 7, "peer_team": 2}; a missing
    count is 0)."""
    kinds = (("council", "the council's own ratings", "the council's own rating"),
             ("peer_team", "the peer team's findings", "the peer team's finding"),
             ("unknown", "not known who assessed them", "not known who assessed it"))
    counts = {k: 0 if missing(counts.get(k)) else int(counts[k]) for k, _, _ in kinds}
    present = [k for k, _, _ in kinds if counts[k]]
    if len(present) == 1:
        return next(many for k, many, _ in kinds if k == present[0])
    return ", ".join(f"{counts[k]} {many if counts[k] != 1 else one}" for k, many, one in kinds if counts[k])


def _status_sentence(with_status: pd.DataFrame, n_recorded: int) -> str:
    counts = with_status["latest_status"].value_counts()
    parts = []
    for status in STATUS_ORDER:
        k = int(counts.get(status, 0))
        if k:
            parts.append(f"{k} {STATUS_PHRASES[status]}")
    first_n = int(parts[0].split(" ", 1)[0])
    parts[0] = f"{first_n} {'is' if first_n == 1 else 'are'} {parts[0].split(' ', 1)[1]}"
    dated = with_status.dropna(subset=["latest_as_of"])
    if len(dated) == 0:
        when = "the updates are not dated"
    else:
        last = dated.sort_values("latest_as_of").iloc[-1]
        when = f"latest as of {date_label(last['latest_as_of'], last['latest_as_of_precision'])}"
    who = f"According to the latest updates ({who_assessed(with_status['latest_assessed_by'])}; {when})"
    sentence = f"{who}, {_join(parts)}."
    unreported = n_recorded - len(with_status)
    if unreported:
        sentence += f" {plural(unreported, 'recommendation')} {'has' if unreported == 1 else 'have'} no reported status."
    return sentence


def _slippage_sentences(with_status: pd.DataFrame) -> list[str]:
    buckets = with_status["slippage_bucket"].fillna("unknown")
    days = with_status["slippage_days"]

    def med(bucket: str) -> int:
        return int(round(float(days[buckets == bucket].dropna().abs().median())))

    def were(k: int) -> str:
        return "was" if k == 1 else "were"

    n = {b: int((buckets == b).sum()) for b in SLIPPAGE_BUCKETS}
    parts = []
    if n["on_time"]:
        parts.append(f"{n['on_time']} {were(n['on_time'])} completed by {'its' if n['on_time'] == 1 else 'their'} "
                     "original target date")
    if n["late"]:
        k = n["late"]
        parts.append(f"{k} {were(k)} completed late, {'' if k == 1 else 'a median of '}{plural(med('late'), 'day')} "
                     "after the original target")
    if n["open_overdue"]:
        k = n["open_overdue"]
        parts.append(f"{k} {were(k)} still open after {'its' if k == 1 else 'their'} original target, "
                     f"by {'' if k == 1 else 'a median of '}{plural(med('open_overdue'), 'day')} at the latest update")
    if n["open_not_due"]:
        k = n["open_not_due"]
        parts.append(f"{k} {'is' if k == 1 else 'are'} open and not yet due")
    sentences = []
    if parts:
        first = "; ".join(parts)
        sentences.append(first[0].upper() + first[1:] + ".")
        rest = n["unknown"] + n["no_target"]
        if rest:
            sentences.append(f"For {plural(rest, 'other')}, slippage cannot be worked out "
                             "(no target date, or no dated update).")
    elif n["unknown"] and not n["no_target"]:
        sentences.append("How far delivery has slipped cannot be worked out, because the updates are not dated.")
    elif n["no_target"] and not n["unknown"]:
        sentences.append("No target dates are recorded, so slippage cannot be measured.")
    elif n["unknown"] or n["no_target"]:
        sentences.append("Slippage cannot be worked out: some have no target date and the rest no dated update.")
    revised = int(with_status["revised_target"].notna().sum()) if "revised_target" in with_status else 0
    if revised:
        sentences.append(f"{revised} {'has' if revised == 1 else 'have'} a revised target, shown beside the original; "
                         "slippage is measured against the original.")
    return sentences


def snapshot_sentence(snapshot: Mapping) -> str:
    """One council-wide progress figure in words, always naming its unit (recommendations or actions)."""
    unit = snapshot.get("unit") or "recommendations"
    one, many = UNIT_WORDS.get(unit, (unit, unit))
    when = date_label(snapshot.get("as_of"), snapshot.get("as_of_precision"))
    when = "date not known" if when == "not known" else when
    total, complete = as_int(snapshot.get("total")), as_int(snapshot.get("complete"))
    in_progress, not_started = as_int(snapshot.get("in_progress")), as_int(snapshot.get("not_started"))
    green, amber, red = (as_int(snapshot.get(k)) for k in ("rag_green", "rag_amber", "rag_red"))
    head = f"The latest council-wide figure ({when}) counts {many}, not individual recommendations" \
        if unit == "actions" else f"The latest council-wide figure ({when}) counts {many}"
    of = f" of {plural(total, one, many)}" if total is not None else ""
    split = [f"{k} {words}" for k, words in ((complete, "complete"), (in_progress, "in progress"),
                                             (not_started, "not started")) if k is not None]
    if split:
        tail = "" if total is not None else " (total not given)"
        return f"{head}: {_join(split)}{of}{tail}."
    if None not in (green, amber, red):
        return f"{head}: {green} green, {amber} amber and {red} red{of} (RAG ratings)."
    if total is not None:
        return f"{head}: {plural(total, one, many)} in all; no completion split is given."
    return f"{head}; it gives no counts (see its note)."


def summary_paragraph(council_name: str, challenge: Mapping, recommendations: pd.DataFrame,
                      snapshots: pd.DataFrame | None = None) -> str:
    """A plain-English paragraph about one challenge, written from its data.

    ``challenge`` is a row of the challenges table (onsite_start, onsite_start_precision,
    recommendations_total, progress_review_onsite, progress_review_onsite_precision ...);
    ``recommendations`` has one row per recorded recommendation with latest_status, latest_as_of,
    latest_as_of_precision, latest_assessed_by, slippage_bucket, slippage_days, revised_target;
    ``snapshots`` the challenge's council-wide progress figures (unit, total, complete, rag_*, as_of).
    """
    subject = f"{possessive(council_name)} {challenge_label(challenge)}"
    total = as_int(challenge.get("recommendations_total"))
    n = len(recommendations)
    rec_word = "recommendation" if total == 1 else "recommendations"
    if total is not None and n == total:
        first = f"{subject} made {total} {rec_word}, " + ("recorded here." if total == 1 else "all of them recorded here.")
    elif total is not None and 0 < n < total:
        first = (f"{subject} made {total} {rec_word}; {n} of them {'is' if n == 1 else 'are'} recorded here, "
                 f"so the figures below cover {'that one' if n == 1 else f'those {n}'} only.")
    elif total is not None and n == 0:
        first = f"{subject} made {total} {rec_word}, but none of them is recorded here yet."
    elif total is not None:
        first = (f"{subject} made {total} {rec_word}; {n} records are kept here, because some headings, groups "
                 "or sub-points are recorded separately.")
    elif n:
        first = (f"{subject} is recorded here with {plural(n, 'recommendation')}; how many the report made in "
                 "total is not known.")
    else:
        first = f"No recommendations from {subject} are recorded here, and how many the report made is not known."
    sentences = [first]

    with_status = recommendations[recommendations["latest_status"].notna()] if n else recommendations
    if n and len(with_status):
        sentences.append(_status_sentence(with_status, n))
        sentences.extend(_slippage_sentences(with_status))
    elif n:
        sentences.append("No progress has been reported for any of them.")

    if snapshots is not None and len(snapshots) and not len(with_status):
        latest = snapshots.sort_values("as_of", na_position="first").iloc[-1]
        sentences.append(snapshot_sentence(latest.to_dict()))

    partners = [x for x in (challenge.get("joint_with") if challenge.get("joint_with") is not None else []) if x]
    if len(partners):
        names = _join([partner_name(x) for x in partners])
        sentences.append(f"It was a joint challenge with {names}: one visit and one report, counted once in "
                         "figures across councils.")

    onsite = _date(challenge.get("onsite_start"))
    review = _date(challenge.get("progress_review_onsite"))
    kind = challenge.get("progress_review_kind")
    if review and isinstance(kind, str) and kind != "progress_review":
        precision = _precision(challenge.get("progress_review_onsite_precision"))
        when = f"on {period_label(review, precision)}" if precision in (None, "day") else \
            f"in {period_label(review, precision)}"
        sentences.append(f"The peers returned for a {REVIEW_KIND_WORDS.get(kind, kind)} {when}; it is not the "
                         "progress review the LGA norm describes, so it is not counted as one.")
        review = None
    elif review:
        precision = _precision(challenge.get("progress_review_onsite_precision"))
        when = f"on {period_label(review, precision)}" if precision in (None, "day") else \
            f"in {period_label(review, precision)}"
        approx = precision not in (None, "day") or _precision(challenge.get("onsite_start_precision")) not in (None, "day")
        after = (f", {'about ' if approx else ''}{plural((review - onsite).days, 'day')} after the on-site visit"
                 if onsite else "")
        sentences.append(f"The peers returned for a progress review {when}{after} "
                         "(the LGA norm is about 10 months).")
    elif not (isinstance(kind, str) and kind != "progress_review" and _date(challenge.get("progress_review_onsite"))):
        sentences.append("No progress-review visit is recorded.")
    visit = visit_sentence(challenge)
    if visit:
        sentences.append(visit)
    return " ".join(sentences)


def partner_name(council_id: str) -> str:
    """A partner council's name from its id, for a sentence ('mid-suffolk' -> 'Mid Suffolk')."""
    small = {"and", "of", "upon", "on", "the", "in", "with", "under"}
    words = str(council_id).replace("-", " ").split()
    return " ".join(w if w in small and i else w.capitalize() for i, w in enumerate(words))


def count_words(n, lower_bound) -> str:
    """'over 145' where the report says 'more than 145', else '145'."""
    return f"{'over ' if lower_bound is True or lower_bound == 1 else ''}{int(n):,}"


def visit_sentence(challenge: Mapping) -> str | None:
    """'The peer team of 5 met over 90 people in over 38 meetings.' from the challenge's counts (None when
    the report gives none). A count the report gives as 'more than N' reads 'over N'."""
    people, meetings, team = (as_int(challenge.get(k)) for k in ("people_met", "meetings_held", "peer_team_size"))
    if people is None and meetings is None:
        return None
    who = f"The peer team of {team}" if team else "The peer team"
    parts = []
    if people is not None:
        parts.append(f"met {count_words(people, challenge.get('people_met_lower_bound'))} people")
    if meetings is not None:
        parts.append(f"{'in' if parts else 'held'} {count_words(meetings, challenge.get('meetings_held_lower_bound'))} "
                     f"meeting{'s' if meetings != 1 else ''}")
    return f"{who} {' '.join(parts)}."
