"""Timing and memory helpers of the benchmark: ``_time`` (median and p90 of timed runs, within a
time budget), ``peak_rss_mb`` (this process's peak resident memory) and ``_hwm_mb`` (another process's,
from /proc).

Part of peer_challenges.devtools.bench.
"""

from __future__ import annotations

import resource
import statistics
import time
from pathlib import Path


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


def _hwm_mb(pid: int) -> float | None:
    """A process's peak resident memory so far (VmHWM), from /proc; None where there is no /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError):
        return None
    return None
