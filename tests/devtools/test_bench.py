"""The benchmark's output shape on a tiny synthetic dataset (no timing assertions)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from peer_challenges.devtools import bench
from peer_challenges.cli import main
from peer_challenges.store.db import list_queries

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[dict, str]:
    tmp = tmp_path_factory.mktemp("bench")
    mp = pytest.MonkeyPatch()
    mp.setenv("DATA_DIR", str(ROOT / "data"))  # restored afterwards, whatever the bench does
    try:
        code = main(["bench", "--scales", "0.05", "--runs", "2", "--in-process", "--cold-start", "off", "--quiet",
                     "--data-root", str(tmp / "data"), "--json", str(tmp / "results.json"),
                     "--markdown", str(tmp / "RESULTS.md")])
    finally:
        mp.undo()
    assert code == 0
    return json.loads((tmp / "results.json").read_text()), (tmp / "RESULTS.md").read_text()


def test_json_has_the_documented_shape(report):
    result = report[0]
    assert set(result) >= {"results", "machine", "date", "targets"}
    (r,) = result["results"]
    assert r["scale"] == 0.05
    assert r["rows"]["councils"] == 16 and r["rows"]["updates"] > r["rows"]["recommendations"] > 0
    assert set(r["rows"]) >= {"councils", "challenges", "recommendations", "updates", "recommendation_status"}
    for q in bench.CONTRACT_QUERIES:
        assert r["queries_ms"][q] > 0
    assert set(r["queries_ms"]) | set(r["query_errors"]) == set(list_queries())
    assert set(r["pandas_baseline_ms"]) == {"council_summary", "recommendation_status", "theme_counts"}
    # the pandas baselines return as many rows as DuckDB does
    assert all(r["pandas_rows"][q] == r["queries_rows"][q] for q in r["pandas_baseline_ms"])
    assert r["peak_rss_mb"] > 0 and r["peak_rss_with_pandas_mb"] >= r["peak_rss_mb"]
    assert result["machine"]["nproc"] >= 1 and "python" in result["machine"]


def test_every_page_is_measured_with_and_without_a_council(report):
    (r,) = report[0]["results"]
    pages = bench.list_pages()
    assert pages, "no pages found"
    measured = set(r["pages_ms"]) | set(r["page_errors"])
    assert measured == set(pages) | {p + bench.COUNCIL_SUFFIX for p in pages}
    assert r["council"].startswith("synthetic-council-")
    assert all(ms > 0 for ms in r["pages_ms"].values())
    assert all(1 <= r["pages_runs"][p] <= 2 for p in r["pages_ms"])
    # each measured page says which cached queries its profiled run read
    assert set(r["page_profile"]) == set(r["pages_ms"])
    assert any(c["query"].startswith("overview__") for c in r["page_profile"]["overview"]["calls"])
    assert r["page_titles"]["overview"][0]


def test_markdown_table(report):
    md = report[1]
    assert "| scale | rows" in md and "| 0.05 | 16 / " in md
    assert "## Targets" in md and "peak memory" in md


def test_target_checks():
    def result(scale, updates, page_ms, q_ms, pandas_ms, rss):
        return {"scale": scale, "rows": {"updates": updates}, "pages_ms": {"overview": page_ms},
                "queries_ms": {"theme_counts": q_ms}, "pandas_baseline_ms": {"theme_counts": pandas_ms},
                "ratio_pandas_over_duckdb": {"theme_counts": pandas_ms / q_ms}, "peak_rss_mb": rss}

    checks = bench.check_targets([result(1, 10, 100, 10, 50, 300), result(100, 1000, 1900, 10, 20, 2500)])
    ok = {c["target"].split(" ")[0] + c["target"].split(" ")[1]: c["ok"] for c in checks}
    assert ok == {"everypage": True, "nopage": False, "eachDuckDB": False, "peakmemory": False}


@pytest.mark.skipif(bench.cold_start_available() is not None, reason="needs Playwright and /usr/bin/chromium")
def test_cold_start_draws_the_overview():
    cold = bench.cold_start(ROOT / "data")
    assert cold["cold_start_ms"] >= cold["cold_start_server_ms"] > 0
    assert cold["cold_start_title"]
