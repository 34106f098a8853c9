"""Assembling the draft: merges the recommendations different recognisers found, parses each draft
record's dates, status and RAG into its JSON form with a warning for every doubt, adds the
document-level warnings (duplicate numbers, a count that does not match the text, missing
statuses) and the challenge facts, and turns the result into the docs/SOURCE_FORMAT.md layout
and its YAML text (``to_source_record``, ``to_yaml``)."""

from __future__ import annotations

import re
from typing import Any

from peer_challenges.domain.dates import DateParseError, parse_date, try_parse_date
from peer_challenges.domain.status import normalise_rag, normalise_status
from peer_challenges.domain.vocab import CORE_ELEMENTS
from peer_challenges.sources.sourcefile import dump_source
from peer_challenges.sources.extract.common import _date_text_iso, _iso, _squash, number_key
from peer_challenges.sources.extract.facts import _council_name, _doc_title, _facts, _find_as_of, _source_kind


# ============================================================================ assembling the result

def _number_sort_key(number):
    key = number_key(number) or ""
    parts = re.findall(r"\d+|[a-z]+", key)
    return [(0, int(p)) if p.isdigit() else (1, p) for p in parts]


def _merge_recs(primary: list[dict], extra: list[dict]) -> list[dict]:
    """Add recommendations from another recogniser; the same number fills in what is missing."""
    by_key = {number_key(r["number"]): r for r in primary if r["number"] is not None}
    out = list(primary)
    for rec in extra:
        key = number_key(rec["number"])
        if key is not None and key in by_key:
            old = by_key[key]
            for k, v in rec.items():
                if v and not old.get(k):
                    old[k] = v
            continue
        out.append(rec)
        if key is not None:
            by_key[key] = rec
    return out


def _short_title(text: str | None, number) -> str:
    if not text:
        return f"Recommendation {number}" if number else "Recommendation"
    first = _squash(text.split("\n")[0])
    m = re.match(r"^(.+?[.;:])(?:\s|$)", first)
    if m and len(m.group(1)) >= 15:
        first = m.group(1).rstrip(".;:")
    if len(first) > 90:
        cut = first[:90].rsplit(" ", 1)[0]
        first = cut.rstrip(",;:- ") + "…"
    return first


