"""Reading and writing the curated source files (data/sources/**/*.yaml).

One stable layout for every writer (the facts converter, import-plan, extract), so that a change to
a file shows up as a small, readable diff.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from peer_challenges.domain.errors import UserError

# key order within each kind of mapping; keys not listed keep their order after these
KEY_ORDER = {
    "top": ["council", "challenge", "sources", "recommendations", "progress_snapshots"],
    "council": ["council_id", "name", "ons_code", "council_type", "region"],
    "challenge": [
        "kind", "onsite_start", "onsite_end", "report_published", "report_published_basis",
        "action_plan_approved", "progress_review_onsite", "progress_review_published",
        "progress_review_published_basis", "progress_review_kind", "pandemic_delayed",
        "people_met", "people_met_lower_bound", "meetings_held", "meetings_held_lower_bound",
        "peer_team_size", "recommendations_total", "focus_areas", "joint_with", "synthetic", "notes",
    ],
    "source": ["id", "url", "title", "kind", "published"],
    "recommendation": [
        "number", "title", "text", "core_theme", "topics", "record_flag", "record_kind", "stands_for", "accountable",
        "responsible", "target_raw", "target", "source", "updates",
    ],
    "update": ["as_of", "status", "status_raw", "rag", "revised_target", "assessed_by", "peer_view", "note", "source"],
    "snapshot": [
        "as_of", "unit", "total", "complete", "in_progress", "not_started", "rag_green",
        "rag_amber", "rag_red", "basis", "assessed_by", "is_forecast", "note", "source",
    ],
}


def _ordered(mapping: dict, kind: str) -> dict:
    order = KEY_ORDER[kind]
    out = {k: mapping[k] for k in order if k in mapping}
    out.update({k: v for k, v in mapping.items() if k not in out})
    return out


def normalise_layout(record: dict) -> dict:
    """Return the record with keys in the canonical order (values untouched)."""
    rec = _ordered(record, "top")
    if isinstance(rec.get("council"), dict):
        rec["council"] = _ordered(rec["council"], "council")
    if isinstance(rec.get("challenge"), dict):
        rec["challenge"] = _ordered(rec["challenge"], "challenge")
    rec["sources"] = [_ordered(s, "source") for s in rec.get("sources") or []]
    recs = []
    for r in rec.get("recommendations") or []:
        r = _ordered(r, "recommendation")
        r["updates"] = [_ordered(u, "update") for u in r.get("updates") or []]
        recs.append(r)
    rec["recommendations"] = recs
    rec["progress_snapshots"] = [_ordered(s, "snapshot") for s in rec.get("progress_snapshots") or []]
    return rec


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str):
    # multi-line text as a block; everything else quoted only where YAML needs it
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_source(record: dict) -> str:
    """Serialise a source record in the canonical layout."""
    return yaml.dump(
        normalise_layout(record), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
        default_flow_style=False,
    )


def load_source(path: str | os.PathLike) -> dict[str, Any]:
    """Read one source file. Dates stay strings (YAML timestamps are turned back into ISO text)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read the file ({exc})") from None
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise UserError(f"{path}: not valid YAML{where}: {problem}") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a mapping with council, challenge, sources, recommendations; got {type(data).__name__}")
    return data


class _Loader(yaml.SafeLoader):
    pass


# keep every date as the text it was written as: dates.py decides what it means
_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def write_source_atomic(path: str | os.PathLike, record: dict) -> None:
    """Write a source file all-or-nothing (temporary file in the same folder, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = dump_source(record)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def source_path(data_dir: str | os.PathLike, council_id: str, month: str, kind: str) -> Path:
    """data/sources/<council_id>/<YYYY-MM>-<kind>.yaml"""
    return Path(data_dir) / "sources" / council_id / f"{month}-{kind.replace('_', '-')}.yaml"
