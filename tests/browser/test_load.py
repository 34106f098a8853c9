"""Issue 8: load. Ten people opening different council pages at once (a committee meeting), and 200
page loads in a row without the server's memory growing without bound."""

from __future__ import annotations

import functools
import time

import psutil
import pytest

from peer_challenges.devtools.replicas import councils_with_recommendations, open_councils

from .conftest import (
    LOAD_FIGURES, PAGE_TITLES, ROOT, StreamlitServer, _require_chromium, run_async, ws_load,
)

pytestmark = pytest.mark.browser

N_CONCURRENT = 10
N_LOADS = 200
GROWTH_LIMIT_MB = 150  # between load 50 and load 200 (caches are warm by load 50)
CONCURRENT_TIMEOUT_S = 90  # each of the ten pages must render within this (generous on a 2-CPU runner)


@pytest.fixture(scope="module")
def load_server(tmp_path_factory):
    """A server of its own, so the memory figures start from a fresh process."""
    _require_chromium()  # part of the browser suite: skipped (or, in CI, failed) with it
    srv = StreamlitServer(tmp_path_factory.mktemp("load") / "streamlit.log")
    try:
        srv.wait_ready()
        ws_load(srv.port, "")  # app.py runs once (st.navigation mode; see test_browser.py)
        yield srv
    finally:
        srv.stop()


def rss_mb(proc: psutil.Process) -> float:
    procs = [proc] + proc.children(recursive=True)
    return sum(p.memory_info().rss for p in procs if p.is_running()) / 2**20


def test_ten_people_open_ten_councils_at_once(load_server):
    councils = councils_with_recommendations(ROOT / "data", N_CONCURRENT)
    assert len(councils) == N_CONCURRENT
    started = time.monotonic()
    results = run_async(functools.partial(open_councils, timeout_s=CONCURRENT_TIMEOUT_S), load_server.url, councils)
    wall = time.monotonic() - started
    drawn = [r["seconds"] for r in results if r["seconds"] is not None]
    LOAD_FIGURES["concurrency"] = (
        f"{N_CONCURRENT} browser contexts at once: {sum(r['h1'] == r['expected'] for r in results)} showed the right "
        f"council; slowest {max(drawn, default='none drawn')} s, wall {wall:.1f} s")
    wrong = [r for r in results if r["error"] or r["h1"] != r["expected"] or r["exceptions"]]
    assert not wrong, f"pages opened at the same time showed the wrong council or an exception: {wrong}"


def test_memory_stays_bounded_over_200_page_loads(load_server):
    """200 sequential page loads (each a new session over Streamlit's websocket, exactly what a browser tab
    does after fetching the static files) across every page and ten councils; RSS of the server process
    at load 1, 50 and 200."""
    proc = psutil.Process(load_server.proc.pid)
    councils = [cid for cid, _ in councils_with_recommendations(ROOT / "data", 10)]
    # the overview is the default page, at the root URL ("" here)
    views = [("" if p == "overview" else p, "") for p in PAGE_TITLES] + [("council", f"council={c}") for c in councils] + [
        ("explore", f"council={c}") for c in councils[:4]] + [("council", "council=stroud&challenge=2019-03")]
    rss = {}
    started = time.monotonic()
    slowest = 0.0
    for i in range(1, N_LOADS + 1):
        page, query = views[(i - 1) % len(views)]
        out = ws_load(load_server.port, page, query)
        assert not out["exceptions"], f"load {i} /{page}?{query}: {out['exceptions']}"
        assert out["headings"], f"load {i} /{page}?{query} rendered no heading"
        slowest = max(slowest, out["seconds"])
        if i in (1, 50, 100, 150, 200):
            rss[i] = rss_mb(proc)
    elapsed = time.monotonic() - started
    growth = rss[200] - rss[50]
    LOAD_FIGURES["memory"] = (
        "server RSS " + ", ".join(f"load {k}: {v:.0f} MB" for k, v in rss.items())
        + f"; growth 50->200: {growth:+.0f} MB (limit {GROWTH_LIMIT_MB} MB)")
    LOAD_FIGURES["sequential loads"] = (
        f"{N_LOADS} loads in {elapsed:.0f} s ({elapsed / N_LOADS:.2f} s each, slowest {slowest:.2f} s)")
    assert growth < GROWTH_LIMIT_MB, LOAD_FIGURES["memory"]
