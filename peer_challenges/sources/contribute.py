"""From a council's document to a source record a maintainer can review: the Contribute page's and the
``extract --challenge ... --merge-into`` command's shared rules.

``record_from_rows`` turns the extractor's draft and the rows a person checked (number, title, text,
target as written, status as written, owner, note) into a source record in the data/sources layout,
citing the document's published address. ``merge_record`` adds that record to an existing challenge's
source file without rewriting its history:

- a recommendation whose number the file does not have is added;
- a status the file does not already hold is added as a new update (earlier updates are never changed);
- a target that differs from the recorded one becomes the new update's revised target (the recorded
  target stays as written);
- challenge facts the file leaves empty are filled in; facts it already holds are kept, and a document
  that says otherwise is reported, not applied.

``Changes`` lists what a merge did, and ``change_summary`` says it in plain English for the message to
the maintainers. Nothing here writes a file.
"""

from __future__ import annotations

import copy
import difflib
import re
from dataclasses import dataclass, field

from peer_challenges.domain.dates import PRECISIONS, period_label, try_parse_date
from peer_challenges.domain.errors import UserError
from peer_challenges.domain.status import normalise_rag, normalise_status
from peer_challenges.sources.extract.common import number_key
from peer_challenges.sources.importplan import _insert_update, _same_date, _same_update
from peer_challenges.sources.sourcefile import normalise_layout


@dataclass(frozen=True)
class DocumentKind:
    label: str          # what a person calls it
    source_kind: str    # sources[].kind in the source file (domain.vocab.SOURCE_KINDS)
    assessed_by: str    # whose ratings the document's statuses are


DOCUMENT_KINDS: dict[str, DocumentKind] = {
    "feedback_report": DocumentKind("LGA feedback report (the peer team's report)", "lga_feedback_report", "peer_team"),
    "action_plan": DocumentKind("the council's action plan", "council_page", "council"),
    "progress_report": DocumentKind("a progress report to a council committee", "committee_report", "council"),
    "progress_review": DocumentKind("LGA progress review (the peer team's return visit)", "lga_progress_review",
                                    "peer_team"),
}

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
URL = re.compile(r"^https?://[^\s/]+\.[^\s]+$")
# the columns a person checks, in the order the page shows them
ROW_FIELDS = ("number", "title", "text", "target_raw", "status_raw", "owner", "note")
_FILLABLE_FACTS = ("onsite_start", "onsite_end", "report_published", "action_plan_approved",
                   "progress_review_onsite", "people_met", "meetings_held", "peer_team_size",
                   "recommendations_total")
_FACT_WORDS = {"onsite_start": "on-site start", "onsite_end": "on-site end", "report_published": "report published",
               "action_plan_approved": "action plan approved", "progress_review_onsite": "progress review on site",
               "people_met": "people met", "meetings_held": "meetings held", "peer_team_size": "peer team size",
               "recommendations_total": "recommendations the report made"}


def check_inputs(*, council_id: str | None, month: str | None, source_url: str | None, kind: str | None) -> list[str]:
    """What is missing or malformed among the choices a contributor makes, in words (empty: all fine)."""
    problems = []
    if not council_id or not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", council_id):
        problems.append("Choose the council the document is about.")
    if not month or not MONTH.match(month):
        problems.append("Give the month the peer team was on site, as YYYY-MM (for example 2024-03).")
    if not source_url or not URL.match(source_url.strip()):
        problems.append("Give the web address where the document is published (starting https://): every "
                        "record cites its source.")
    if kind not in DOCUMENT_KINDS:
        problems.append("Say what the document is: " + "; ".join(k.label for k in DOCUMENT_KINDS.values()) + ".")
    return problems


def clean(value) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None


def draft_rows(draft: dict) -> list[dict]:
    """The draft's recommendations as the rows a person checks (see ROW_FIELDS)."""
    rows = []
    for r in draft.get("recommendations") or []:
        owner = "; ".join(dict.fromkeys(x for x in (r.get("accountable"), r.get("responsible")) if x)) or None
        rows.append({"number": r.get("number"), "title": r.get("title"), "text": r.get("text"),
                     "target_raw": r.get("target_raw"), "status_raw": r.get("status_raw"), "owner": owner,
                     "note": r.get("position") or r.get("actions")})
    return rows