def _finish(rec: dict, warnings: list[str], doc_as_of: str | None) -> dict:
    """Parse a draft record's dates, status and RAG; return its JSON form."""
    label = f"recommendation {rec['number']}" if rec["number"] else f"unnumbered recommendation ({_short_title(rec['text'], None)[:40]})"
    for w in rec.pop("_warn", []):
        warnings.append(f"{label}: {w}")
    out: dict[str, Any] = {"number": rec["number"]}
    if rec.get("code"):
        out["code"] = rec["code"]
    out["title"] = rec.get("_title") or _short_title(rec["text"], rec["number"])
    out["text"] = rec["text"]
    out["position"] = rec["position"]
    if rec.get("actions"):
        out["actions"] = rec["actions"]
    out["accountable"] = rec["accountable"]
    out["responsible"] = rec["responsible"]
    # target
    target_raw = rec["target_raw"]
    if rec.get("_targets"):
        targets = rec["_targets"]
        dated = [(try_parse_date(t).value, t) for t in targets]
        dated = [d for d in dated if d[0]]
        warnings.append(f"{label}: its action rows give different timescales ({'; '.join(targets)}); "
                        + (f"the latest, {max(dated)[1]!r}, is the target" if dated else "none is a single date"))
        target_raw = max(dated)[1] if dated else "; ".join(targets)
    out["target_raw"] = target_raw
    out["target_date"], out["target_precision"] = None, None
    if target_raw:
        try:
            parsed = parse_date(target_raw)
            out["target_date"], out["target_precision"] = _iso(parsed.value), parsed.precision
        except DateParseError:
            warnings.append(f"{label}: target {target_raw!r} is not a date the importer can read for certain; "
                            "target_date left null")
    revised = rec["revised_target_raw"]
    out["revised_target_raw"] = revised
    out["revised_target"] = None
    if revised:
        try:
            out["revised_target"] = _iso(parse_date(revised).value)
        except DateParseError:
            warnings.append(f"{label}: revised target {revised!r} is not a readable date; left null")
    # status and RAG (kept apart: a RAG colour is never turned into a status)
    status_raw = rec["status_raw"]
    rag_raw = rec["rag_raw"]
    if rec.get("_statuses"):
        raws = rec["_statuses"]
        found = {normalise_status(r) for r in raws}
        if len(found) == 1:
            status_raw = raws[0]
        else:
            status_raw = "; ".join(raws)
            warnings.append(f"{label}: its action rows have different statuses ({status_raw}); status left null")
    status = None
    rag = None
    mixed = bool(rec.get("_statuses")) and len({normalise_status(r) for r in rec["_statuses"]}) > 1
    if status_raw and not mixed:
        status = normalise_status(status_raw) or rec.get("status")
        if status is None and not rec.get("_statuses"):
            colour = normalise_rag(status_raw)
            if colour and not rag_raw:
                rag = colour
            elif not colour:
                warnings.append(f"{label}: status {status_raw!r} is not one the importer knows; status left null")
    if rec.get("_rag_raw") and len({normalise_rag(r) for r in rec["_rag_raw"]}) > 1:
        warnings.append(f"{label}: its action rows have different RAG ratings ({'; '.join(rec['_rag_raw'])}); "
                        "rag left null")
        rag_raw = None
    if rag_raw:
        rag = normalise_rag(rag_raw)
        if rag is None:
            alt = normalise_status(rag_raw)
            if alt and status is None:
                status = alt
                status_raw = status_raw or rag_raw
            else:
                warnings.append(f"{label}: RAG rating {rag_raw!r} is not red, amber or green; rag left null")
    out["status"] = status
    out["status_raw"] = status_raw
    out["rag"] = rag
    as_of_raw = rec["as_of_raw"] or doc_as_of
    out["as_of_raw"] = as_of_raw
    out["as_of"] = _date_text_iso(as_of_raw) if as_of_raw else None
    theme = rec.get("theme")
    out["theme"] = theme
    out["core_theme"] = next((t for t in CORE_ELEMENTS if theme and _squash(theme).lower() == t.lower()), None)
    out["record_flag"] = rec.get("record_flag")
    return out


_CHALLENGE_DATES = ("onsite_start", "onsite_end", "report_published", "action_plan_approved",
                    "progress_review_onsite", "progress_review_published")


