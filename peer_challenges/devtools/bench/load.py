"""The load run (``python -m peer_challenges bench --load``): many people opening council pages at once, one
app process against two behind nginx, all reading the committed dataset from the S3 emulator.

Set up once, as tests/browser/test_replicas.py does (peer_challenges.devtools.replicas): moto in server mode,
the committed data/ published to it, three app processes with DATA_DIR=s3://… (one for the single-process
setup, two for the pair), and two nginx instances running deploy/nginx.conf, one in front of each setup. Both
setups are measured through nginx, so the only difference is the number of processes behind it. Every app
process first opens every council page used (warm caches: the state of a site that has been up a while).

Then, for each number of concurrent sessions (10, 20, 40 by default) and each setup in turn (interleaved, so
both see the same machine), two kinds of visitor:

- **browser**: that many headless-Chromium visitors (one browser, a context each) open different council pages
  at once; a session's time runs from navigation to the page drawn (script finished, heading shown, no
  skeleton left). Chromium shares the machine's cores with the servers, as a load generator here must.
- **protocol**: that many Streamlit websocket sessions opened at once without a browser (what a browser tab
  asks of the server: a session, one run of the council page, every element sent); time to the script's end.
  This leaves the cores to the servers and shows what they alone can do.

Reported per run: sessions completed, sessions per second (completed / wall time from the first start to the
last finish), p50 and p95 of the per-session times, how many sessions each replica held (nginx's access log),
and CPU: the cores the app processes used on average (their CPU seconds / wall) and the whole machine's
busy share. Ratios are 2 processes over 1, at the same concurrency, in the same run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from peer_challenges import PROJECT_ROOT
from peer_challenges.devtools.bench.report import machine
from peer_challenges.devtools.replicas import (
    AppProcess, MotoServer, Nginx, councils_with_recommendations, create_bucket, open_councils, ws_load_async,
)

LEVELS = (10, 20, 40)
SETUPS = (1, 2)
BUCKET = "peer-challenges-bench"
URL = f"s3://{BUCKET}/live"
SESSION_TIMEOUT_S = 600


def _percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100), linear interpolation between closest ranks (statistics.quantiles'
    'inclusive' method); None for no values."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[int(q) - 1]


class _CpuMeter:
    """CPU seconds of the given processes and the machine's busy share between start() and stop()."""

    def __init__(self, pids: list[int]):
        import psutil

        self._procs = [psutil.Process(p) for p in pids]
        self._psutil = psutil

    def _proc_seconds(self) -> float:
        total = 0.0
        for p in self._procs:
            t = p.cpu_times()
            total += t.user + t.system
        return total

    def start(self) -> None:
        self._t0 = time.monotonic()
        self._p0 = self._proc_seconds()
        self._m0 = self._psutil.cpu_times()

    def stop(self) -> dict:
        wall = time.monotonic() - self._t0
        used = self._proc_seconds() - self._p0
        m1 = self._psutil.cpu_times()
        busy = sum(getattr(m1, f) - getattr(self._m0, f) for f in m1._fields if f not in ("idle", "iowait", "guest", "guest_nice"))
        idle = (m1.idle - self._m0.idle) + (getattr(m1, "iowait", 0) - getattr(self._m0, "iowait", 0))
        rss = [p.memory_info().rss / 2**20 for p in self._procs]
        return {"app_rss_mb": round(max(rss)), "app_cores": round(used / wall, 2) if wall else None,
                "machine_busy": round(busy / (busy + idle), 3) if busy + idle else None}


async def _protocol_sessions(lb_port: int, councils: list[tuple[str, str]]) -> list[dict]:
    async def one(cid: str, name: str) -> dict:
        try:
            got = await ws_load_async(lb_port, "council", f"council={cid}", timeout=SESSION_TIMEOUT_S)
        except Exception as exc:
            return {"council": cid, "seconds": None, "error": f"{type(exc).__name__}: {str(exc)[:200]}"}
        ok = name in got["headings"] and not got["exceptions"]
        return {"council": cid, "seconds": round(got["seconds"], 3) if ok else None,
                "error": None if ok else f"headings {got['headings'][:3]}, exceptions {got['exceptions'][:1]}"}

    return await asyncio.gather(*(one(cid, name) for cid, name in councils))


def _summary(results: list[dict], wall: float, cpu: dict, replicas: Counter, expected_names: dict | None) -> dict:
    ok = [r for r in results if r.get("seconds") is not None and not r.get("error")
          and (expected_names is None or r.get("h1") == expected_names[r["council"]])]
    times = sorted(r["seconds"] for r in ok)
    return {
        "sessions": len(results), "completed": len(ok), "wall_s": round(wall, 2),
        "sessions_per_s": round(len(ok) / wall, 3) if wall else None,
        "p50_s": round(_percentile(times, 50), 2) if times else None,
        "p95_s": round(_percentile(times, 95), 2) if times else None,
        "max_s": round(times[-1], 2) if times else None,
        "per_replica": dict(sorted(replicas.items())), **cpu,
        "errors": [r.get("error") or f"showed {r.get('h1')!r}" for r in results if r not in ok][:5],
    }


