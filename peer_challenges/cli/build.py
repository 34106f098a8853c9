"""The `build` command: validate data/sources and write the Parquet tables.

Parses the arguments, calls peer_challenges.store.build.build and prints its warnings and a one-line
summary.
"""

from __future__ import annotations

from pathlib import Path

from peer_challenges.store.build import build


def register(subparsers) -> None:
    p = subparsers.add_parser("build", help="validate data/sources and write the Parquet tables")
    p.add_argument("--data-dir", type=Path, default=None, help="data folder (default: $DATA_DIR or data/)")
    p.add_argument("--out", type=Path, default=None, help="write the Parquet here instead of the data folder")
    p.set_defaults(func=_run)


def _run(args) -> int:
    report = build(args.data_dir, args.out)
    for w in report.warnings:
        print(f"warning: {w}")
    print(report.summary())
    return 0
