"""``python -m peer_challenges bench [--quick] [--json FILE]``: how quick the app stays at national scale.

For each scale (quick: 1 and 100; full: 1, 10, 100) the benchmark

1. generates the synthetic dataset (``peer_challenges.devtools.synth``) once and caches it under
   ``bench/data/scale-<N>-seed-<S>/`` (gitignored; regenerated when the generator version changes);
2. measures, in a fresh worker process per scale (so peak memory is that scale's own):
   - every named query (``queries/*.sql``) through ``run_query`` on a connection to that data folder,
     with no parameters and, where it takes ``$council_id``, for one council (``queries_council_ms``);
   - every page in ``pages/`` through AppTest via app.py, warm (run once, then time the same session's
     ``.run()``), with the default filters and with ``?council=<a council in that dataset>``;
     plus, per page, which ``ui.query`` calls a warm run makes and what they cost (``page_profile``);
   - a pandas baseline doing the same work the plain way (read the Parquet into pandas,
     sort / groupby / merge) for council_summary, recommendation_status and theme_counts, from the tables an
     app without the build-time roll-ups (recommendation_status, challenge_status, challenge_themes) would
     read, asserting the same row counts as DuckDB; and, reported for transparency but not the target,
     pandas on the same roll-ups DuckDB reads (``pandas_same_input_ms``);
   - peak resident memory (ru_maxrss) after the app phase (queries + pages) and after the pandas phase;
3. measures cold start: ``streamlit run app.py`` until the overview is fully drawn in headless Chromium
   (its title shown, Streamlit's running indicator gone).

Times are medians (p50; p90 alongside) of ``--runs`` (default 5) warm runs. Results go to ``--json``
(default bench/results.json) and a readable table to ``--markdown`` (default bench/RESULTS.md).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from importlib import metadata
from pathlib import Path

from peer_challenges import PROJECT_ROOT
from peer_challenges.domain.errors import UserError

QUICK_SCALES = (1.0, 100.0)
FULL_SCALES = (1.0, 10.0, 100.0)
CONTRACT_QUERIES = ("recommendation_status", "council_summary", "process_timeliness", "theme_counts")
PANDAS_QUERIES = ("council_summary", "recommendation_status", "theme_counts")
COUNCIL_SUFFIX = "+council"  # pages_ms key of a page measured with ?council=<id>
TARGET_PAGE_MS = 2000
TARGET_PAGE_GROWTH = 3.0
TARGET_PANDAS_RATIO = 3.0
TARGET_RSS_MB = 2048
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PACKAGES = ("streamlit", "duckdb", "pandas", "pyarrow", "numpy", "plotly", "pydantic", "playwright")


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


# ---- timing helpers ---------------------------------------------------------------------------------
def _time(fn, runs: int, warmup: int = 1, budget_s: float | None = None) -> tuple[dict, object]:
    """Median (and p90) of `runs` timed calls after `warmup` untimed ones; fewer timed calls (at least
    one) once they have taken budget_s seconds in all (the result's "n" says how many)."""
    result = None
    for _ in range(warmup):
        result = fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
        if budget_s is not None and sum(times) > budget_s * 1000:
            break
    return _stats(times), result


def _stats(times: list[float]) -> dict:
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
    return {"p50": round(statistics.median(ordered), 1), "p90": round(p90, 1), "n": len(ordered)}


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


def table_rows(folder: Path) -> dict[str, int]:
    import pyarrow.parquet as pq
    from peer_challenges.store.db import ALL_TABLES

    return {t: pq.ParquetFile(Path(folder) / f"{t}.parquet").metadata.num_rows for t in ALL_TABLES}


def list_pages() -> list[str]:
    return sorted(p.stem for p in (PROJECT_ROOT / "pages").glob("*.py") if not p.name.startswith("_"))


# ---- pandas baselines: the same results, the plain way ---------------------------------------------
def _read(folder: Path, table: str, columns=None):
    import pyarrow.parquet as pq
    # pandas.read_parquet would turn DATE columns into objects; datetime64 is the plain pandas way
    return pq.read_table(Path(folder) / f"{table}.parquet", columns=columns).to_pandas(date_as_object=False)


def pandas_council_summary(folder: Path):
    import numpy as np
    import pandas as pd

    co = _read(folder, "councils")
    ch = _read(folder, "challenges", ["challenge_id", "council_id", "challenge_month", "onsite_start",
                                      "progress_review_onsite", "recommendations_total"])
    rs = _read(folder, "recommendation_status", ["challenge_id", "latest_status", "is_open", "slippage_bucket",
                                                 "slippage_days"])
    snaps = _read(folder, "progress_snapshots", ["snapshot_id", "challenge_id", "unit", "complete", "total", "as_of",
                                                 "as_of_precision"])
    ch = ch.sort_values(["council_id", "onsite_start", "challenge_id"], ascending=[True, False, False], na_position="last")
    ch["challenges"] = ch.groupby("council_id")["challenge_id"].transform("size")
    latest = ch.drop_duplicates("council_id", keep="first")
    rs = rs.assign(is_complete=rs["latest_status"].eq("complete"), is_superseded=rs["latest_status"].eq("superseded"),
                   is_overdue=rs["slippage_bucket"].eq("open_overdue"), is_open=rs["is_open"].fillna(False).astype(bool))
    g = rs.groupby("challenge_id")
    recs = pd.DataFrame({
        "recommendations": g.size(), "recommendations_with_status": g["latest_status"].count(),
        "complete": g["is_complete"].sum(), "open": g["is_open"].sum(), "superseded": g["is_superseded"].sum(),
        "overdue": g["is_overdue"].sum(), "median_slippage_days": g["slippage_days"].median(),
        "recommendations_with_slippage": g["slippage_days"].count(),
    }).reset_index()
    snap = snaps.sort_values(["challenge_id", "as_of", "snapshot_id"], ascending=[True, False, False],
                             na_position="last").drop_duplicates("challenge_id")
    snap = snap.rename(columns={c: f"latest_snapshot_{c}" for c in ("unit", "complete", "total", "as_of")})
    out = co.merge(latest, on="council_id").merge(recs, on="challenge_id", how="left").merge(
        snap.drop(columns=["snapshot_id", "as_of_precision"]), on="challenge_id", how="left")
    for c in ("recommendations", "recommendations_with_status", "complete", "open", "overdue",
              "recommendations_with_slippage"):
        out[c] = out[c].fillna(0).astype("int64")
    denom = out["recommendations_with_status"] - out["superseded"].fillna(0)
    out["completion_rate"] = np.where(denom > 0, out["complete"] / denom.where(denom > 0, 1), np.nan)
    out["days_to_progress_review"] = (out["progress_review_onsite"] - out["onsite_start"]).dt.days
    return out.sort_values("name").reset_index(drop=True)


def pandas_recommendation_status(folder: Path):
    """latest status, completion and slippage per recommendation, computed from the base tables."""
    import numpy as np

    recs = _read(folder, "recommendations", ["recommendation_id", "council_id", "challenge_id", "seq", "number",
                                             "title", "core_theme", "topics", "record_flag", "accountable",
                                             "responsible", "target_raw", "target_date", "target_precision"])
    ups = _read(folder, "updates", ["recommendation_id", "seq", "as_of", "as_of_precision", "status", "rag",
                                    "assessed_by", "revised_target", "revised_target_precision"])
    ch = _read(folder, "challenges", ["challenge_id", "challenge_month"])
    co = _read(folder, "councils", ["council_id", "name", "council_type", "region"]).rename(columns={"name": "council_name"})
    ordered = ups.sort_values(["recommendation_id", "as_of", "seq"], na_position="first")
    latest = ordered[ordered["status"].notna()].drop_duplicates("recommendation_id", keep="last")
    latest = latest[["recommendation_id", "status", "as_of", "as_of_precision", "rag", "assessed_by"]].rename(
        columns={"status": "latest_status", "as_of": "latest_as_of", "as_of_precision": "latest_as_of_precision",
                 "rag": "latest_rag", "assessed_by": "latest_assessed_by"})
    completed = ups[ups["status"].eq("complete")].groupby("recommendation_id")["as_of"].min().rename("first_complete")
    revised = ordered[ordered["revised_target"].notna()].drop_duplicates("recommendation_id", keep="last")[
        ["recommendation_id", "revised_target", "revised_target_precision"]]
    counts = ups.groupby("recommendation_id").size().rename("updates_count")
    out = (recs.merge(ch, on="challenge_id").merge(co, on="council_id").merge(latest, on="recommendation_id", how="left")
           .merge(completed, on="recommendation_id", how="left").merge(revised, on="recommendation_id", how="left")
           .merge(counts, on="recommendation_id", how="left"))
    out["challenge_year"] = out["challenge_month"].str[:4].astype("Int64")
    out["updates_count"] = out["updates_count"].fillna(0).astype("int64")
    out["is_open"] = out["latest_status"].isin(["in_progress", "not_started", "ongoing", "delayed"])
    out["completed_on"] = out["first_complete"].where(out["latest_status"].eq("complete"))
    done = (out["completed_on"] - out["target_date"]).dt.days
    running = (out["latest_as_of"] - out["target_date"]).dt.days
    out["slippage_days"] = np.where(out["target_date"].isna(), np.nan,
                                    np.where(out["latest_status"].eq("complete") & out["completed_on"].notna(), done,
                                             np.where(out["is_open"] & out["latest_as_of"].notna(), running, np.nan)))
    s = out["slippage_days"]
    out["slippage_bucket"] = np.select(
        [out["target_date"].isna(), s.isna(), out["latest_status"].eq("complete") & (s <= 0),
         out["latest_status"].eq("complete"), s > 0],
        ["no_target", "unknown", "on_time", "late", "open_overdue"], "open_not_due")
    return out.sort_values(["council_id", "challenge_id", "seq"]).reset_index(drop=True)


def pandas_theme_counts(folder: Path):
    import pandas as pd

    rs = _read(folder, "recommendation_status", ["council_id", "challenge_id", "challenge_year", "council_type",
                                                 "region", "core_theme", "topics"])
    keys = ["challenge_year", "council_type", "region"]
    core = rs[rs["core_theme"].notna()].assign(level="core", theme=rs["core_theme"])
    topic = rs.explode("topics").dropna(subset=["topics"]).assign(level="topic")
    topic["theme"] = topic["topics"]
    cols = ["level", "theme", "council_id", "challenge_id"] + keys
    tagged = pd.concat([core[cols], topic[cols]], ignore_index=True)
    counts = tagged.groupby(["level", "theme"] + keys, dropna=False).agg(
        councils=("council_id", "nunique"), challenges=("challenge_id", "nunique"),
        recommendations=("council_id", "size")).reset_index()
    denom = rs.groupby(keys, dropna=False)["challenge_id"].nunique().rename("challenges_with_recommendations").reset_index()
    out = counts.merge(denom, on=keys)
    return out.sort_values(["level", "theme"] + keys).reset_index(drop=True).rename(columns={"challenge_year": "year"})


PANDAS_BASELINES = {"council_summary": pandas_council_summary, "recommendation_status": pandas_recommendation_status,
                    "theme_counts": pandas_theme_counts}


# ---- for transparency: pandas on the same build-time roll-ups DuckDB reads (reported, not the target) --
def pandas_council_summary_same_input(folder: Path):
    import numpy as np

    co = _read(folder, "councils")
    cs = _read(folder, "challenge_status")
    cs = cs.sort_values(["council_id", "onsite_start", "challenge_id"], ascending=[True, False, False],
                        na_position="last")
    cs["challenges"] = cs.groupby("council_id")["challenge_id"].transform("size")
    out = co.merge(cs.drop_duplicates("council_id", keep="first").drop(columns=["council_type", "region"]),
                   on="council_id")
    denom = out["recommendations_with_status"] - out["superseded"]
    out["completion_rate"] = np.where(denom > 0, out["complete"] / denom.where(denom > 0, 1), np.nan)
    out["days_to_progress_review"] = (out["progress_review_onsite"] - out["onsite_start"]).dt.days
    return out.sort_values("name").reset_index(drop=True)


def pandas_theme_counts_same_input(folder: Path):
    ct = _read(folder, "challenge_themes")
    cs = _read(folder, "challenge_status", ["challenge_year", "council_type", "region", "recommendations"])
    keys = ["challenge_year", "council_type", "region"]
    counts = ct.groupby(["level", "theme"] + keys, dropna=False).agg(
        councils=("council_id", "nunique"), challenges=("challenge_id", "size"),
        recommendations=("recommendations", "sum")).reset_index()
    denom = cs[cs["recommendations"] > 0].groupby(keys, dropna=False).size().rename(
        "challenges_with_recommendations").reset_index()
    out = counts.merge(denom, on=keys)
    return out.sort_values(["level", "theme"] + keys).reset_index(drop=True).rename(columns={"challenge_year": "year"})


def pandas_recommendation_status_same_input(folder: Path):
    return _read(folder, "recommendation_status").sort_values(["council_id", "challenge_id", "seq"]).reset_index(drop=True)


PANDAS_SAME_INPUT = {"council_summary": pandas_council_summary_same_input,
                     "recommendation_status": pandas_recommendation_status_same_input,
                     "theme_counts": pandas_theme_counts_same_input}


# ---- the worker: one scale, in its own process ------------------------------------------------------
def _reset_app_state(folder: Path) -> None:
    """Point the app at folder: DATA_DIR, a fresh default connection, empty streamlit caches."""
    import streamlit as st
    from peer_challenges.store import db as data

    os.environ["DATA_DIR"] = str(folder)
    data.reset_default_connection()
    st.cache_data.clear()
    st.cache_resource.clear()


def measure_queries(folder: Path, runs: int, council: str | None, budget_s: float | None = None) -> dict:
    from peer_challenges.store import db as data

    conn = data.connect(folder)
    out = {"queries_ms": {}, "queries_p90_ms": {}, "queries_rows": {}, "queries_council_ms": {}, "query_errors": {}}
    try:
        for name in data.list_queries():
            try:
                stats, df = _time(lambda: data.run_query(name, conn=conn), runs, budget_s=budget_s)
            except Exception as exc:  # a query another engineer is still writing: report, carry on
                out["query_errors"][name] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                continue
            out["queries_ms"][name], out["queries_p90_ms"][name] = stats["p50"], stats["p90"]
            if stats["n"] < runs:
                out.setdefault("queries_runs", {})[name] = stats["n"]
            out["queries_rows"][name] = len(df)
            if council and "council_id" in data.query_params(name):
                stats, _ = _time(lambda: data.run_query(name, conn=conn, council_id=council), runs, budget_s=budget_s)
                out["queries_council_ms"][name] = stats["p50"]
    finally:
        conn.close()
    return out


def _short(value):
    """A parameter as it should appear in the report: long lists summarised."""
    if isinstance(value, (list, tuple)) and len(value) > 5:
        return f"<list of {len(value):,}>"
    return value


class _QueryRecorder:
    """While active, wraps peer_challenges.app.ui.query to record (query, ms, rows, params) of each call a
    page run makes (a cached call costs the st.cache_data lookup and the copy of the result)."""

    def __init__(self):
        from peer_challenges.app import ui
        self.ui, self.original, self.calls = ui, ui.query, []

    def __enter__(self):
        original, calls = self.original, self.calls

        def query(name, **params):
            t0 = time.perf_counter()
            df = original(name, **params)
            calls.append({"query": name, "ms": round((time.perf_counter() - t0) * 1000, 1), "rows": len(df),
                          "params": {k: _short(v) for k, v in params.items() if v is not None and not (
                              isinstance(v, (list, tuple)) and not v)}})
            return df

        self.ui.query = query
        return self

    def __exit__(self, *exc):
        self.ui.query = self.original


class _StackSampler:
    """A small sampling profiler for the page script: AppTest runs app.py in another thread, which
    cProfile in this thread cannot see. Every `interval` seconds it records, for the thread running a
    page, each line of pages/ and peer_challenges/ on its stack; `top()` gives the share of samples
    each line was on the stack (so 'pages/x.py:120 fig = chart(df)' at 70% means that line and what
    it calls took about 70% of the run)."""

    def __init__(self, interval: float = 0.01, on_progress=None, every: float = 5.0):
        import collections
        import threading
        self.interval, self.samples, self.lines = interval, 0, collections.Counter()
        self.on_progress, self.every = on_progress, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        import threading
        import traceback
        own = {threading.get_ident(), threading.main_thread().ident}
        root = str(PROJECT_ROOT) + os.sep
        last = time.perf_counter()
        while not self._stop.wait(self.interval):
            if self.on_progress and time.perf_counter() - last > self.every:
                last = time.perf_counter()
                self.on_progress({"samples": self.samples, "hot_lines": self.top()})
            for tid, frame in sys._current_frames().items():
                if tid in own:
                    continue
                stack = traceback.extract_stack(frame)
                mine = [f for f in stack if f.filename.startswith(root + "pages") or
                        f.filename.startswith(root + "peer_challenges")]
                if not mine:
                    continue
                self.samples += 1
                for key in {f"{f.filename[len(root):]}:{f.lineno} {(f.line or '').strip()[:100]}" for f in mine}:
                    self.lines[key] += 1

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def top(self, n: int = 8) -> list[dict]:
        """The lines of the page's own code most often on the stack (shares of the sampled run)."""
        if not self.samples:
            return []
        rows = [{"line": k, "share": round(c / self.samples, 2)} for k, c in self.lines.most_common()
                if not k.startswith("peer_challenges/ui.py") and not k.startswith("peer_challenges/bench.py")]
        return [r for r in rows if r["share"] >= 0.05][:n]


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return None


def page_variants(council: str | None) -> list[tuple[str, str, dict]]:
    """(key, page, query params) of every page measurement: each page plain, then with ?council=."""
    pages = list_pages()
    out = [(p, p, {}) for p in pages]
    if council:
        out += [(p + COUNCIL_SUFFIX, p, {"council": council}) for p in pages]
    return out


def measure_page(page: str, params: dict, runs: int, budget_s: float = 60, timeout: float = 900,
                 on_progress=None) -> dict:
    """One page warm through AppTest via app.py: a first run (cold for that page's own queries), then up
    to `runs` timed runs of the same session - fewer once first + timed runs passed budget_s seconds
    ("runs" says how many). The last timed run is profiled: its ui.query calls and hottest lines."""
    from streamlit.testing.v1 import AppTest

    from peer_challenges.app.serve import run_pages_through_app_py

    run_pages_through_app_py()  # as tests/conftest.py: the page runs inside app.py's st.navigation
    out: dict = {}
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=timeout)
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(f"pages/{page}.py")
    times: list[float] = []
    try:
        # the first run is sampled only to say where a page too slow to finish spent its time
        with (_StackSampler(0.05, on_progress) if on_progress else _nothing()):
            t0 = time.perf_counter()
            at.run()
            out["first_run_ms"] = first = round((time.perf_counter() - t0) * 1000, 1)
        if at.exception:
            out["error"] = at.exception[0].value
            return out
        for i in range(runs):
            last = i == runs - 1 or first + sum(times) > budget_s * 1000
            with _QueryRecorder() as rec, (_StackSampler() if last else _nothing()) as sampler:
                t0 = time.perf_counter()
                at.run()
                times.append((time.perf_counter() - t0) * 1000)
            if last:
                break
    except Exception as exc:
        out["error"] = f"{type(exc).__name__}: {exc}"
        return out
    finally:
        out["peak_rss_mb"] = peak_rss_mb()
    if at.exception:
        out["error"] = at.exception[0].value
    stats = _stats(times)
    out.update(ms=stats["p50"], p90_ms=stats["p90"], runs=stats["n"], title=[t.value for t in at.title][:1])
    out["profile"] = {"run_ms": round(times[-1], 1), "ui_query_ms": round(sum(c["ms"] for c in rec.calls), 1),
                      "calls": sorted(rec.calls, key=lambda c: -c["ms"])[:8], "samples": sampler.samples,
                      "hot_lines": sampler.top() if sampler.samples >= 10 else []}
    return out