def read_row(row: dict) -> dict:
    """How the build will read one checked row: the target's date and precision, the status it maps to,
    and the problems in words (empty: the row is fine)."""
    problems = []
    title, text = clean(row.get("title")), clean(row.get("text"))
    if not title and not text:
        problems.append("no title or text: every recommendation needs its wording")
    target_raw = clean(row.get("target_raw"))
    target = try_parse_date(target_raw) if target_raw else None
    if target_raw and target.value is None:
        problems.append(f"target {target_raw!r} is not one date: kept as written, with no date")
    status_raw = clean(row.get("status_raw"))
    status = normalise_status(status_raw) if status_raw else None
    rag = normalise_rag(status_raw) if status_raw and status is None else None
    if status_raw and status is None and rag is None:
        problems.append(f"status {status_raw!r} is not one we know: kept as written, with no status")
    number = clean(row.get("number"))
    return {"number": number, "target_date": target.value if target else None,
            "target_precision": target.precision if target else None,
            "target_words": (period_label(target.value, target.precision) if target and target.value else
                             ("not a date" if target_raw else "none given")),
            "status": status, "rag": rag, "problems": problems}


def _next_source_id(sources: list) -> str:
    numbers = [int(m.group(1)) for s in sources if isinstance(s, dict)
               for m in [re.fullmatch(r"s(\d+)", str(s.get("id", "")))] if m]
    return f"s{max(numbers, default=0) + 1}"


def record_from_rows(draft: dict, rows: list[dict], *, council: dict, month: str, source_url: str, kind: str,
                     as_of: str | None = None, file_name: str | None = None) -> dict:
    """A source record (the data/sources layout) from the draft's challenge facts and the checked rows.

    council: council_id, name, ons_code, council_type, region (from the register). month: the on-site month
    (YYYY-MM), written as onsite_start when the document gives no on-site date. as_of: the date the
    statuses are as at (default: the date the document says it reports on)."""
    problems = check_inputs(council_id=council.get("council_id"), month=month, source_url=source_url, kind=kind)
    if problems:
        raise UserError(" ".join(problems))
    doc = DOCUMENT_KINDS[kind]
    challenge = {k: v for k, v in (draft.get("challenge_raw") or {}).items()}
    challenge["kind"] = "corporate_peer_challenge"
    if not challenge.get("onsite_start"):
        challenge["onsite_start"] = month
    challenge.update({"focus_areas": [], "joint_with": [], "synthetic": False,
                      "notes": f"From {doc.label}" + (f" ({file_name})" if file_name else "")
                               + ", drafted on the Contribute page; reviewed by its contributor."})
    as_of = clean(as_of) or draft.get("as_of_raw")
    draft_recs = draft.get("recommendations") or []
    recs = []
    for i, row in enumerate(rows):
        read = read_row(row)
        title, text = clean(row.get("title")), clean(row.get("text"))
        if not title and not text:
            continue
        at = row.get("_draft_row", i)  # the draft recommendation the row came from (None: a row the person added)
        base = draft_recs[at] if isinstance(at, int) and 0 <= at < len(draft_recs) else {}
        owner = clean(row.get("owner"))
        drafted_owner = "; ".join(dict.fromkeys(x for x in (base.get("accountable"), base.get("responsible")) if x)) or None
        accountable, responsible = ((base.get("accountable"), base.get("responsible")) if owner == drafted_owner
                                    else (owner, None))
        status_raw = clean(row.get("status_raw"))
        note = clean(row.get("note"))
        update = {"as_of": (base.get("as_of_raw") or as_of) if base else as_of, "status": read["status"],
                  "status_raw": status_raw, "rag": read["rag"] or base.get("rag"),
                  "revised_target": base.get("revised_target_raw"), "assessed_by": doc.assessed_by,
                  "note": note, "source": "s1"}
        has_update = any(update[k] for k in ("status", "status_raw", "rag", "revised_target", "note"))
        recs.append({"number": read["number"], "title": title or _short(text), "text": text,
                     "core_theme": base.get("core_theme"), "topics": [], "record_flag": base.get("record_flag"),
                     "accountable": accountable, "responsible": responsible,
                     "target_raw": clean(row.get("target_raw")), "target": None, "source": "s1",
                     "updates": [update] if has_update else []})
    record = {
        "council": {k: council.get(k) for k in ("council_id", "name", "ons_code", "council_type", "region")},
        "challenge": challenge,
        "sources": [{"id": "s1", "url": source_url.strip(), "kind": doc.source_kind, "published": None,
                     "title": (draft.get("source") or {}).get("title") or file_name or doc.label}],
        "recommendations": recs,
        "progress_snapshots": [],
    }
    return normalise_layout(record)


def _short(text: str | None) -> str:
    words = (text or "").split()
    return " ".join(words[:12]) + (" ..." if len(words) > 12 else "")