def _assemble(recs: list[dict], warnings: list[str], *, lines: list[str] | None, council_id: str | None,
              source_name: str | None, ext: str, as_of_raw: str | None = None, rolled: str | None = None,
              extra_facts: dict | None = None) -> dict:
    lines = lines or []
    facts, fact_warnings = _facts(lines) if lines else ({}, [])
    facts.update(extra_facts or {})
    warnings = list(warnings) + fact_warnings
    doc_as_of = as_of_raw or (_find_as_of("\n".join(ln for ln in lines[:15] if "\t" not in ln and "|" not in ln))
                              if lines else None)
    if all(r["number"] is not None for r in recs) and recs:
        recs = sorted(recs, key=lambda r: _number_sort_key(r["number"]))
    out_recs = []
    for rec in recs:
        if rolled and not rec["status_raw"] and not rec["revised_target_raw"]:
            rec["revised_target_raw"] = rolled
            rec.setdefault("_warn", []).append(
                f"no status given; the document says the remaining actions were rolled forward to {rolled} "
                "(recorded as the revised target)")
        out_recs.append(_finish(rec, warnings, doc_as_of))
    seen: dict[str, int] = {}
    for r in out_recs:
        key = number_key(r["number"])
        if key is not None:
            seen[key] = seen.get(key, 0) + 1
    dupes = sorted(k for k, n in seen.items() if n > 1)
    if dupes:
        warnings.append(f"recommendation numbers appear more than once: {', '.join(dupes)}")
    total = facts.get("recommendations_total")
    if total is not None and out_recs and total != len(out_recs):
        warnings.append(f"the document says {total} recommendations but {len(out_recs)} were found")
    if not out_recs:
        warnings.append("no recommendations found"
                        + (f" (the document says there are {total})" if total else ""))
    no_status = [r["number"] or "?" for r in out_recs if r["status"] is None and r["rag"] is None]
    already = {w.split(":")[0] for w in warnings}
    no_status_new = [n for n in no_status if f"recommendation {n}" not in already]
    if out_recs and no_status and any(r["status"] or r["rag"] for r in out_recs) and no_status_new:
        warnings.append(f"no status given for recommendation{'s' if len(no_status_new) > 1 else ''} "
                        f"{', '.join(no_status_new)}")
    head = _squash(" ".join([ln for ln in lines if ln.strip() and len(ln.split()) <= 15][:6]))
    title = _doc_title(lines) if lines else None
    challenge_raw = {
        "kind": "corporate_peer_challenge",
        "onsite_start": facts.get("onsite_start"), "onsite_end": facts.get("onsite_end"),
        "report_published": facts.get("report_published"),
        "report_published_basis": facts.get("report_published_basis"),
        "action_plan_approved": facts.get("action_plan_approved"),
        "progress_review_onsite": facts.get("progress_review_onsite"),
        "progress_review_published": None,
        "people_met": facts.get("people_met"), "people_met_lower_bound": facts.get("people_met_lower_bound", False),
        "meetings_held": facts.get("meetings_held"),
        "meetings_held_lower_bound": facts.get("meetings_held_lower_bound", False),
        "peer_team_size": facts.get("peer_team_size"),
        "recommendations_total": total,
    }
    # JSON: ISO dates (last day of the period) with their precision; YAML keeps the text as written
    challenge: dict[str, Any] = {}
    for key, value in challenge_raw.items():
        if key in _CHALLENGE_DATES:
            parsed = try_parse_date(value) if value else None
            challenge[key] = _iso(parsed.value) if parsed else None
            challenge[f"{key}_precision"] = parsed.precision if parsed else None
        else:
            challenge[key] = value
    return {
        "council": {"council_id": council_id, "name": _council_name(lines) if lines else None},
        "challenge": challenge,
        "challenge_raw": challenge_raw,
        "source": {"title": title or source_name, "file": source_name, "kind": _source_kind(head, ext)},
        "title": title,
        "as_of": _date_text_iso(doc_as_of) if doc_as_of else None,
        "as_of_raw": doc_as_of,
        "recommendations": out_recs,
        "warnings": warnings,
    }


# ============================================================================ output

def to_source_record(result: dict) -> dict:
    """The draft in the docs/SOURCE_FORMAT.md layout (what the YAML output shows)."""
    challenge = dict(result["challenge_raw"])
    challenge.update({"focus_areas": [], "joint_with": [], "synthetic": False,
                      "notes": f"Drafted by `python -m peer_challenges extract` from {result['source']['file'] or 'a document'}; "
                               "review every field against the document."})
    recs = []
    for r in result["recommendations"]:
        update = {
            "as_of": r["as_of_raw"], "status": r["status"], "status_raw": r["status_raw"], "rag": r["rag"],
            "revised_target": r["revised_target_raw"], "assessed_by": "council",
            "note": r["position"] or r.get("actions"), "source": "s1",
        }
        has_update = any(update[k] for k in ("status", "status_raw", "rag", "revised_target", "note"))
        recs.append({
            "number": r["number"], "title": r["title"], "text": r["text"], "core_theme": r["core_theme"],
            "topics": [], "record_flag": r["record_flag"], "accountable": r["accountable"],
            "responsible": r["responsible"], "target_raw": r["target_raw"], "target": None, "source": "s1",
            "updates": [update] if has_update else [],
        })
    return {
        "council": {"council_id": result["council"]["council_id"], "name": result["council"]["name"],
                    "ons_code": None, "council_type": None, "region": None},
        "challenge": challenge,
        "sources": [{"id": "s1", "url": None, "title": result["source"]["title"] or "document",
                     "kind": result["source"]["kind"], "published": None}],
        "recommendations": recs,
        "progress_snapshots": [],
    }


def to_yaml(result: dict) -> str:
    lines = ["# DRAFT extracted from " + (result["source"]["file"] or "a document")
             + " -- review it, then save as data/sources/<council_id>/<YYYY-MM>-corporate-peer-challenge.yaml"]
    for w in result["warnings"]:
        lines.append("# warning: " + _squash(w))
    return "\n".join(lines) + "\n" + dump_source(to_source_record(result))
