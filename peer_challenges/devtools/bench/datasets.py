"""The benchmark's data: the synthetic dataset for each (scale, seed), generated once with
``python -m peer_challenges synth`` and cached under ``bench/data/scale-<N>-seed-<S>/`` (regenerated when
the generator version changes); ``table_rows`` counts what a data folder holds.

Part of peer_challenges.devtools.bench.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from peer_challenges import PROJECT_ROOT
from peer_challenges.domain.errors import UserError


def scale_label(scale: float) -> str:
    return str(int(scale)) if float(scale).is_integer() else f"{scale:g}"


def data_folder(root: Path, scale: float, seed: int) -> Path:
    return Path(root) / f"scale-{scale_label(scale)}-seed-{seed}"


def ensure_data(root: Path, scale: float, seed: int, log=print) -> tuple[Path, dict]:
    """The cached synthetic dataset for (scale, seed), generated in a subprocess if missing or stale."""
    from peer_challenges.devtools import synth

    folder = data_folder(root, scale, seed)
    manifest = synth.read_manifest(folder)
    if not (manifest and manifest.get("generator_version") == synth.GENERATOR_VERSION
            and float(manifest.get("scale", -1)) == float(scale) and manifest.get("seed") == seed):
        log(f"  generating scale {scale_label(scale)} (seed {seed}) in {folder} ...")
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "peer_challenges", "synth", "--scale", str(scale),
                               "--seed", str(seed), "--out", str(folder)], cwd=PROJECT_ROOT,
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise UserError(f"synth --scale {scale} failed:\n{proc.stderr.strip()}")
        manifest = synth.read_manifest(folder)
        manifest["generate_seconds"] = round(time.perf_counter() - t0, 1)
        log(f"  generated in {manifest['generate_seconds']} s")
    return folder, manifest


def table_rows(folder: Path) -> dict[str, int]:
    import pyarrow.parquet as pq
    from peer_challenges.store.db import ALL_TABLES

    return {t: pq.ParquetFile(Path(folder) / f"{t}.parquet").metadata.num_rows for t in ALL_TABLES}