def _run_once(kind: str, lb: Nginx, apps: list[AppProcess], councils: list[tuple[str, str]]) -> dict:
    names = {cid: name for cid, name in councils}
    before = len(lb.websocket_sessions())
    meter = _CpuMeter([a.pid for a in apps])
    meter.start()
    t0 = time.monotonic()
    if kind == "browser":
        results = asyncio.run(open_councils(lb.url, councils, timeout_s=SESSION_TIMEOUT_S))
    else:
        results = asyncio.run(_protocol_sessions(lb.port, councils))
    wall = time.monotonic() - t0
    cpu = meter.stop()
    deadline = time.monotonic() + 20  # nginx logs a websocket when it closes
    while len(lb.websocket_sessions()) < before + len(councils) and time.monotonic() < deadline:
        time.sleep(0.25)
    by_address = {a.address: f"replica {i + 1}" for i, a in enumerate(apps)}
    replicas = Counter(by_address.get(s["upstream"], s["upstream"]) for s in lb.websocket_sessions()[before:])
    return _summary(results, wall, cpu, replicas, names if kind == "browser" else None)


def run_load(levels=LEVELS, setups=SETUPS, kinds=("browser", "protocol"), log=print) -> dict:
    """Start everything, measure, stop everything; the report (see the module docstring)."""
    t_start = time.perf_counter()
    data = PROJECT_ROOT / "data"
    councils = councils_with_recommendations(data, max(levels))
    if len(councils) < max(levels):
        raise RuntimeError(f"the committed data has only {len(councils)} councils with recommendations")
    started = []
    work = Path(tempfile.mkdtemp(prefix="pc-load-"))
    try:
        moto = MotoServer(work / "moto.log")
        started.append(moto)
        create_bucket(moto.endpoint, BUCKET)
        from peer_challenges.store.objectstore import Bucket, parse_s3_url, settings
        from peer_challenges.store.publish import publish

        version = publish(data, URL, bucket=Bucket(parse_s3_url(URL), settings(moto.env())))["version"]
        log(f"published {version} to the emulator at {moto.endpoint}")

        groups: dict[int, tuple[list[AppProcess], Nginx]] = {}
        for n in setups:
            apps = [AppProcess(work / f"app{n}-{i}.log", URL, env=moto.env(), cache_dir=work / f"cache{n}-{i}")
                    for i in range(n)]
            started.extend(apps)
            for app in apps:
                app.wait_ready()
            lb = Nginx(work / f"nginx{n}.log", [a.address for a in apps])
            started.append(lb)
            groups[n] = (apps, lb)
        warm_t0 = time.monotonic()
        for apps, _ in groups.values():  # every process runs every council page once, one at a time
            for app in apps:
                asyncio.run(ws_load_async(app.port, "", timeout=120))
                for cid, _name in councils:
                    asyncio.run(ws_load_async(app.port, "council", f"council={cid}", timeout=120))
        log(f"warmed {sum(len(a) for a, _ in groups.values())} processes on {len(councils)} council pages "
            f"in {time.monotonic() - warm_t0:.0f} s")

        runs = []
        for kind in kinds:
            for level in levels:
                for n in setups:
                    apps, lb = groups[n]
                    result = {"kind": kind, "concurrent": level, "processes": n,
                              **_run_once(kind, lb, apps, councils[:level])}
                    runs.append(result)
                    log(f"{kind:8} {level:3} sessions, {n} process{'es' if n > 1 else '  '}: "
                        f"{result['completed']}/{level} in {result['wall_s']:.1f} s = {result['sessions_per_s']} /s, "
                        f"p50 {result['p50_s']} s, p95 {result['p95_s']} s; app cores {result['app_cores']}, "
                        f"machine busy {result['machine_busy']:.0%}; {result['per_replica']}")
        alive = all(a.alive() for apps, _ in groups.values() for a in apps)
    finally:
        for proc in reversed(started):
            proc.stop()
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": "python -m peer_challenges bench --load",
        "machine": machine(), "dataset_version": version, "levels": list(levels), "setups": list(setups),
        "all_processes_survived": alive, "total_seconds": round(time.perf_counter() - t_start, 1), "runs": runs,
        "ratios": ratios(runs),
    }


def ratios(runs: list[dict]) -> list[dict]:
    """2 processes over 1 (throughput) and 1 over 2 (p50/p95: above 1 means 2 processes are faster), per kind
    and concurrency."""
    index = {(r["kind"], r["concurrent"], r["processes"]): r for r in runs}
    out = []
    for (kind, level, n), two in index.items():
        one = index.get((kind, level, 1))
        if n == 1 or one is None:
            continue

        def q(a, b):
            return round(a / b, 2) if a and b else None

        out.append({"kind": kind, "concurrent": level, "processes": n,
                    "throughput_ratio": q(two["sessions_per_s"], one["sessions_per_s"]),
                    "p50_speedup": q(one["p50_s"], two["p50_s"]), "p95_speedup": q(one["p95_s"], two["p95_s"])})
    return out


