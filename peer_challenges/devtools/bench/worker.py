"""The measurements of one scale: ``worker_events`` runs the pages, the named queries and the pandas
baselines for one data folder in this process (as events); ``measure_scale`` runs it in worker processes
(``bench --worker``, one per scale, so peak memory is that scale's own; a page still running after the
page timeout is stopped and reported) and folds the events into the scale's result.

Part of peer_challenges.devtools.bench.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from peer_challenges import PROJECT_ROOT
from peer_challenges.domain.errors import UserError
from peer_challenges.devtools.bench.datasets import scale_label, table_rows
from peer_challenges.devtools.bench.pages import _add_page, measure_page, page_variants
from peer_challenges.devtools.bench.queries import measure_pandas, measure_queries
from peer_challenges.devtools.bench.report import _ms
from peer_challenges.devtools.bench.timing import _hwm_mb, peak_rss_mb


# ---- the worker: one scale, in its own process ------------------------------------------------------
def _reset_app_state(folder: Path) -> None:
    """Point the app at folder: DATA_DIR, a fresh default connection, empty streamlit caches."""
    import streamlit as st
    from peer_challenges.store import db as data

    os.environ["DATA_DIR"] = str(folder)
    data.reset_default_connection()
    st.cache_data.clear()
    st.cache_resource.clear()


def worker_events(folder: Path, runs: int, council: str | None, parts=("queries", "pages", "pandas"),
                  only_pages: set | None = None, budget_s: float = 60, page_timeout: float = 900,
                  duckdb_rows: dict | None = None, progress=None):
    """The measurements for one data folder, as events (dicts), in this process: DATA_DIR set, a fresh
    default connection and empty streamlit caches first (and DATA_DIR restored afterwards). Pages come
    first, so the peak memory after them is the app's own (users driving every page); the named
    queries (each run unfiltered, whole result in pandas) and the pandas baselines follow."""
    import logging

    class _NoBareModeWarning(logging.Filter):  # AppTest's "missing ScriptRunContext" warnings are noise here
        def filter(self, record):
            message = record.getMessage()
            return "missing ScriptRunContext" not in message and "No runtime found" not in message

    for name in ("streamlit.runtime.scriptrunner_utils.script_run_context", "streamlit.runtime.caching.cache_data_api"):
        logging.getLogger(name).addFilter(_NoBareModeWarning())
    previous = os.environ.get("DATA_DIR")
    _reset_app_state(folder)
    try:
        if "pages" in parts:
            for key, page, params in page_variants(council):
                if only_pages is not None and key not in only_pages:
                    continue
                yield {"event": "page_start", "key": key}
                report = None if progress is None else (
                    lambda prof, key=key: progress({"event": "page_progress", "key": key, "profile": prof}))
                yield {"event": "page", "key": key, "rss": peak_rss_mb(),
                       "data": measure_page(page, params, runs, budget_s, page_timeout, on_progress=report)}
        if "queries" in parts:
            q = measure_queries(folder, runs, council, budget_s / 2)
            duckdb_rows = q["queries_rows"]
            yield {"event": "queries", "data": q, "rss": peak_rss_mb()}
        if "pandas" in parts:
            rss_before = peak_rss_mb()
            yield {"event": "pandas", "data": measure_pandas(folder, runs, duckdb_rows or {}, budget_s / 2),
                   "rss_before": rss_before, "rss": peak_rss_mb()}
    finally:  # leave the process as we found it (tests run this in-process)
        if previous is None:
            os.environ.pop("DATA_DIR", None)
        else:
            os.environ["DATA_DIR"] = previous
        from peer_challenges.store import db as data
        data.reset_default_connection()


def _fold(result: dict, ev: dict, log=None) -> None:
    """Add one worker event to a scale's result."""
    kind = ev["event"]
    if kind == "queries":
        result.update(ev["data"])
        result["peak_rss_with_queries_mb"] = ev["rss"]  # after every named query, unfiltered, in pandas
        if log:
            slow = sorted(ev["data"]["queries_ms"].items(), key=lambda kv: -kv[1])[:3]
            log(f"    {len(ev['data']['queries_ms'])} queries measured; slowest " + ", ".join(f"{q} {_ms(ms)}" for q, ms in slow))
    elif kind == "page":
        _add_page(result, ev["key"], ev["data"])
        result["peak_rss_mb"] = max(result.get("peak_rss_mb", 0), ev["rss"])
        if log:
            d = ev["data"]
            if "ms" in d:
                log(f"    {ev['key']}: first run {_ms(d['first_run_ms'])}, warm p50 {_ms(d['ms'])} ({d['runs']} runs), "
                    f"peak {d['peak_rss_mb']:.0f} MB")
            else:
                log(f"    {ev['key']}: ERROR {str(d.get('error'))[:200]}")
    elif kind == "pandas":
        result.update(ev["data"])
        result["peak_rss_with_pandas_mb"] = ev["rss"]
        if log:
            log("    pandas baselines: " + ", ".join(f"{q} {_ms(ms)}" for q, ms in ev["data"]["pandas_baseline_ms"].items()))


