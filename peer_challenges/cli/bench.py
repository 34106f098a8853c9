"""The `bench` command: benchmark pages, queries and memory on synthetic data at national scale.

Parses the arguments, fills in the defaults that depend on ``--quick`` (scales, time budget, page
timeout), calls peer_challenges.devtools.bench.run_benchmark and writes the report (``--json``,
``--markdown``). ``--worker`` (hidden) is the worker process the benchmark starts for each scale: it
calls peer_challenges.devtools.bench.run_worker. ``--load`` runs the load benchmark instead
(peer_challenges.devtools.bench.load: 1 app process against 2 behind nginx, data from the S3 emulator).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from peer_challenges import PROJECT_ROOT
from peer_challenges.domain.errors import UserError
from peer_challenges.devtools.bench import CHROMIUM, FULL_SCALES, QUICK_SCALES, run_benchmark, run_worker, write_report


def _run(args) -> int:
    if args.worker:
        return _run_worker(args)
    if args.load:
        return _run_load(args)
    scales = args.scales or (QUICK_SCALES if args.quick else FULL_SCALES)
    runs = max(1, args.runs)
    budget = args.budget if args.budget is not None else (20 if args.quick else 60)
    page_timeout = args.page_timeout if args.page_timeout is not None else (120 if args.quick else 900)
    log = (lambda *a: None) if args.quiet else (lambda *a: print(*a, flush=True))
    report = run_benchmark(scales, runs=runs, seed=args.seed, data_root=args.data_root, budget=budget,
                           page_timeout=page_timeout, cold_start_mode=args.cold_start, cold_runs=args.cold_runs,
                           in_process=args.in_process, quick=args.quick, log=log)
    write_report(report, args.json, args.markdown)
    log(f"wrote {args.json}" + (f" and {args.markdown}" if args.markdown and str(args.markdown) != "-" else "")
        + f" in {report['total_seconds']} s")
    return 0


def _run_load(args) -> int:
    """--load: 1 process against 2 behind nginx, 10/20/40 concurrent sessions (peer_challenges.devtools.bench.load);
    results to bench/load.json and their section of RESULTS.md (the page/query tables there are kept)."""
    from peer_challenges.devtools.bench import load
    from peer_challenges.devtools.bench.run import LOAD_JSON, write_markdown
    from peer_challenges.devtools.replicas import nginx_binary

    if nginx_binary() is None:
        raise UserError("bench --load needs nginx (Debian: apt-get install nginx-light)")
    if not Path(CHROMIUM).exists():
        raise UserError(f"bench --load needs Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    levels = args.levels or list(load.LEVELS)
    log = (lambda *a: None) if args.quiet else (lambda *a: print(*a, flush=True))
    report = load.run_load(levels=levels, log=log)
    load_json = Path(args.json).parent / LOAD_JSON
    load.write(report, load_json)
    if args.markdown and str(args.markdown) != "-":
        write_markdown(Path(args.markdown), None, load_json)
    log(f"wrote {load_json}" + (f" and {args.markdown}" if args.markdown and str(args.markdown) != "-" else "")
        + f" in {report['total_seconds']} s")
    return 0


def _run_worker(args) -> int:
    """--worker: measure one data folder and append events (JSON lines) to --worker-out."""
    only = None if args.only_pages is None else set() if args.only_pages == "-" else set(args.only_pages.split(","))
    rows = json.loads(args.duckdb_rows) if args.duckdb_rows else None
    run_worker(Path(args.worker), args.worker_out, args.runs, args.council, parts=tuple(args.parts.split(",")),
               only_pages=only, budget_s=args.budget or 60, page_timeout=args.page_timeout or 900, duckdb_rows=rows)
    return 0


def _positive_list(option: str, kind, example: str):
    """An argparse type: comma-separated positive numbers of ``kind`` (int or float), a UserError otherwise."""
    def parse(text: str) -> list:
        try:
            values = [kind(x) for x in text.split(",") if x.strip()]
        except ValueError:
            raise UserError(f"{option} expects {'whole ' if kind is int else ''}numbers separated by commas, "
                            f"e.g. {example}; got {text!r}") from None
        if not values or any(v <= 0 for v in values):
            raise UserError(f"{option} expects positive numbers; got {text!r}")
        return values

    return parse


_scales = _positive_list("--scales", float, "1,10,100")
_levels = _positive_list("--levels", int, "10,20,40")


def register(subparsers) -> None:
    p = subparsers.add_parser("bench", help="benchmark pages, queries and memory on synthetic data at national scale")
    p.add_argument("--quick", action="store_true", help="scales 1 and 100 only (about 5 minutes on 2 cores when pages meet their targets; a page that runs away adds up to --page-timeout)")
    p.add_argument("--json", type=Path, default=PROJECT_ROOT / "bench" / "results.json",
                   help="write the results here (default bench/results.json)")
    p.add_argument("--markdown", type=Path, default=PROJECT_ROOT / "bench" / "RESULTS.md",
                   help="write the readable table here (default bench/RESULTS.md; '-' for none)")
    p.add_argument("--seed", type=int, default=1, help="synthetic data seed (default 1)")
    p.add_argument("--runs", type=int, default=5, help="timed warm runs per measurement (default 5; the median is reported)")
    p.add_argument("--cold-start", choices=("on", "off", "only"), default="on",
                   help="measure cold start in headless Chromium too (default on; 'only' skips the warm measurements)")
    p.add_argument("--budget", type=float, default=None,
                   help="seconds of timed runs per page/query before taking fewer than --runs (default 20 with --quick, else 60)")
    p.add_argument("--page-timeout", type=float, default=None,
                   help="seconds a page's measurement (first run plus timed runs) may take before it is stopped and reported (default 120 with --quick, else 900)")
    p.add_argument("--cold-runs", type=int, default=1, help="cold starts per scale (median; default 1)")
    p.add_argument("--load", action="store_true",
                   help="instead: the load run - 1 app process against 2 behind nginx, reading the committed data from the "
                        "S3 emulator, at 10, 20 and 40 concurrent sessions (browser and protocol); needs nginx and Chromium; "
                        "about 25 minutes on 2 cores; writes bench/load.json and its section of RESULTS.md")
    p.add_argument("--levels", type=_levels, default=None, help="with --load: concurrent sessions per run (default 10,20,40)")
    p.add_argument("--data-root", type=Path, default=PROJECT_ROOT / "bench" / "data", help=argparse.SUPPRESS)
    p.add_argument("--scales", type=_scales, default=None, help=argparse.SUPPRESS)  # e.g. 0.05 (tests)
    p.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)  # no worker process (tests)
    p.add_argument("--quiet", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    p.add_argument("--worker-out", default=None, help=argparse.SUPPRESS)
    p.add_argument("--council", default=None, help=argparse.SUPPRESS)
    p.add_argument("--parts", default="queries,pages,pandas", help=argparse.SUPPRESS)
    p.add_argument("--only-pages", default=None, help=argparse.SUPPRESS)
    p.add_argument("--duckdb-rows", default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=_run)