def render_markdown(report: dict) -> str:
    """The load section of bench/RESULTS.md."""
    m = report["machine"]
    lines = [
        "## Load: one process against two behind nginx",
        "",
        f"Latest run: {report['date']} — `{report['command']}` ({report['total_seconds']:.0f} s); "
        f"{m.get('nproc')} CPU cores, {m.get('memory_gb', '?')} GB; dataset version {report['dataset_version']} "
        "published to the S3 emulator (moto) and read by every app process with `DATA_DIR=s3://…`.",
        "",
        "Both setups sit behind nginx running `deploy/nginx.conf` (cookie affinity), so the only difference is "
        "the number of app processes. Every process had opened each council page once before (warm caches). "
        "*browser*: N headless-Chromium visitors open N different council pages at once; time from navigation "
        "to the page drawn. Chromium runs on the same cores as the servers. *protocol*: N Streamlit websocket "
        "sessions at once without a browser (a session, one run of the council page, every element received): "
        "what the servers alone can do. Sessions/s = completed sessions / wall time of the run. App cores = the "
        "app processes' CPU seconds / wall time; machine busy = all cores' busy share; RSS = resident memory of "
        "the largest app process after the run. "
        "Module docstring: `peer_challenges/devtools/bench/load.py`.",
        "",
        "| visitor | concurrent | processes | completed | wall (s) | sessions/s | p50 (s) | p95 (s) | sessions per replica | app cores | machine busy | largest app RSS (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for r in report["runs"]:
        per = ", ".join(f"{k}: {v}" for k, v in r["per_replica"].items()) or "-"
        lines.append(f"| {r['kind']} | {r['concurrent']} | {r['processes']} | {r['completed']} of {r['sessions']} | "
                     f"{r['wall_s']:.1f} | {r['sessions_per_s']} | {r['p50_s']} | {r['p95_s']} | {per} | "
                     f"{r['app_cores']} | {r['machine_busy']:.0%} | {r['app_rss_mb']} |")
    lines += ["", "Ratios, 2 processes against 1 at the same concurrency (same run): throughput = sessions/s "
              "with 2 over sessions/s with 1; p50 / p95 speed-up = the time with 1 over the time with 2 (above 1: "
              "two processes are faster).", "",
              "| visitor | concurrent | throughput ratio | p50 speed-up | p95 speed-up |", "|---|---:|---:|---:|---:|"]
    for q in report["ratios"]:
        lines.append(f"| {q['kind']} | {q['concurrent']} | {q['throughput_ratio']} | {q['p50_speedup']} | {q['p95_speedup']} |")
    lines += _reading(report)
    errors = [(r["kind"], r["concurrent"], r["processes"], e) for r in report["runs"] for e in r["errors"]]
    if errors:
        lines += ["", "Sessions that did not complete (first few per run):", ""]
        lines += [f"- {k}, {c} concurrent, {p} process(es): {e}" for k, c, p, e in errors]
    if not report.get("all_processes_survived", True):
        lines += ["", "**An app process exited during the run.**"]
    return "\n".join(lines) + "\n"


def _reading(report: dict) -> list[str]:
    """What the figures say, computed from them (so it stays true when the run is repeated)."""
    runs = report["runs"]
    one = [r for r in runs if r["processes"] == 1 and r["app_cores"] is not None]
    out = []
    if one:
        top = max(r["app_cores"] for r in one)
        out.append(f"- One app process used at most {top} cores in any run (its page runs share one Python "
                   "interpreter), however many sessions waited: beyond that a single process only queues them.")
    proto = [q for q in report["ratios"] if q["kind"] == "protocol" and q["throughput_ratio"]]
    if proto:
        out.append(f"- Without a browser on the machine, two processes completed {min(q['throughput_ratio'] for q in proto)}x to "
                   f"{max(q['throughput_ratio'] for q in proto)}x as many sessions per second as one (the spread of "
                   "sessions over replicas is random per visitor, so it is uneven at small numbers).")
    browser = [r for r in runs if r["kind"] == "browser" and r["machine_busy"] is not None]
    if browser:
        out.append(f"- With Chromium drawing the pages on the same {report['machine'].get('nproc')} cores, the machine was "
                   f"{min(r['machine_busy'] for r in browser):.0%}-{max(r['machine_busy'] for r in browser):.0%} busy and the app "
                   f"processes used {max(r['app_cores'] for r in browser)} cores or less: the load generator, not the "
                   "servers, set those times, so the browser ratios say nothing about the servers beyond their "
                   "drawing every page correctly.")
    return ["", "Reading:", "", *out] if out else []


def write(report: dict, json_path: Path) -> None:
    Path(json_path).parent.mkdir(parents=True, exist_ok=True)
    Path(json_path).write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
