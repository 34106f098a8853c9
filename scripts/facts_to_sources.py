"""Turn ../shared/facts (JSON, one per challenge, plus .extra.json additions) into data/sources YAML.

    python scripts/facts_to_sources.py [--facts ../shared/facts] [--out data] [--check]

Mechanical and repeatable: the output is reviewed as a diff. Seed documents (../shared/seeds) add what
the facts lack through the curated overlays in scripts/seed_overlays/<slug>__<YYYY-MM>.yaml.
Nothing is inferred: null stays null. ``--check`` writes nothing and exits 1 if any file would change.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml  # noqa: E402

from peer_challenges.sources.sourcefile import dump_source, source_path  # noqa: E402
from peer_challenges.domain.status import normalise_status  # noqa: E402

HERE = Path(__file__).resolve().parent
OVERLAYS = HERE / "seed_overlays"

CHALLENGE_FIELDS = [
    "kind", "onsite_start", "onsite_end", "report_published", "action_plan_approved",
    "progress_review_onsite", "progress_review_published", "people_met", "meetings_held",
    "peer_team_size", "recommendations_total",
]

# whole-file curation the notes call for (facts/README "Known oddities" and audit notes); a file's own
# record_kind, where it gives one other than "recommendation", is never overridden
FILE_FLAGS = {
    # north-tyneside extra: "the main file's four entries are the Cabinet decision's four focus areas"
    "north-tyneside__2019-06": "focus_area",
}

def source_kind(what: str) -> str:
    w = (what or "").lower()
    if "progress review" in w and ("lga" in w or "peer" in w or w.startswith("progress review")):
        return "lga_progress_review"
    if w.startswith("lga") or "feedback report" in w or "lga report" in w:
        return "lga_feedback_report"
    if any(k in w for k in ("cabinet", "committee", "council agenda", "minutes", "council report", "scrutiny", "agenda", "meeting", "decision")):
        return "committee_report"
    if any(k in w for k in ("news", "press", "release")):
        return "news"
    if "council" in w and ("page" in w or "website" in w or "plan" in w):
        return "council_page"
    return "other"


class Sources:
    """The file's source list; ids s1, s2, ... in order of first mention."""

    def __init__(self) -> None:
        self.items: list[dict] = []

    def add(self, url, title, kind=None, published=None) -> str:
        for item in self.items:
            if url is not None and item["url"] == url:
                return item["id"]
            if url is None and item["url"] is None and item["title"] == title:
                return item["id"]
        sid = f"s{len(self.items) + 1}"
        self.items.append({
            "id": sid, "url": url, "title": title or url,
            "kind": kind or source_kind(title or ""), "published": published,
        })
        return sid

    def for_url(self, url) -> str:
        if url is None:
            raise KeyError("update without a source URL")
        return self.add(url, f"page cited by an update: {url}", kind="other")


def flag_for(record_kind: str, number) -> str | None:
    """record_flag, kept for readers of the contract: the record kind where it is not a plain
    recommendation, else "unnumbered" when the source gives no number."""
    if record_kind != "recommendation":
        return record_kind
    return "unnumbered" if number is None else None


def convert_update(u: dict, sources: Sources) -> dict:
    sid = sources.for_url(u["source"]) if u.get("source") else None
    return {
        "as_of": u.get("as_of"),
        "status": u.get("status"),
        "status_raw": None,
        "rag": u.get("rag"),
        "revised_target": u.get("revised_timescale"),
        "assessed_by": u.get("assessed_by") or "unknown",  # the facts say who; null = not stated
        "peer_view": u.get("peer_view"),
        "note": u.get("note"),
        "source": sid,
    }


def convert_rec(r: dict, sources: Sources, default_source: str | None) -> dict:
    target_raw = r.get("timescale_raw")
    rec = {
        "number": r.get("number"),
        "title": r.get("summary"),
        "text": None,
        "core_theme": r.get("core_theme"),
        "topics": list(r.get("topics") or []),
        "record_flag": flag_for(r.get("record_kind") or "recommendation", r.get("number")),
        "record_kind": r.get("record_kind") or "recommendation",
        "stands_for": r.get("stands_for"),
        "accountable": r.get("accountable"),
        "responsible": r.get("responsible"),
        "target_raw": target_raw,
        "target": None,
        "source": default_source,
        "updates": [convert_update(u, sources) for u in r.get("updates") or []],
    }
    if r.get("timescale") and not _parses(target_raw):
        rec["target"] = r["timescale"]  # the collector's normalisation where the raw text is ambiguous
    return rec