@dataclass
class Changes:
    """What a merge did (numbers are the recommendations' numbers as written; None: unnumbered)."""
    new_challenge: bool = False
    new_recommendations: list[tuple] = field(default_factory=list)      # (number, title)
    new_updates: list[tuple] = field(default_factory=list)              # (number, as_of, status words)
    unchanged_updates: list = field(default_factory=list)               # numbers already holding that status
    changed_targets: list[tuple] = field(default_factory=list)          # (number, recorded, document's)
    targets_added: list[tuple] = field(default_factory=list)            # (number, target)
    facts_filled: list[tuple] = field(default_factory=list)             # (fact words, value)
    facts_differ: list[tuple] = field(default_factory=list)             # (fact words, recorded, document's)
    wording_differs: list = field(default_factory=list)                 # numbers whose wording differs (kept)
    source_added: dict | None = None

    @property
    def anything(self) -> bool:
        return bool(self.new_challenge or self.new_recommendations or self.new_updates or self.changed_targets
                    or self.targets_added or self.facts_filled)


def new_challenge_changes(record: dict) -> Changes:
    """The changes a new challenge's record makes: all of it."""
    ch = Changes(new_challenge=True, source_added=record["sources"][0])
    for r in record["recommendations"]:
        ch.new_recommendations.append((r.get("number"), r.get("title")))
        for u in r.get("updates") or []:
            ch.new_updates.append((r.get("number"), u.get("as_of"), _status_words(u)))
    for key in _FILLABLE_FACTS:
        if record["challenge"].get(key) is not None:
            ch.facts_filled.append((_FACT_WORDS[key], record["challenge"][key]))
    return ch


def _status_words(update: dict) -> str:
    return update.get("status_raw") or update.get("status") or update.get("rag") or "a progress note"


def merge_record(existing: dict, new: dict) -> tuple[dict, Changes]:
    """``new`` (from record_from_rows) added to ``existing`` (a loaded source file) by the rules in the module
    docstring; returns the merged record and what changed. ``existing`` is not modified."""
    if existing.get("council", {}).get("council_id") != new["council"]["council_id"]:
        raise UserError(f"the document is for {new['council']['council_id']!r} but the file to merge into is "
                        f"{existing.get('council', {}).get('council_id')!r}'s")
    merged = copy.deepcopy(existing)
    changes = Changes()
    sources = merged.setdefault("sources", [])
    src = dict(new["sources"][0])
    same = next((s for s in sources if isinstance(s, dict) and s.get("url") == src["url"]), None)
    if same:
        sid = same["id"]
    else:
        sid = _next_source_id(sources)
        src["id"] = sid
        sources.append(src)
        changes.source_added = src
    # challenge facts: fill the empty ones, report the differing ones
    ch_old, ch_new = merged.setdefault("challenge", {}), new["challenge"]
    for key in _FILLABLE_FACTS:
        value = ch_new.get(key)
        if value is None or value == "":
            continue
        old = ch_old.get(key)
        if old is None or old == "":
            ch_old[key] = value
            changes.facts_filled.append((_FACT_WORDS[key], value))
        elif not (_compatible_dates(old, value) if key not in ("people_met", "meetings_held", "peer_team_size",
                                                               "recommendations_total") else old == value):
            changes.facts_differ.append((_FACT_WORDS[key], old, value))
    recs = merged.setdefault("recommendations", [])
    by_key = {number_key(r.get("number")): r for r in recs if number_key(r.get("number")) is not None}
    for rec in new["recommendations"]:
        rec = copy.deepcopy(rec)
        rec["source"] = sid
        for u in rec.get("updates") or []:
            u["source"] = sid
        key = number_key(rec.get("number"))
        old = by_key.get(key) if key is not None else None
        if old is None:
            recs.append(rec)
            if key is not None:
                by_key[key] = rec
            changes.new_recommendations.append((rec.get("number"), rec.get("title")))
            continue
        _merge_one(old, rec, changes)
    return normalise_layout(merged), changes


def _compatible_dates(recorded, document) -> bool:
    """The same date, or one inside the other's period (a document's "March 2024" agrees with 5 March 2024)."""
    if _same_date(recorded, document):
        return True
    a, b = try_parse_date(recorded), try_parse_date(document)
    if a.value is None or b.value is None:
        return False
    fine, coarse = sorted((a, b), key=lambda d: PRECISIONS.index(d.precision))
    if coarse.precision == "month":
        return (fine.value.year, fine.value.month) == (coarse.value.year, coarse.value.month)
    span = {"quarter": 92, "season": 92, "year": 366}.get(coarse.precision, 0)
    return 0 <= (coarse.value - fine.value).days < span


def _words(value) -> str:
    return re.sub(r"\W+", " ", str(value or "")).lower().strip()


def _same_as_recorded(recorded: dict, update: dict) -> bool:
    """The update repeats a recorded one: the same status, RAG, revised target and note (spacing aside), and
    the recorded one is undated or of the same date."""
    if recorded.get("as_of") and not _same_date(recorded.get("as_of"), update.get("as_of")):
        return False
    if recorded.get("revised_target") != update.get("revised_target") and not _same_date(
            recorded.get("revised_target"), update.get("revised_target")):
        return False
    return all(_words(recorded.get(k)) == _words(update.get(k)) for k in ("status", "status_raw", "rag", "note"))


