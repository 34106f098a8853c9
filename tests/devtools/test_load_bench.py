"""The load benchmark's arithmetic (peer_challenges.devtools.bench.load): percentiles, the 2-over-1 ratios and
the RESULTS.md section, on made-up runs with known answers. (The run itself needs nginx, Chromium and minutes:
``python -m peer_challenges bench --load``.)"""

from __future__ import annotations

from peer_challenges.devtools.bench import load


def _run(kind, level, n, per_s, p50, p95):
    return {"kind": kind, "concurrent": level, "processes": n, "sessions": level, "completed": level,
            "wall_s": level / per_s, "sessions_per_s": per_s, "p50_s": p50, "p95_s": p95, "max_s": p95,
            "per_replica": {f"replica {i + 1}": level // n for i in range(n)}, "app_cores": 1.0 * n,
            "machine_busy": 0.5, "app_rss_mb": 300, "errors": []}


def test_percentiles_interpolate_between_ranks():
    values = [float(v) for v in range(1, 11)]
    assert load._percentile(values, 50) == 5.5
    assert round(load._percentile(values, 95), 2) == 9.55
    assert load._percentile([], 50) is None and load._percentile([3.0], 95) == 3.0


def test_ratios_are_two_processes_over_one_at_the_same_concurrency():
    runs = [_run("protocol", 20, 1, 4.0, 2.0, 4.0), _run("protocol", 20, 2, 6.0, 1.0, 3.2),
            _run("browser", 20, 1, 0.2, 50.0, 60.0)]  # no 2-process browser run: no ratio for it
    assert load.ratios(runs) == [{"kind": "protocol", "concurrent": 20, "processes": 2, "throughput_ratio": 1.5,
                                  "p50_speedup": 2.0, "p95_speedup": 1.25}]


def test_the_results_section_shows_every_run_and_its_ratio():
    runs = [_run("protocol", 10, 1, 4.0, 2.0, 4.0), _run("protocol", 10, 2, 6.0, 1.0, 3.2)]
    report = {"date": "2026-12-04T06:00:00+00:00", "command": "python -m peer_challenges bench --load",
              "total_seconds": 100, "machine": {"nproc": 2, "memory_gb": 23.5}, "dataset_version": "v",
              "runs": runs, "ratios": load.ratios(runs), "all_processes_survived": True}
    text = load.render_markdown(report)
    assert "| protocol | 10 | 1 | 10 of 10 | 2.5 | 4.0 | 2.0 | 4.0 | replica 1: 10 | 1.0 | 50% | 300 |" in text
    assert "| protocol | 10 | 1.5 | 2.0 | 1.25 |" in text
    assert "exited" not in text