def _parses(text) -> bool:
    if not text:
        return False
    from peer_challenges.domain.dates import try_parse_date
    return try_parse_date(text).value is not None


def merge_extra(main: dict, extra: dict) -> None:
    for key, value in (extra.get("challenge") or {}).items():
        if value is not None:
            main["challenge"][key] = value
    for key in ("ons_code", "council_type", "region"):
        if extra.get(key) and not main.get(key):
            main[key] = extra[key]
    by_number = {r.get("number"): r for r in main["recommendations"] if r.get("number") is not None}
    for r in extra.get("recommendations") or []:
        target = by_number.get(r.get("number")) if r.get("number") is not None else None
        if target is None:
            main["recommendations"].append(r)
        else:
            target.setdefault("updates", []).extend(r.get("updates") or [])
    main["sources"] = list(main.get("sources") or []) + list(extra.get("sources") or [])
    main["progress_snapshots"] = list(main.get("progress_snapshots") or []) + list(extra.get("progress_snapshots") or [])
    if extra.get("collector_notes"):
        main["collector_notes"] = (main.get("collector_notes") or "") + "\n\nAdded later: " + extra["collector_notes"]


def apply_overlay(record: dict, facts_recs: list[dict], overlay: dict, sources: Sources) -> None:
    ch = record["challenge"]
    for key, value in (overlay.get("challenge") or {}).items():
        if key == "notes_append":
            ch["notes"] = ((ch.get("notes") or "") + "\n\n" + value).strip()
        else:
            ch[key] = value
    seed_source = None
    for s in overlay.get("sources") or []:
        sid = sources.add(s.get("url"), s.get("title"), s.get("kind"), s.get("published"))
        # an overlay's title describes the seed document better than the facts' label
        for item in sources.items:
            if item["id"] == sid:
                item["title"], item["kind"] = s.get("title", item["title"]), s.get("kind", item["kind"])
                if s.get("published"):
                    item["published"] = s["published"]
        seed_source = seed_source or sid
    if not overlay.get("replace_recommendations"):
        return
    number_map = {(None if k in (None, "null") else k): v for k, v in (overlay.get("facts_number_map") or {}).items()}
    facts_by_number: dict = {}
    for r in facts_recs:
        facts_by_number.setdefault(number_map.get(r["number"], r["number"]), r)
    out = []
    for o in overlay["recommendations"]:
        base = facts_by_number.get(o["number"], {})
        rec = {
            "number": o["number"],
            "title": o.get("title") or base.get("title"),
            "text": o.get("text"),
            "core_theme": o.get("core_theme") or base.get("core_theme"),
            "topics": o.get("topics") or base.get("topics") or [],
            "record_flag": None,
            "record_kind": "recommendation",  # the seed document gives each recommendation's wording
            "stands_for": None,
            "accountable": o.get("accountable") or base.get("accountable"),
            "responsible": o.get("responsible") or base.get("responsible"),
            "target_raw": o.get("target_raw") or base.get("target_raw"),
            "target": None,
            "source": sources.add(o["source_url"], None) if o.get("source_url") else seed_source,
        }
        overlay_updates = []
        for u in o.get("updates") or []:
            sid = sources.add(u["source_url"], None) if u.get("source_url") else seed_source
            overlay_updates.append({
                "as_of": u.get("as_of"),
                "status": u.get("status") or normalise_status(u.get("status_raw"), strict=True),
                "status_raw": u.get("status_raw"),
                "rag": u.get("rag"), "revised_target": u.get("revised_target"),
                "assessed_by": u.get("assessed_by", "council"), "note": u.get("note"), "source": sid,
            })
        covered = {u["source"] for u in overlay_updates}
        kept = [u for u in base.get("updates", []) if u["source"] not in covered]
        # dated facts updates that precede the seed's go first; undated ones keep their place after
        rec["updates"] = [u for u in kept if u["as_of"]] + overlay_updates + [u for u in kept if not u["as_of"]]
        out.append(rec)
    record["recommendations"] = out


