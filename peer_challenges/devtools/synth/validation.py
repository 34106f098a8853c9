"""Proof that the synthetic rows are what the build would make.

``validate_sample`` turns a deterministic sample of challenges (``sample_indices``) into source records
in the docs/SOURCE_FORMAT.md shape (``source_records``), builds them with the real build and compares
the rows; ``check_columns`` runs the contract's column checks over every row.

Part of peer_challenges.devtools.synth.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from peer_challenges import PROJECT_ROOT
from peer_challenges.domain.vocab import ASSESSORS, CORE_THEMES, COUNCIL_TYPES, RAGS, REGIONS, SOURCE_KINDS, STATUSES, UNITS
from peer_challenges.store.contract import TABLES
from peer_challenges.devtools.synth.generator import Synth, format_date

DEFAULT_SAMPLE = 200


# ---- source records (docs/SOURCE_FORMAT.md) for a sample of challenges ------------------------------
def source_records(synth: Synth, challenge_idx) -> list[tuple[str, dict]]:
    """(relative path under data/, source record dict) for the given challenge row numbers."""
    t = synth.tables
    ch = t["challenges"]
    n_rec, u = synth.raw["n_rec"], synth.raw["u"]
    rec_start = np.concatenate([[0], np.cumsum(n_rec)])
    up_start = np.concatenate([[0], np.cumsum(u)])
    co_rows = {cid: i for i, cid in enumerate(t["councils"].column("council_id").to_pylist())}
    snap_rows = {int(c): i for i, c in enumerate(synth.raw["snap_ch"])}
    src_by_ch: dict[str, list[int]] = {}
    for i, cid in enumerate(t["sources"].column("challenge_id").to_pylist()):
        src_by_ch.setdefault(cid, []).append(i)
    out = []
    for c in challenge_idx:
        c = int(c)
        crow = {k: v[0] for k, v in ch.slice(c, 1).to_pydict().items()}
        co = {k: v[0] for k, v in t["councils"].slice(co_rows[crow["council_id"]], 1).to_pydict().items()}
        style = int(synth.raw["as_of_style"][c])

        def d(name, row=crow):
            return format_date(row[name], row[name + "_precision"])

        challenge = {
            "kind": crow["kind"], "onsite_start": d("onsite_start"), "onsite_end": d("onsite_end"),
            "report_published": d("report_published"), "report_published_basis": crow["report_published_basis"],
            "action_plan_approved": d("action_plan_approved"), "progress_review_onsite": d("progress_review_onsite"),
            "progress_review_published": d("progress_review_published"),
            "progress_review_published_basis": crow["progress_review_published_basis"],
            "progress_review_kind": crow["progress_review_kind"], "pandemic_delayed": crow["pandemic_delayed"],
            "people_met": crow["people_met"], "people_met_lower_bound": crow["people_met_lower_bound"],
            "meetings_held": crow["meetings_held"], "meetings_held_lower_bound": crow["meetings_held_lower_bound"],
            "peer_team_size": crow["peer_team_size"], "recommendations_total": crow["recommendations_total"],
            "focus_areas": crow["focus_areas"], "joint_with": crow["joint_with"], "synthetic": True,
            "notes": crow["notes"],
        }
        srcs = []
        for i in src_by_ch.get(crow["challenge_id"], []):
            s = {k: v[0] for k, v in t["sources"].slice(i, 1).to_pydict().items()}
            srcs.append({"id": s["source_id"].rsplit("-", 1)[1], "url": s["url"], "title": s["title"],
                         "kind": s["kind"], "published": format_date(s["published"], s["published_precision"])})
        recs = []
        r_idx = np.arange(rec_start[c], rec_start[c + 1])
        rt = t["recommendations"].take(pa.array(r_idx)).to_pylist()
        for r_i, r in zip(r_idx, rt):
            ups = []
            u_idx = np.arange(up_start[r_i], up_start[r_i + 1])
            for up, pr_row in zip(t["updates"].take(pa.array(u_idx, pa.int64())).to_pylist(), synth.raw["is_pr"][u_idx]):
                as_of_style = 0 if pr_row else style
                ups.append({
                    "as_of": format_date(up["as_of"], up["as_of_precision"], 1 if as_of_style == 1 else 0),
                    "status": up["status"], "status_raw": up["status_raw"], "rag": up["rag"],
                    "revised_target": format_date(up["revised_target"], up["revised_target_precision"], 1),
                    "assessed_by": up["assessed_by"], "peer_view": up["peer_view"], "note": up["note"], "source": up["source_id"].rsplit("-", 1)[1],
                })
            recs.append({
                "number": r["number"], "title": r["title"], "text": r["text"], "core_theme": r["core_theme"],
                "topics": r["topics"], "record_flag": r["record_flag"],
                "record_kind": r["record_kind"], "stands_for": r["stands_for"], "accountable": r["accountable"],
                "responsible": r["responsible"], "target_raw": r["target_raw"], "source": "s1", "updates": ups,
            })
        snaps = []
        if c in snap_rows:
            s = t["progress_snapshots"].slice(snap_rows[c], 1).to_pylist()[0]
            snaps.append({"as_of": format_date(s["as_of"], s["as_of_precision"]), "unit": s["unit"],
                          **{f: s[f] for f in ("total", "complete", "in_progress", "not_started", "rag_green",
                                               "rag_amber", "rag_red", "basis", "assessed_by", "is_forecast", "note")},
                          "source": s["source_id"].rsplit("-", 1)[1]})
        record = {
            "council": {k: co[k] for k in ("council_id", "name", "ons_code", "council_type", "region")},
            "challenge": challenge, "sources": srcs, "recommendations": recs, "progress_snapshots": snaps,
        }
        out.append((crow["source_file"], record))
    return out


def sample_indices(n_challenges: int, sample: int) -> np.ndarray:
    if sample <= 0:
        return np.array([], np.int64)
    if sample >= n_challenges:
        return np.arange(n_challenges)
    return np.unique(np.linspace(0, n_challenges - 1, sample).round().astype(np.int64))


def validate_sample(synth: Synth, sample: int = DEFAULT_SAMPLE) -> int:
    """Build a sample of challenges from source records with the real build; its rows must equal ours."""
    from peer_challenges.store import build
    from peer_challenges.sources.schema import SourceFile
    from peer_challenges.sources.sourcefile import write_source_atomic

    idx = sample_indices(synth.tables["challenges"].num_rows, sample)
    if not len(idx):
        return 0
    records = source_records(synth, idx)
    with tempfile.TemporaryDirectory(prefix="synth-sample-") as tmp:
        root = Path(tmp)
        shutil.copy(PROJECT_ROOT / "data" / "taxonomy.yaml", root / "taxonomy.yaml")
        for rel, record in records:
            SourceFile.model_validate(record)  # the pydantic contract, with a clear error if it fails
            write_source_atomic(root / rel, record)
        built, _ = build.collect(root)
    ids = {"councils": "council_id", "challenges": "challenge_id", "council_register": "council_id"}
    sample_ch = pa.array([synth.tables["challenges"].column("challenge_id")[int(i)].as_py() for i in idx])
    sample_co = pc.unique(synth.tables["challenges"].column("council_id").take(pa.array(idx)))
    for name, columns in TABLES.items():
        table = synth.tables[name]
        key = ids.get(name, "challenge_id")
        mine = table.filter(pc.is_in(table[key], sample_co if name in ("councils", "council_register") else sample_ch))
        keys = build.SORT_KEYS[name]
        theirs = sorted(({c: r.get(c) for c in columns} for r in built[name]),
                        key=lambda r: tuple("" if r[k] is None else r[k] for k in keys))
        ours = mine.select(list(columns)).sort_by([(k, "ascending") for k in keys]).to_pylist()
        if ours != theirs:
            for a, b in zip(ours, theirs):
                if a != b:
                    diff = {c: (a.get(c), b.get(c)) for c in columns if a.get(c) != b.get(c)}
                    raise AssertionError(f"synthetic {name} row differs from the build's: {diff} (generated, built)")
            raise AssertionError(f"synthetic {name}: {len(ours)} rows generated, the build made {len(theirs)}")
    return len(idx)


def check_columns(synth: Synth) -> None:
    """Contract checks over every row: accepted values, unique keys, dates readable from target_raw."""
    from peer_challenges.domain.dates import PRECISIONS, try_parse_date
    from peer_challenges.domain.taxonomy import load_taxonomy

    t = synth.tables
    problems = []

    def accepted(table, col, allowed):
        values = set(pc.unique(t[table][col]).to_pylist()) - {None}
        bad = values - set(allowed)
        if bad:
            problems.append(f"{table}.{col}: unexpected values {sorted(bad)[:5]}")

    for table, col, allowed in [
        ("councils", "council_type", COUNCIL_TYPES), ("councils", "region", REGIONS),
        ("recommendations", "core_theme", CORE_THEMES), ("updates", "status", STATUSES), ("updates", "rag", RAGS),
        ("updates", "assessed_by", ASSESSORS), ("sources", "kind", SOURCE_KINDS),
        ("progress_snapshots", "unit", UNITS), ("updates", "as_of_precision", PRECISIONS),
        ("recommendations", "target_precision", PRECISIONS), ("challenges", "onsite_start_precision", ("day", "month")),
    ]:
        accepted(table, col, allowed)
    tax = load_taxonomy(PROJECT_ROOT / "data" / "taxonomy.yaml")
    topics = set(pc.unique(pc.list_flatten(t["recommendations"]["topics"])).to_pylist())
    if topics - set(tax.topics):
        problems.append(f"recommendations.topics: not in taxonomy.yaml: {sorted(topics - set(tax.topics))[:5]}")
    for table, key in [("councils", "council_id"), ("challenges", "challenge_id"),
                       ("recommendations", "recommendation_id"), ("updates", "update_id"),
                       ("sources", "source_id"), ("progress_snapshots", "snapshot_id")]:
        if pc.count_distinct(t[table][key]).as_py() != t[table].num_rows:
            problems.append(f"{table}.{key}: not unique")
    if not all(n.startswith("Synthetic ") for n in t["councils"]["name"].to_pylist()):
        problems.append("councils.name: every synthetic council name must start 'Synthetic'")
    recs = t["recommendations"].select(["target_raw", "target_date", "target_precision"])
    for row in recs.group_by(["target_raw", "target_date", "target_precision"]).aggregate([]).to_pylist():
        parsed = try_parse_date(row["target_raw"])  # as the build reads a target_raw without a target
        got = (parsed.value, parsed.precision)
        if got != (row["target_date"], row["target_precision"]):
            problems.append(f"recommendations.target_raw {row['target_raw']!r} reads as {got}, stored as "
                            f"{(row['target_date'], row['target_precision'])}")
            break
    if problems:
        raise AssertionError("synthetic data breaks the contract: " + "; ".join(problems))
