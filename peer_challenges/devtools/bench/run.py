"""A whole benchmark run: ``run_benchmark`` measures every scale (data, warm figures in worker
processes, cold start) and returns the report; ``write_report`` writes it as bench/results.json and
bench/RESULTS.md.

Part of peer_challenges.devtools.bench; the command is peer_challenges.cli.bench.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from pathlib import Path

from peer_challenges.devtools.bench.coldstart import cold_start, cold_start_available
from peer_challenges.devtools.bench.datasets import ensure_data, scale_label, table_rows
from peer_challenges.devtools.bench.report import _ms, check_targets, machine, render_markdown
from peer_challenges.devtools.bench.worker import measure_scale

QUICK_SCALES = (1.0, 100.0)
FULL_SCALES = (1.0, 10.0, 100.0)


def run_benchmark(scales, *, runs: int, seed: int, data_root: Path, budget: float, page_timeout: float,
                  cold_start_mode: str = "on", cold_runs: int = 1, in_process: bool = False, quick: bool = False,
                  log=print) -> dict:
    """Measure every scale (data generated or reused under data_root; warm figures unless cold_start_mode is
    "only"; cold start unless it is "off") and return the report (results, machine, targets)."""
    cold_reason = None if cold_start_mode in ("on", "only") else "skipped (--cold-start off)"
    if cold_reason is None:
        cold_reason = cold_start_available()
    results = []
    t_start = time.perf_counter()
    for scale in scales:
        log(f"scale {scale_label(scale)}:")
        folder, manifest = ensure_data(data_root, scale, seed, log)
        council = manifest.get("example_council")
        if cold_start_mode == "only":
            result = {"scale": scale, "data_dir": str(folder), "council": council, "runs": runs,
                      "rows": table_rows(folder), "peak_rss_mb": 0.0}
        else:
            result = measure_scale(folder, scale, runs, council, in_process=in_process, budget_s=budget,
                                   page_timeout=page_timeout, log=log)
        result["generate_seconds"] = manifest.get("generate_seconds")
        if cold_reason is None:
            title = next((t[0] for k, t in result.get("page_titles", {}).items() if k == "overview" and t), None)
            try:
                cold = [cold_start(folder, title) for _ in range(cold_runs)]
                result["cold_start_ms"] = statistics.median(c["cold_start_ms"] for c in cold)
                result["cold_start_server_ms"] = statistics.median(c["cold_start_server_ms"] for c in cold)
                result["cold_start_runs"] = len(cold)
                result["cold_start_title"] = cold[0]["cold_start_title"]
            except Exception as exc:  # report it, keep the warm figures
                result["cold_start_error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
        else:
            result["cold_start_error"] = cold_reason
        pages = result.get("pages_ms", {})
        log(f"  rows {result['rows'].get('updates', 0):,} updates; slowest page "
            f"{max(pages, key=pages.get) if pages else '-'} {_ms(max(pages.values())) if pages else ''}; "
            f"peak {result['peak_rss_mb']:.0f} MB; cold start {_ms(result.get('cold_start_ms'))}")
        results.append(result)
    report = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": "python -m peer_challenges bench" + (" --quick" if quick else ""),
        "machine": machine(), "seed": seed, "total_seconds": round(time.perf_counter() - t_start, 1),
        "results": results,
    }
    report["targets"] = check_targets(results) if cold_start_mode != "only" else []
    return report


def write_report(report: dict, json_path: Path, markdown_path: Path | None = None) -> None:
    """The report as JSON at json_path and, unless markdown_path is None or '-', as the readable table."""
    Path(json_path).parent.mkdir(parents=True, exist_ok=True)
    Path(json_path).write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    if markdown_path and str(markdown_path) != "-":
        write_markdown(Path(markdown_path), report, Path(json_path).parent / LOAD_JSON)


LOAD_JSON = "load.json"


def write_markdown(markdown_path: Path, report: dict | None, load_json: Path) -> None:
    """RESULTS.md: the page/query tables of ``report`` (None: the latest results.json beside load_json) and,
    when ``bench --load`` has been run, its section from load.json."""
    from peer_challenges.devtools.bench import load

    if report is None:
        results = load_json.parent / "results.json"
        report = json.loads(results.read_text(encoding="utf-8")) if results.exists() else None
    parts = [render_markdown(report)] if report else ["# Benchmark results\n"]
    if load_json.exists():
        parts.append(load.render_markdown(json.loads(load_json.read_text(encoding="utf-8"))))
    Path(markdown_path).write_text("\n".join(parts), encoding="utf-8")