PAGE_FIELDS = {"ms": "pages_ms", "p90_ms": "pages_p90_ms", "first_run_ms": "pages_first_run_ms", "runs": "pages_runs",
               "error": "page_errors", "profile": "page_profile", "title": "page_titles", "peak_rss_mb": "pages_peak_rss_mb"}


def _add_page(result: dict, key: str, measured: dict) -> None:
    for field, bucket in PAGE_FIELDS.items():
        result.setdefault(bucket, {})
        if field in measured:
            result[bucket][key] = measured[field]


def measure_pandas(folder: Path, runs: int, duckdb_rows: dict, budget_s: float | None = None) -> dict:
    out = {"pandas_baseline_ms": {}, "pandas_baseline_p90_ms": {}, "pandas_rows": {}}
    for name, fn in PANDAS_BASELINES.items():
        stats, df = _time(lambda: fn(folder), runs, budget_s=budget_s)
        expected = duckdb_rows.get(name)
        if expected is not None and len(df) != expected:
            raise AssertionError(f"pandas baseline {name}: {len(df)} rows, DuckDB gave {expected}")
        out["pandas_baseline_ms"][name], out["pandas_baseline_p90_ms"][name] = stats["p50"], stats["p90"]
        out["pandas_rows"][name] = len(df)
        if stats["n"] < runs:
            out.setdefault("pandas_runs", {})[name] = stats["n"]
    for name, fn in PANDAS_SAME_INPUT.items():
        stats, df = _time(lambda: fn(folder), runs, budget_s=budget_s)
        expected = duckdb_rows.get(name)
        if expected is not None and len(df) != expected:
            raise AssertionError(f"pandas same-input baseline {name}: {len(df)} rows, DuckDB gave {expected}")
        out.setdefault("pandas_same_input_ms", {})[name] = stats["p50"]
    return out


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


