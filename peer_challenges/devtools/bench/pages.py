"""Timing the pages: every page in ``pages/`` through AppTest via app.py, warm, with the default
filters and with ``?council=<id>`` (``page_variants``, ``measure_page``); the profiled run records the
``ui.query`` calls it makes (``_QueryRecorder``) and the lines of the page's own code most often on the
stack (``_StackSampler``).

Part of peer_challenges.devtools.bench.
"""

from __future__ import annotations

import os
import sys
import time

from peer_challenges import PROJECT_ROOT
from peer_challenges.devtools.bench.timing import _stats, peak_rss_mb

COUNCIL_SUFFIX = "+council"  # pages_ms key of a page measured with ?council=<id>


def list_pages() -> list[str]:
    return sorted(p.stem for p in (PROJECT_ROOT / "pages").glob("*.py") if not p.name.startswith("_"))


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
