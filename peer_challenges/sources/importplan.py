"""Record progress from an updated action plan.

``python -m peer_challenges import-plan FILE --council ID --challenge YYYY-MM --as-of DATE`` reads the
plan (any format ``extract`` reads: CSV, XLSX, text, PDF, HTML) and appends one update per
recommendation to ``<data dir>/sources/<council_id>/<YYYY-MM>-*.yaml``:

    {as_of, status, status_raw, rag, revised_target, assessed_by: council, note, source}

History is never rewritten: existing updates stay as they are, an identical update already recorded
for that as-of date is not added twice, and the plan must carry exactly the challenge's
recommendation numbers (otherwise nothing is written and the missing / extra numbers are listed).
``--dry-run`` prints the change as a unified diff of the YAML and writes nothing. Validation is left
to ``python -m peer_challenges build``.
"""

from __future__ import annotations

import copy
import difflib
import os
import re
from pathlib import Path

from peer_challenges.domain.dates import DateParseError, parse_date, try_parse_date
from peer_challenges.domain.errors import UserError
from peer_challenges.sources.extract import extract_file, number_key
from peer_challenges.sources.sourcefile import dump_source, load_source, write_source_atomic

SOURCE_KINDS = ("council_page", "committee_report")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_MONTH = re.compile(r"^(?:\d{4}-(?:0[1-9]|1[0-2])|unknown)$")


def _data_dir(data_dir) -> Path:
    if data_dir:
        return Path(data_dir)
    env = os.environ.get("DATA_DIR")
    if env:
        return Path(env).expanduser()
    try:
        from peer_challenges.domain.paths import data_dir as default_data_dir
    except ImportError:  # pragma: no cover
        return Path("data")
    return default_data_dir()


def find_challenge_file(data_dir, council_id: str, challenge: str) -> Path:
    folder = _data_dir(data_dir) / "sources" / council_id
    if not folder.is_dir():
        raise UserError(f"no folder {folder}; expected data/sources/<council_id>/ for council {council_id!r} "
                        "(add the council's source file first: see docs/ADDING_DATA.md)")
    matches = sorted(folder.glob(f"{challenge}-*.yaml"))
    if not matches:
        have = ", ".join(p.name for p in sorted(folder.glob("*.yaml"))) or "none"
        raise UserError(f"no source file {folder}/{challenge}-*.yaml for challenge {challenge}; files there: {have}")
    if len(matches) > 1:
        raise UserError(f"several source files match {folder}/{challenge}-*.yaml: "
                        f"{', '.join(p.name for p in matches)}; keep one per challenge month")
    return matches[0]


def _as_of_text(as_of: str) -> str:
    try:
        parsed = parse_date(as_of)
    except DateParseError as err:
        raise UserError(f"--as-of {as_of!r}: {err}") from None
    if parsed.value is None:
        raise UserError(f"--as-of {as_of!r}: expected the date the plan reports on, e.g. 2025-03-31 or 'Q4 2024/25'")
    return parsed.value.isoformat() if parsed.precision == "day" else as_of.strip()


