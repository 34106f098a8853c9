"""Writing the synthetic dataset: ``synth(scale, out, seed, sample)`` generates, validates and writes
the tables (the build's ``write_arrow_tables``), taxonomy.yaml and a manifest (``synth.json``, read back
by ``read_manifest``).

Part of peer_challenges.devtools.synth.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pyarrow.parquet as pq

from peer_challenges import PROJECT_ROOT
from peer_challenges.store.contract import DERIVED_TABLES
from peer_challenges.devtools.synth.generator import GENERATOR_VERSION, TODAY, Synth, generate
from peer_challenges.devtools.synth.validation import DEFAULT_SAMPLE, check_columns, validate_sample

MANIFEST = "synth.json"


def write(synth: Synth, out: Path, sample: int = DEFAULT_SAMPLE) -> dict:
    """Validate, then write the tables (build.write_arrow_tables), taxonomy.yaml and a manifest to out."""
    from peer_challenges.store.build import write_arrow_tables

    t0 = time.perf_counter()
    check_columns(synth)
    validated = validate_sample(synth, sample)
    t1 = time.perf_counter()
    out = Path(out)
    counts = write_arrow_tables(synth.tables, out)
    shutil.copy(PROJECT_ROOT / "data" / "taxonomy.yaml", out / "taxonomy.yaml")
    derived = {name: pq.ParquetFile(out / f"{name}.parquet").metadata.num_rows for name in DERIVED_TABLES}
    manifest = {
        "generator": "peer_challenges synth", "generator_version": GENERATOR_VERSION, "scale": synth.scale,
        "seed": synth.seed, "today": TODAY.isoformat(), "rows": {**counts, **derived},
        "example_council": synth.example_council, "sample_validated_challenges": validated,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    manifest["seconds"] = {"validate": round(t1 - t0, 2), "write": round(time.perf_counter() - t1, 2)}
    return manifest


def synth(scale: float, out: Path, seed: int = 1, sample: int = DEFAULT_SAMPLE) -> dict:
    t0 = time.perf_counter()
    data = generate(scale, seed)
    t1 = time.perf_counter()
    manifest = write(data, out, sample)
    manifest["seconds"]["generate"] = round(t1 - t0, 2)
    manifest["seconds"]["total"] = round(time.perf_counter() - t0, 2)
    return manifest


def read_manifest(folder: Path) -> dict | None:
    path = Path(folder) / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
