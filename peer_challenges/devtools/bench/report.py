"""The benchmark's report: the machine it ran on, the targets checked at the largest scale
(``check_targets``) and the readable table (``render_markdown``, bench/RESULTS.md).

Part of peer_challenges.devtools.bench.
"""

from __future__ import annotations

import os
import platform
from importlib import metadata
from pathlib import Path

from peer_challenges.devtools.bench.datasets import scale_label

CONTRACT_QUERIES = ("recommendation_status", "council_summary", "process_timeliness", "theme_counts")
TARGET_PAGE_MS = 2000
TARGET_PAGE_GROWTH = 3.0
TARGET_PANDAS_RATIO = 3.0
TARGET_RSS_MB = 2048
PACKAGES = ("streamlit", "duckdb", "pandas", "pyarrow", "numpy", "plotly", "pydantic", "playwright")


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