def _merge_one(old: dict, rec: dict, changes: Changes) -> None:
    number = old.get("number")
    recorded_words = [_words(old.get("text")), _words(old.get("title"))]
    if rec.get("text") and not any(w and difflib.SequenceMatcher(None, w, _words(rec["text"])).ratio() >= 0.8
                                   for w in recorded_words):
        changes.wording_differs.append(number)
    for who in ("accountable", "responsible"):
        if rec.get(who) and not old.get(who):
            old[who] = rec[who]
    updates = old.setdefault("updates", [])
    new_updates = rec.get("updates") or []
    recorded = old.get("target") or old.get("target_raw")
    doc_target = rec.get("target_raw")
    if doc_target:
        if not recorded:
            old["target_raw"] = doc_target
            changes.targets_added.append((number, doc_target))
        elif not _same_date(recorded, doc_target) and str(recorded).strip() != doc_target:
            latest_revised = next((u.get("revised_target") for u in reversed(updates)
                                   if isinstance(u, dict) and u.get("revised_target")), None)
            if not latest_revised or not _same_date(latest_revised, doc_target):
                changes.changed_targets.append((number, latest_revised or recorded, doc_target))
                if new_updates:
                    new_updates[0]["revised_target"] = new_updates[0].get("revised_target") or doc_target
                else:
                    new_updates = [{"as_of": None, "status": None, "status_raw": None, "rag": None,
                                    "revised_target": doc_target, "assessed_by": "unknown", "note": None,
                                    "source": rec.get("source")}]
    for u in new_updates:
        if any(isinstance(e, dict) and (_same_update(e, u) or _same_as_recorded(e, u)) for e in updates):
            changes.unchanged_updates.append(number)
            continue
        _insert_update(updates, u)
        changes.new_updates.append((number, u.get("as_of"), _status_words(u)))


def _numbers(items) -> str:
    labels = [str(n) if n is not None else "(unnumbered)" for n in items]
    return ", ".join(labels)


def change_summary(changes: Changes, *, council_name: str, month: str, path: str, source_url: str,
                   kind: str, file_name: str | None = None) -> str:
    """The plain-English note to send to the maintainers with the YAML file."""
    doc = DOCUMENT_KINDS[kind]
    try:
        when = period_label(try_parse_date(month).value, "month")
    except (TypeError, ValueError):
        when = month
    lines = [f"{council_name}: corporate peer challenge on site {when}",
             f"Document: {doc.label}" + (f", {file_name}" if file_name else ""),
             f"Published at: {source_url}",
             f"File: {path}" + (" (a new file)" if changes.new_challenge else " (replaces the current file)"),
             ""]
    if changes.new_challenge:
        lines.append(f"A new challenge with {len(changes.new_recommendations)} recommendation"
                     f"{'' if len(changes.new_recommendations) == 1 else 's'} "
                     f"and {len(changes.new_updates)} status update{'' if len(changes.new_updates) == 1 else 's'}.")
    else:
        if changes.new_recommendations:
            lines.append(f"New recommendations ({len(changes.new_recommendations)}): "
                         f"{_numbers(n for n, _ in changes.new_recommendations)}.")
        if changes.new_updates:
            lines.append(f"New status updates ({len(changes.new_updates)}), added to each recommendation's history: "
                         + "; ".join(f"{n if n is not None else '(unnumbered)'} {w}" for n, _, w in changes.new_updates)
                         + ".")
        if changes.changed_targets:
            lines.append("Changed targets (recorded as a revised target; the original stays): "
                         + "; ".join(f"{n}: {a} -> {b}" for n, a, b in changes.changed_targets) + ".")
        if changes.targets_added:
            lines.append("Targets added where none was recorded: "
                         + "; ".join(f"{n}: {t}" for n, t in changes.targets_added) + ".")
        if changes.unchanged_updates:
            lines.append(f"Already recorded, not added again: {_numbers(changes.unchanged_updates)}.")
        if not changes.anything:
            lines.append("The document adds nothing the file does not already hold.")
    if changes.facts_filled and not changes.new_challenge:
        lines.append("Challenge facts filled in: " + "; ".join(f"{k} {v}" for k, v in changes.facts_filled) + ".")
    if changes.facts_differ:
        lines.append("The document differs from the recorded facts (kept as recorded; please check): "
                     + "; ".join(f"{k}: recorded {a}, document {b}" for k, a, b in changes.facts_differ) + ".")
    if changes.wording_differs:
        lines.append(f"Recommendations whose wording differs from the file (the file's wording kept): "
                     f"{_numbers(changes.wording_differs)}.")
    lines.append("Statuses are " + ("the peer team's findings" if doc.assessed_by == "peer_team"
                                    else "the council's own ratings") + ", as the document gives them.")
    return "\n".join(lines) + "\n"