def _hwm_mb(pid: int) -> float | None:
    """A process's peak resident memory so far (VmHWM), from /proc; None where there is no /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError):
        return None
    return None


def run_worker_cli(args) -> int:
    """--worker: measure one data folder and append events (JSON lines) to --worker-out."""
    only = None if args.only_pages is None else set() if args.only_pages == "-" else set(args.only_pages.split(","))
    rows = json.loads(args.duckdb_rows) if args.duckdb_rows else None
    import threading
    lock = threading.Lock()
    with open(args.worker_out, "a", encoding="utf-8") as fh:
        def write(ev):
            with lock:
                fh.write(json.dumps(ev, default=str) + "\n")
                fh.flush()

        for ev in worker_events(Path(args.worker), args.runs, args.council, parts=tuple(args.parts.split(",")),
                                only_pages=only, budget_s=args.budget or 60, page_timeout=args.page_timeout or 900,
                                duckdb_rows=rows, progress=write):
            write(ev)
    return 0


# ---- cold start ---------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cold_start(folder: Path, title: str | None = None, timeout: float = 180) -> dict:
    """ms from `streamlit run app.py` to the overview fully drawn in headless Chromium."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = {**os.environ, "DATA_DIR": str(folder), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    log_file = tempfile.NamedTemporaryFile(prefix="bench-streamlit-", suffix=".log", delete=False)
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    finished: list[float] = []  # when the server said the first script run finished

    def on_frame(payload):
        if isinstance(payload, (bytes, bytearray)):
            try:
                msg = ForwardMsg.FromString(bytes(payload))
            except Exception:
                return
            if msg.WhichOneof("type") == "script_finished" and msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                finished.append(time.perf_counter())

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                                 "--server.headless", "true", "--server.fileWatcherType", "none"],
                                cwd=PROJECT_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            health = None
            while time.perf_counter() - t0 < timeout:
                if proc.poll() is not None:
                    raise UserError(f"streamlit exited with code {proc.returncode}; log: {log_file.name}")
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                        if r.status == 200:
                            health = time.perf_counter()
                            break
                except OSError:
                    time.sleep(0.05)
            if health is None:
                raise UserError(f"streamlit did not answer within {timeout} s; log: {log_file.name}")
            page.goto(f"http://127.0.0.1:{port}/", wait_until="domcontentloaded", timeout=timeout * 1000)
            main_h1 = '[data-testid="stMain"] h1'
            if title:
                page.locator(main_h1, has_text=title).first.wait_for(state="visible", timeout=timeout * 1000)
            else:
                page.locator(main_h1).first.wait_for(state="visible", timeout=timeout * 1000)
            # fully drawn: the server reported the script run finished, Streamlit's running indicator
            # (the status widget with its Stop button) is gone and no skeleton placeholder is left
            while not finished:
                if time.perf_counter() - t0 > timeout:
                    raise UserError(f"the first page did not finish within {timeout} s")
                page.wait_for_timeout(20)
            page.wait_for_function(
                """() => !document.querySelector('[data-testid="stStatusWidget"]')
                         && !document.querySelector('[data-testid="stMain"] [data-testid="stSkeleton"]')""",
                timeout=timeout * 1000, polling=20)
            drawn = time.perf_counter()
            shown = page.locator(main_h1).first.inner_text()
        finally:
            browser.close()
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
            log_file.close()
    Path(log_file.name).unlink(missing_ok=True)
    return {"cold_start_ms": round((drawn - t0) * 1000), "cold_start_server_ms": round((health - t0) * 1000),
            "cold_start_script_finished_ms": round((finished[0] - t0) * 1000), "cold_start_title": shown}