def convert(facts: dict, overlay: dict | None, key: str) -> dict:
    ch = facts.get("challenge") or {}
    sources = Sources()
    for s in facts.get("sources") or []:
        sources.add(s.get("url"), s.get("what"), source_kind(s.get("what")))
    first_source = sources.items[0]["id"] if sources.items else None
    notes = facts.get("collector_notes") or ""
    challenge = {f: ch.get(f) for f in CHALLENGE_FIELDS}
    challenge["kind"] = challenge["kind"] or "corporate_peer_challenge"
    # the facts' explicit fields (facts/README "Explicit fields"), never guessed from the notes
    challenge["report_published_basis"] = ch.get("report_published_basis")
    challenge["progress_review_published_basis"] = ch.get("progress_review_published_basis")
    challenge["progress_review_kind"] = ch.get("progress_review_kind")
    challenge["pandemic_delayed"] = bool(ch.get("pandemic_delayed"))
    challenge["people_met_lower_bound"] = bool(ch.get("people_met_lower_bound"))
    challenge["meetings_held_lower_bound"] = bool(ch.get("meetings_held_lower_bound"))
    challenge["focus_areas"] = list(ch.get("extra_focus_areas") or [])
    challenge["joint_with"] = sorted(ch.get("joint_with") or [])
    challenge["synthetic"] = False
    challenge["notes"] = notes or None
    recs = [convert_rec(r, sources, first_source) for r in facts.get("recommendations") or []]
    if key in FILE_FLAGS:
        for r in recs:
            if r["record_kind"] == "recommendation":
                r["record_kind"] = r["record_flag"] = FILE_FLAGS[key]
    snaps = []
    for s in facts.get("progress_snapshots") or []:
        snaps.append({
            "as_of": s.get("as_of"), "unit": s.get("unit"), "total": s.get("total"),
            "complete": s.get("complete"), "in_progress": s.get("in_progress"),
            "not_started": s.get("not_started"), "rag_green": s.get("rag_green"),
            "rag_amber": s.get("rag_amber"), "rag_red": s.get("rag_red"),
            "basis": s.get("percent_basis_note"),
            "assessed_by": s.get("assessed_by") or "unknown", "is_forecast": bool(s.get("is_forecast")),
            "note": s.get("note"),
            "source": sources.for_url(s["source"]) if s.get("source") else None,
        })
    record = {
        "council": {
            "council_id": facts["slug"], "name": facts["council"], "ons_code": facts.get("ons_code"),
            "council_type": facts.get("council_type"), "region": facts.get("region"),
        },
        "challenge": challenge,
        "sources": sources.items,
        "recommendations": recs,
        "progress_snapshots": snaps,
    }
    if overlay:
        apply_overlay(record, recs, overlay, sources)
    record["sources"] = sources.items
    return record


def load_facts(facts_dir: Path) -> dict[str, dict]:
    records: dict[str, dict] = {}
    for path in sorted(facts_dir.glob("*.json")):
        if path.name.endswith(".extra.json"):
            continue
        records[path.name[:-len(".json")]] = json.loads(path.read_text(encoding="utf-8"))
    for path in sorted(facts_dir.glob("*.extra.json")):
        key = path.name[:-len(".extra.json")]
        if key not in records:
            raise SystemExit(f"{path}: extra file with no main file {key}.json")
        merge_extra(records[key], json.loads(path.read_text(encoding="utf-8")))
    return records


def main(argv=None) -> int:
    root = HERE.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=Path, default=root.parent / "shared" / "facts")
    parser.add_argument("--out", type=Path, default=root / "data")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file would change")
    args = parser.parse_args(argv)
    records = load_facts(args.facts)
    overlays = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in OVERLAYS.glob("*.yaml")}
    unknown = set(overlays) - set(records)
    if unknown:
        raise SystemExit(f"overlays without a facts file: {sorted(unknown)}")
    changed = 0
    for key, facts in records.items():
        slug, month = key.split("__")
        record = convert(facts, overlays.get(key), key)
        path = source_path(args.out, slug, month, record["challenge"]["kind"])
        text = dump_source(record)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        changed += 1
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    print(f"{len(records)} challenges from {args.facts}; {changed} file(s) {'would change' if args.check else 'written'}")
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