def _same_date(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    pa, pb = try_parse_date(a), try_parse_date(b)
    if pa.value is None or pb.value is None:
        return str(a).strip() == str(b).strip()
    return pa == pb


_COMPARED = ("status", "status_raw", "rag", "revised_target", "assessed_by", "note")


def _same_update(a: dict, b: dict) -> bool:
    if not _same_date(a.get("as_of"), b.get("as_of")):
        return False
    for key in _COMPARED:
        if key == "revised_target":
            if not _same_date(a.get(key), b.get(key)):
                return False
        elif (a.get(key) or None) != (b.get(key) or None):
            return False
    return True


def _recorded_target(rec: dict):
    """The target recorded for a recommendation (its override, else its raw text) as a date, or None."""
    for key in ("target", "target_raw"):
        value = rec.get(key)
        if value:
            parsed = try_parse_date(value)
            if parsed.value is not None:
                return parsed
    return None


def _plan_update(plan_rec: dict, rec: dict, as_of: str, source_id: str, warnings: list[str]) -> dict | None:
    number = rec.get("number")
    revised = None
    recorded = _recorded_target(rec)
    # an explicit "Revised target" column wins; else a timescale that differs from the recorded target
    for raw in (plan_rec.get("revised_target_raw"), plan_rec.get("target_raw")):
        if not raw:
            continue
        parsed = try_parse_date(raw)
        if parsed.value is None:
            continue
        if recorded is None:
            if raw == plan_rec.get("target_raw") and not rec.get("target_raw"):
                warnings.append(f"recommendation {number}: the plan gives the timescale {raw!r} but no target is "
                                "recorded; add it as target_raw by hand if it is the original target")
            elif raw == plan_rec.get("revised_target_raw"):
                revised = raw
            break
        if parsed != recorded:
            revised = raw
        break
    note = plan_rec.get("position") or plan_rec.get("actions")
    update = {
        "as_of": as_of,
        "status": plan_rec.get("status"),
        "status_raw": plan_rec.get("status_raw"),
        "rag": plan_rec.get("rag"),
        "revised_target": revised,
        "assessed_by": "council",
        "note": note,
        "source": source_id,
    }
    if not any(update[k] for k in ("status", "status_raw", "rag", "revised_target", "note")):
        return None
    return update


def _insert_update(updates: list, update: dict) -> None:
    """Append, keeping 'oldest first': before any existing update dated later than this one."""
    new = try_parse_date(update["as_of"]).value
    pos = len(updates)
    for i in range(len(updates) - 1, -1, -1):
        when = try_parse_date(updates[i].get("as_of")).value if isinstance(updates[i], dict) else None
        if new is not None and when is not None and when > new:
            pos = i
        else:
            break
    updates.insert(pos, update)


def import_plan(file, council_id: str, challenge: str, as_of: str, *, data_dir=None, dry_run: bool = False,
                source_url: str | None = None, source_title: str | None = None,
                source_kind: str = "council_page") -> dict:
    """Add one update per recommendation from an action plan to the challenge's source file.

    Returns {"path", "diff", "added": [numbers], "unchanged": [numbers], "skipped": [numbers],
    "source_id", "warnings", "written"}. Raises UserError (nothing written) on bad input.
    """
    if not _SLUG.match(council_id or ""):
        raise UserError(f"--council {council_id!r}: expected a lower-case slug such as 'castle-point'")
    if not _MONTH.match(challenge or ""):
        raise UserError(f"--challenge {challenge!r}: expected the on-site month as YYYY-MM, e.g. 2024-03")
    if source_kind not in SOURCE_KINDS:
        raise UserError(f"--source-kind {source_kind!r}: expected one of {', '.join(SOURCE_KINDS)}")
    if source_url is not None and not re.match(r"^https?://\S+$", source_url):
        raise UserError(f"--source-url {source_url!r}: expected an http(s) address")
    as_of_text = _as_of_text(as_of)
    path = find_challenge_file(data_dir, council_id, challenge)
    record = load_source(path)
    file = Path(file)
    plan = extract_file(file, council_id)
    plan_recs = plan["recommendations"]
    if not plan_recs:
        raise UserError(f"{file}: found no recommendations; expected an action plan table with a Ref / "
                        "Recommendation column and Status / Timescale / Progress columns")
    unnumbered = [r for r in plan_recs if number_key(r["number"]) is None]
    if unnumbered:
        raise UserError(f"{file}: {len(unnumbered)} row(s) have no recommendation number; expected a Ref / No. "
                        "column matching the numbers in " + path.name)
    plan_by_key: dict[str, dict] = {}
    dupes = []
    for r in plan_recs:
        key = number_key(r["number"])
        if key in plan_by_key:
            dupes.append(r["number"])
        plan_by_key[key] = r
    if dupes:
        raise UserError(f"{file}: recommendation numbers appear more than once: {', '.join(map(str, dupes))}")
    recs = record.get("recommendations") or []
    file_by_key = {}
    for r in recs:
        key = number_key(r.get("number"))
        if key is not None:
            file_by_key[key] = r
    missing = [k for k in file_by_key if k not in plan_by_key]
    extra = [plan_by_key[k]["number"] for k in plan_by_key if k not in file_by_key]
    unnumbered_file = sum(1 for r in recs if number_key(r.get("number")) is None)
    if missing or extra or unnumbered_file:
        parts = []
        if missing:
            parts.append("missing from the plan: " + ", ".join(file_by_key[k]["number"] for k in missing))
        if extra:
            parts.append("not in the challenge: " + ", ".join(map(str, extra)))
        if unnumbered_file:
            parts.append(f"{unnumbered_file} recommendation(s) in the source file have no number")
        raise UserError(f"{file}: the plan's recommendation numbers do not match {path}: {'; '.join(parts)}")

    new_record = copy.deepcopy(record)
    sources = new_record.get("sources") or []
    new_record["sources"] = sources
    title = source_title or file.name
    existing = next((s for s in sources if isinstance(s, dict) and s.get("title") == title
                     and s.get("url") == source_url and s.get("kind") == source_kind), None)
    if existing:
        source_id = existing["id"]
    else:
        numbers = [int(m.group(1)) for s in sources if isinstance(s, dict)
                   for m in [re.fullmatch(r"s(\d+)", str(s.get("id", "")))] if m]
        source_id = f"s{max(numbers, default=0) + 1}"

    warnings = list(plan["warnings"])
    added, unchanged, skipped = [], [], []
    for rec in new_record.get("recommendations") or []:
        key = number_key(rec.get("number"))
        update = _plan_update(plan_by_key[key], rec, as_of_text, source_id, warnings)
        if update is None:
            skipped.append(rec.get("number"))
            continue
        updates = rec.get("updates")
        if not isinstance(updates, list):
            updates = []
            rec["updates"] = updates
        if any(isinstance(u, dict) and _same_update(u, update) for u in updates):
            unchanged.append(rec.get("number"))
            continue
        _insert_update(updates, update)
        added.append(rec.get("number"))
    if added and not existing:
        sources.append({"id": source_id, "url": source_url, "title": title, "kind": source_kind, "published": None})

    before = path.read_text(encoding="utf-8")
    after = dump_source(new_record) if added else before
    diff = "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                        fromfile=str(path), tofile=str(path) + " (after import)"))
    written = False
    if added and not dry_run:
        write_source_atomic(path, new_record)
        written = True
    return {"path": str(path), "diff": diff, "added": added, "unchanged": unchanged, "skipped": skipped,
            "source_id": source_id if added else None, "warnings": warnings, "written": written}
