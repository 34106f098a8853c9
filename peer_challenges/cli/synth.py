"""The `synth` command: generate a synthetic national-scale dataset (Parquet) for testing and benchmarks.

Parses the arguments, calls peer_challenges.devtools.synth.synth and prints what it wrote (the example
council and the DATA_DIR to use go to stderr).
"""

from __future__ import annotations

import sys
from pathlib import Path

from peer_challenges.devtools.synth import DEFAULT_SAMPLE, synth


def register(subparsers) -> None:
    p = subparsers.add_parser("synth", help="generate a synthetic national-scale dataset (Parquet) for testing and benchmarks")
    p.add_argument("--scale", type=float, required=True,
                   help="1 = all 317 English councils x ~2 challenges; N multiplies councils (100: >1M updates)")
    p.add_argument("--out", type=Path, required=True, help="folder to write the Parquet tables to (point DATA_DIR at it)")
    p.add_argument("--seed", type=int, default=1, help="random seed; one seed always gives identical tables (default 1)")
    p.add_argument("--sample", type=int, default=DEFAULT_SAMPLE,
                   help=f"challenges built through the real build as a check (default {DEFAULT_SAMPLE}; 0 = none)")
    p.set_defaults(func=_run)


def _run(args) -> int:
    manifest = synth(args.scale, args.out, args.seed, args.sample)
    rows = ", ".join(f"{n:,} {t}" for t, n in manifest["rows"].items())
    print(f"wrote {rows} to {args.out} in {manifest['seconds']['total']} s "
          f"(seed {args.seed}; {manifest['sample_validated_challenges']} challenges checked through the build)")
    print(f"example council: ?council={manifest['example_council']}  |  DATA_DIR={args.out}", file=sys.stderr)
    return 0