def _finish(result: dict) -> dict:
    result["ratio_pandas_over_duckdb"] = {
        q: round(result["pandas_baseline_ms"][q] / max(result["queries_ms"][q], 0.01), 1)
        for q in result.get("pandas_baseline_ms", {}) if q in result.get("queries_ms", {})}
    result["ratio_pandas_same_input_over_duckdb"] = {
        q: round(result["pandas_same_input_ms"][q] / max(result["queries_ms"][q], 0.01), 1)
        for q in result.get("pandas_same_input_ms", {}) if q in result.get("queries_ms", {})}
    return result


def measure_scale(folder: Path, scale: float, runs: int, council: str | None, *, in_process: bool = False,
                  budget_s: float = 60, page_timeout: float = 900, log=None) -> dict:
    """Everything for one scale. Normally in worker processes (fresh memory figures per scale); a page
    that has not finished within page_timeout seconds is reported as such: its worker is stopped and a
    new one carries on with the remaining pages (a runaway page cannot be interrupted in-thread)."""
    result = {"scale": scale, "data_dir": str(folder), "council": council, "runs": runs, "budget_s": budget_s,
              "page_timeout_s": page_timeout, "rows": table_rows(folder), "peak_rss_mb": 0.0}
    t0 = time.perf_counter()
    if in_process:
        for ev in worker_events(folder, runs, council, budget_s=budget_s, page_timeout=page_timeout):
            _fold(result, ev, log)
    else:
        _run_workers(result, folder, scale, runs, council, budget_s, page_timeout, log)
    result["measure_seconds"] = round(time.perf_counter() - t0, 1)
    return _finish(result)


def _run_workers(result: dict, folder: Path, scale: float, runs: int, council: str | None, budget_s: float,
                 page_timeout: float, log) -> None:
    parts = ["queries", "pages", "pandas"]
    pending = [key for key, _, _ in page_variants(council)]
    env = dict(os.environ)
    while parts:
        with tempfile.NamedTemporaryFile(prefix="bench-worker-", suffix=".jsonl", delete=False) as fh:
            out = Path(fh.name)
        cmd = [sys.executable, "-m", "peer_challenges", "bench", "--worker", str(folder), "--scales", str(scale),
               "--runs", str(runs), "--worker-out", str(out), "--budget", str(budget_s), "--page-timeout",
               str(page_timeout), "--parts", ",".join(parts), "--only-pages", ",".join(pending) or "-"]
        if council:
            cmd += ["--council", council]
        if "queries" not in parts:
            cmd += ["--duckdb-rows", json.dumps(result.get("queries_rows", {}))]
        proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=None)
        current, started, seen, partial = None, None, 0, {}
        timed_out = False
        try:
            while True:
                done = proc.poll() is not None
                lines = out.read_text(encoding="utf-8").splitlines()
                complete = lines if done else lines[:-1] if lines and not lines[-1] else lines
                for line in complete[seen:]:
                    if not line.strip():
                        continue
                    try:
                        ev = json.loads(line)
                    except ValueError:
                        break  # a line still being written
                    seen += 1
                    if ev["event"] == "page_start":
                        current, started = ev["key"], time.perf_counter()
                        continue
                    if ev["event"] == "page_progress":
                        partial[ev["key"]] = ev["profile"]
                        continue
                    _fold(result, ev, log)
                    if ev["event"] == "queries":
                        parts.remove("queries")
                    elif ev["event"] == "page":
                        pending.remove(ev["key"])
                        current = None
                    elif ev["event"] == "pandas":
                        parts.remove("pandas")
                if done:
                    break
                hwm = _hwm_mb(proc.pid)
                if current and hwm:
                    result["peak_rss_mb"] = max(result.get("peak_rss_mb", 0), hwm)  # includes a page stopped below
                if current and time.perf_counter() - started > page_timeout:
                    timed_out = True
                    proc.kill()  # our own worker, by its id
                    proc.wait()
                    _add_page(result, current, {"error": f"did not finish within {page_timeout:g} s (first run plus "
                                                         f"timed runs); stopped", "peak_rss_mb": hwm,
                                                "profile": {"run_ms": None, "stopped_after_s": page_timeout, "calls": [],
                                                            **partial.get(current, {"samples": 0, "hot_lines": []})}})
                    if log:
                        log(f"    {current}: still running after {page_timeout:g} s; stopped (reported as a miss)")
                    pending.remove(current)
                    break
                time.sleep(0.2)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            out.unlink(missing_ok=True)
        if not pending and "pages" in parts:
            parts.remove("pages")
        if not timed_out and proc.returncode != 0:
            raise UserError(f"bench worker for scale {scale_label(scale)} failed (exit code {proc.returncode}; "
                            "see its output above)")
        if not timed_out and parts:
            raise UserError(f"bench worker for scale {scale_label(scale)} stopped before measuring {parts}")


def run_worker(folder: Path, worker_out, runs: int, council: str | None, parts: tuple, only_pages: set | None,
               budget_s: float, page_timeout: float, duckdb_rows: dict | None) -> None:
    """The worker process (``bench --worker``, started by _run_workers): measure one data folder and append
    events (JSON lines) to worker_out."""
    import threading
    lock = threading.Lock()
    with open(worker_out, "a", encoding="utf-8") as fh:
        def write(ev):
            with lock:
                fh.write(json.dumps(ev, default=str) + "\n")
                fh.flush()

        for ev in worker_events(Path(folder), runs, council, parts=parts,
                                only_pages=only_pages, budget_s=budget_s, page_timeout=page_timeout,
                                duckdb_rows=duckdb_rows, progress=write):
            write(ev)