def cold_start_available() -> str | None:
    """None when Playwright and Chromium are there; else why not."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is not installed"
    return None


# ---- machine and report ---------------------------------------------------------------------------
def machine() -> dict:
    info = {"nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "python": platform.python_version(), "platform": platform.platform()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    info["packages"] = {}
    for pkg in PACKAGES:
        try:
            info["packages"][pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    return info


def check_targets(results: list[dict]) -> list[dict]:
    """The targets at the largest scale, each with pass/fail and the figures behind it."""
    if not results:
        return []
    big = max(results, key=lambda r: r["rows"].get("updates", 0))
    small = min(results, key=lambda r: r["rows"].get("updates", 0))
    checks = []
    pages = big.get("pages_ms", {})
    errors = big.get("page_errors", {})
    if pages or errors:
        slow = {p: ms for p, ms in pages.items() if ms > TARGET_PAGE_MS}
        detail = [f"{p} {ms / 1000:.2f} s" for p, ms in sorted(slow.items(), key=lambda kv: -kv[1])]
        detail += [f"{p}: {str(e).splitlines()[0][:80]}" for p, e in errors.items()]
        checks.append({"target": f"every page <= {TARGET_PAGE_MS / 1000:g} s median warm at the largest scale",
                       "ok": not slow and not errors,
                       "detail": ", ".join(detail) or f"slowest {max(pages, key=pages.get)} {max(pages.values()) / 1000:.2f} s"})
        if small is not big:
            growth = {p: ms / max(small["pages_ms"][p], 1) for p, ms in pages.items() if p in small.get("pages_ms", {})}
            bad = {p: g for p, g in growth.items() if g > TARGET_PAGE_GROWTH}
            bad.update({p: float("inf") for p in errors if p in small.get("pages_ms", {})})
            worst = max(growth, key=growth.get) if growth else None
            checks.append({"target": f"no page more than {TARGET_PAGE_GROWTH:g}x its own time at scale {scale_label(small['scale'])}",
                           "ok": not bad, "detail": ", ".join(
                               f"{p} {g:.1f}x" if g != float("inf") else f"{p} (did not finish)"
                               for p, g in sorted(bad.items(), key=lambda kv: -kv[1])) or
                           (f"largest growth {worst} {growth[worst]:.1f}x" if worst else "")})
    ratios = big.get("ratio_pandas_over_duckdb", {})
    if ratios:
        bad = {q: r for q, r in ratios.items() if r < TARGET_PANDAS_RATIO}
        checks.append({"target": f"each DuckDB query >= {TARGET_PANDAS_RATIO:g}x faster than its pandas baseline",
                       "ok": not bad, "detail": ", ".join(f"{q} {r:.1f}x" for q, r in ratios.items())})
    checks.append({"target": f"peak memory <= {TARGET_RSS_MB / 1024:g} GB (the app: every page run in one process)",
                   "ok": big["peak_rss_mb"] <= TARGET_RSS_MB, "detail": f"{big['peak_rss_mb']:.0f} MB after every page"
                   + (f"; {big['peak_rss_with_queries_mb']:.0f} MB after also running every named query unfiltered"
                      if "peak_rss_with_queries_mb" in big else "")
                   + (f"; {big['peak_rss_with_pandas_mb']:.0f} MB after the pandas baselines" if "peak_rss_with_pandas_mb" in big else "")})
    return checks


def _ms(v) -> str:
    if v is None:
        return "–"
    return f"{v / 1000:.2f} s" if v >= 1000 else f"{v:.0f} ms"


def render_markdown(report: dict) -> str:
    m = report["machine"]
    res = report["results"]
    lines = [
        "# Benchmark results",
        "",
        f"Latest run: {report['date']} — `{report['command']}`  ",
        f"Machine: {m.get('nproc')} CPU cores ({m.get('cpu', 'unknown CPU')}), {m.get('memory_gb', '?')} GB memory, "
        f"Python {m['python']}; " + ", ".join(f"{k} {v}" for k, v in m.get("packages", {}).items()) + ".",
        "",
        "Synthetic data from `python -m peer_challenges synth` (scale 1 = 317 councils x ~2 challenges; scale N "
        "multiplies councils). Times are medians of "
        f"{res[0]['runs'] if res else '?'} warm runs (a returning user: st.cache_data already holds the page's queries). "
        "Pages run through AppTest (`AppTest.from_file('app.py')` + `switch_page`, with the page run inside "
        "app.py's st.navigation as tests/conftest.py does); a page whose runs pass the time budget is timed fewer times (the count is shown), and one "
        "still running after the page timeout is stopped and reported. Queries run through `run_query` on their "
        "own connection (no cache). "
        "DuckDB figures are `run_query` end to end (SQL over the Parquet views, the result fetched as Arrow and "
        "converted to pandas). The DuckDB queries read the build's roll-ups (recommendation_status: one row per "
        "recommendation; challenge_status: one per challenge; challenge_themes: one per challenge and theme); the "
        "pandas baselines (the target) compute the same rows the plain way from the tables an app without those "
        "roll-ups would read (council_summary from challenges + recommendation_status + progress_snapshots; "
        "recommendation_status from the base tables - latest status, completion, slippage; theme_counts from "
        "recommendation_status), checked to return as many rows. For transparency the table also gives pandas "
        "on the SAME roll-ups DuckDB reads (not the target: it shows how much of the gain is the build-time "
        "roll-up and how much the engine). "
        "Memory is the worker process's peak RSS (ru_maxrss) after every page has run in it - the app's "
        "caches holding what all pages read; the named queries run unfiltered and the pandas baselines come "
        "after that and are reported separately in results.json (one worker process per scale).",
        "",
        "| scale | rows (councils / challenges / recommendations / updates) | slowest page (p50, warm) | "
        "DuckDB vs pandas baseline (query p50 / pandas p50 = speed-up) | pandas on the same roll-ups | "
        "peak memory | cold start |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in res:
        rows = r["rows"]
        pages = r.get("pages_ms", {})
        slow = max(pages, key=pages.get) if pages else None
        ratios = "; ".join(f"{q}: {_ms(r['queries_ms'].get(q))} vs {_ms(r['pandas_baseline_ms'][q])} = "
                           f"{r['ratio_pandas_over_duckdb'].get(q, 0):.1f}x" for q in r.get("pandas_baseline_ms", {}))
        same = "; ".join(f"{q}: {_ms(ms)} = {r.get('ratio_pandas_same_input_over_duckdb', {}).get(q, 0):.1f}x"
                         for q, ms in r.get("pandas_same_input_ms", {}).items()) or "–"
        cold = _ms(r["cold_start_ms"]) if r.get("cold_start_ms") is not None else r.get("cold_start_error", "not measured")
        lines.append(f"| {scale_label(r['scale'])} | {rows.get('councils', 0):,} / {rows.get('challenges', 0):,} / "
                     f"{rows.get('recommendations', 0):,} / {rows.get('updates', 0):,} | "
                     f"{f'{slow} {_ms(pages[slow])}' if slow else 'no pages measured'} | {ratios} | {same} | "
                     f"{r['peak_rss_mb']:.0f} MB | {cold} |")
    checks = report.get("targets", [])
    if checks:
        lines += ["", "## Targets (at the largest scale)", "", "| target | met | figures |", "|---|---|---|"]
        lines += [f"| {c['target']} | {'yes ✅' if c['ok'] else 'NO ❌'} | {c['detail']} |" for c in checks]
    if res:
        scales = [scale_label(r["scale"]) for r in res]
        pages = sorted({p for r in res for p in r.get("pages_ms", {})})
        lines += ["", "## Pages (warm p50 per run; `+council` = with `?council=<id>`)", "",
                  "| page | " + " | ".join(f"scale {s}" for s in scales) + " |", "|---|" + "---|" * len(scales)]
        pages = sorted(set(pages) | {p for r in res for p in r.get("page_errors", {})})

        def cell(r, p):
            if p in r.get("pages_ms", {}):
                n = r.get("pages_runs", {}).get(p, r["runs"])
                return _ms(r["pages_ms"][p]) + (f" ({n} run{'s' if n != 1 else ''})" if n < r["runs"] else "")
            return "error" if p in r.get("page_errors", {}) else "–"

        for p in pages:
            lines.append(f"| {p} | " + " | ".join(cell(r, p) for r in res) + " |")
        errors = {f"{p} (scale {scale_label(r['scale'])})": e for r in res for p, e in r.get("page_errors", {}).items()}
        if errors:
            lines += ["", "Pages that raised an error (not timed):", ""]
            lines += [f"- {k}: {str(v).splitlines()[0][:200]}" for k, v in errors.items()]
        queries = sorted({q for r in res for q in r.get("queries_ms", {})},
                         key=lambda q: (q not in CONTRACT_QUERIES, q))
        lines += ["", "## Queries (p50 through run_query, no parameters; `council` = with `$council_id`)", "",
                  "| query | " + " | ".join(f"scale {s}" for s in scales) + " | " +
                  " | ".join(f"council, scale {s}" for s in scales) + " |",
                  "|---|" + "---|" * (2 * len(scales))]
        for q in queries:
            lines.append(f"| {q} | " + " | ".join(_ms(r.get("queries_ms", {}).get(q)) for r in res) + " | "
                         + " | ".join(_ms(r.get("queries_council_ms", {}).get(q)) for r in res) + " |")
        big = max(res, key=lambda r: r["rows"].get("updates", 0))
        prof = big.get("page_profile", {})
        if prof:
            lines += ["", f"## Where a warm page run spends its time (scale {scale_label(big['scale'])})", "",
                      "`ui.query` = time inside the cached `ui.query` calls (st.cache_data lookup + copy of the result); "
                      "the rest is the page's own Python (pandas, charts, widgets) and Streamlit.", "",
                      "| page | run | in ui.query | costliest ui.query calls (ms, rows) | hottest lines of the page's code (share of the run) |",
                      "|---|---|---|---|---|"]
            for p in sorted(prof, key=lambda k: -(prof[k]["run_ms"] or float("inf"))):
                calls = "; ".join(f"{c['query']} {c['ms']:.0f} ms / {c['rows']:,} rows" for c in prof[p]["calls"][:3])
                hot = "<br>".join(f"{h['share']:.0%} `{h['line'].replace('|', '¦')[:110]}`" for h in prof[p].get("hot_lines", [])[:4])
                if prof[p]["run_ms"] is None:
                    run_text, in_query = f"stopped after {prof[p]['stopped_after_s']:g} s (first run)", "–"
                    calls = calls or "(first run: not finished)"
                else:
                    run_text, in_query = _ms(prof[p]["run_ms"]), _ms(prof[p]["ui_query_ms"])
                lines.append(f"| {p} | {run_text} | {in_query} | {calls} | {hot} |")
    lines += ["", "Reproduce: `python -m peer_challenges bench --quick` (scales 1 and 100) or "
              "`python -m peer_challenges bench` (1, 10, 100). Data is cached in bench/data/ (gitignored). "
              "Cold start = from `streamlit run` to the overview drawn in headless Chromium (server started "
              "fresh; the operating system's file cache is warm).", ""]
    return "\n".join(lines)


def run(args) -> int:
    if args.worker:
        return run_worker_cli(args)
    scales = args.scales or (QUICK_SCALES if args.quick else FULL_SCALES)
    runs = max(1, args.runs)
    budget = args.budget if args.budget is not None else (20 if args.quick else 60)
    page_timeout = args.page_timeout if args.page_timeout is not None else (120 if args.quick else 900)
    cold_reason = None if args.cold_start in ("on", "only") else "skipped (--cold-start off)"
    if cold_reason is None:
        cold_reason = cold_start_available()
    log = (lambda *a: None) if args.quiet else (lambda *a: print(*a, flush=True))
    results = []
    t_start = time.perf_counter()
    for scale in scales:
        log(f"scale {scale_label(scale)}:")
        folder, manifest = ensure_data(args.data_root, scale, args.seed, log)
        council = manifest.get("example_council")
        if args.cold_start == "only":
            result = {"scale": scale, "data_dir": str(folder), "council": council, "runs": runs,
                      "rows": table_rows(folder), "peak_rss_mb": 0.0}
        else:
            result = measure_scale(folder, scale, runs, council, in_process=args.in_process, budget_s=budget,
                                   page_timeout=page_timeout, log=log)
        result["generate_seconds"] = manifest.get("generate_seconds")
        if cold_reason is None:
            title = next((t[0] for k, t in result.get("page_titles", {}).items() if k == "overview" and t), None)
            try:
                cold = [cold_start(folder, title) for _ in range(args.cold_runs)]
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
        "command": "python -m peer_challenges bench" + (" --quick" if args.quick else ""),
        "machine": machine(), "seed": args.seed, "total_seconds": round(time.perf_counter() - t_start, 1),
        "results": results,
    }
    report["targets"] = check_targets(results) if args.cold_start != "only" else []
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    if args.markdown and str(args.markdown) != "-":
        Path(args.markdown).write_text(render_markdown(report), encoding="utf-8")
    log(f"wrote {args.json}" + (f" and {args.markdown}" if args.markdown and str(args.markdown) != "-" else "")
        + f" in {report['total_seconds']} s")
    return 0


def _scales(text: str) -> list[float]:
    try:
        values = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise UserError(f"--scales expects numbers separated by commas, e.g. 1,10,100; got {text!r}") from None
    if not values or any(v <= 0 for v in values):
        raise UserError(f"--scales expects positive numbers; got {text!r}")
    return values


def register(subparsers) -> None:
    import argparse

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
    p.set_defaults(func=run)
