"""Issue 16: replicas behind a load balancer, data from object storage - on this machine, without containers.

The S3 emulator (moto, server mode) gets the committed dataset through ``python -m peer_challenges publish``;
two app processes read it with DATA_DIR=s3://…; nginx runs deploy/nginx.conf itself in front of them. Twenty
headless-Chromium visitors open twenty councils at once through nginx: each must see its own council, both
processes must hold sessions, and each visitor's requests must all reach one process. Then a changed dataset
(one council renamed) is published while both keep running: both must report the new version on /health and
show the new name, with the same process ids.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from peer_challenges.devtools.replicas import (
    AppProcess, MotoServer, Nginx, councils_with_recommendations, get_json, nginx_binary, open_councils,
)

from .conftest import LOAD_FIGURES, REQUIRE_BROWSER, ROOT, _require_chromium, run_async, ws_load

pytestmark = pytest.mark.browser

N_SESSIONS = 20
POLL_SECONDS = "2"
BUCKET = "peer-challenges"
URL = f"s3://{BUCKET}/live"
SWITCH_TIMEOUT_S = 60
SESSION_TIMEOUT_S = 240  # twenty Chromium contexts drawing the page share 2 cores with the servers: ~110 s here


def _require_nginx() -> None:
    if nginx_binary():
        return
    message = "nginx is missing: install Debian's nginx-light (scripts/dev.sh test does this where apt is available)"
    if REQUIRE_BROWSER:
        pytest.fail(message + " -- PEER_CHALLENGES_REQUIRE_BROWSER=1, so the replica test must run", pytrace=False)
    pytest.skip(message)


def _publish(folder, env) -> str:
    out = subprocess.run([sys.executable, "-m", "peer_challenges", "publish", URL, "--data-dir", str(folder), "--json"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, f"publish failed ({out.returncode}): {out.stderr}"
    import json

    return json.loads(out.stdout)["version"]


def _renamed_copy(target, council_id: str, new_name: str):
    """data/ with one council's name changed (still a valid dataset)."""
    target.mkdir()
    for f in list(ROOT.joinpath("data").glob("*.parquet")) + [ROOT / "data" / "taxonomy.yaml"]:
        shutil.copy2(f, target / f.name)
    councils = pq.read_table(target / "councils.parquet")
    names = [new_name if cid == council_id else n
             for cid, n in zip(councils["council_id"].to_pylist(), councils["name"].to_pylist())]
    councils = councils.set_column(councils.schema.get_field_index("name"), "name", pa.array(names, pa.string()))
    pq.write_table(councils, target / "councils.parquet", compression="zstd")
    return target


def _wait_for_sessions(lb: Nginx, n: int, timeout: float = 20) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = lb.websocket_sessions()
        if len(found) >= n:
            return found
        time.sleep(0.25)
    return lb.websocket_sessions()


def test_two_replicas_behind_nginx_serve_s3_and_take_a_new_version_without_restart(tmp_path):
    _require_chromium()
    _require_nginx()
    started = []
    try:
        moto = MotoServer(tmp_path / "moto.log")
        started.append(moto)
        moto.create_bucket(BUCKET)
        env = {**__import__("os").environ, **moto.env()}
        env.pop("DATA_DIR", None)
        v1 = _publish(ROOT / "data", env)

        apps = []
        for i in range(2):
            app = AppProcess(tmp_path / f"app{i}.log", URL, env={**moto.env(), "PEER_CHALLENGES_POLL_SECONDS": POLL_SECONDS},
                             cache_dir=tmp_path / f"cache{i}")
            started.append(app)
            apps.append(app)
        for app in apps:
            health = app.wait_ready()
            assert health["status"] == "ok" and health["version"] == v1, health
            assert health["tables"]["councils"] > 0
            ws_load(app.port, "")  # app.py runs once on each (st.navigation mode), as the other browser tests do
        pids = [app.pid for app in apps]

        lb = Nginx(tmp_path / "nginx.log", [app.address for app in apps])
        started.append(lb)
        code, through_lb = get_json(lb.url + "/health")
        assert code == 200 and through_lb["version"] == v1

        # 1. twenty visitors, twenty councils, at once
        councils = councils_with_recommendations(ROOT / "data", N_SESSIONS)
        assert len(councils) == N_SESSIONS
        t0 = time.monotonic()
        results = run_async(lambda: open_councils(lb.url, councils, timeout_s=SESSION_TIMEOUT_S))
        wall = time.monotonic() - t0
        wrong = [r for r in results if r["h1"] != r["expected"] or r["exceptions"] or r["error"]]
        assert not wrong, f"sessions through nginx showed the wrong council, an exception or nothing: {wrong}"

        sessions = _wait_for_sessions(lb, N_SESSIONS)
        by_replica = Counter(s["upstream"] for s in sessions)
        assert sum(by_replica.values()) == N_SESSIONS, by_replica
        assert set(by_replica) == {app.address for app in apps}, f"not every replica held sessions: {by_replica}"
        # affinity: all of one visitor's requests (page, scripts, websocket) reached one replica
        upstreams_of = defaultdict(set)
        for a in lb.access():
            upstreams_of[a["affinity"]].add(a["upstream"])
        visitors = {r["affinity"] for r in results}
        assert None not in visitors and len(visitors) == N_SESSIONS, "nginx did not give each visitor its own cookie"
        split = {v: upstreams_of[v] for v in visitors if len(upstreams_of[v]) != 1}
        assert not split, f"one visitor's requests went to more than one replica: {split}"
        cookie_of = {}
        for s in sessions:
            cookie_of.setdefault(s["upstream"], s["affinity"])

        # 2. publish a changed dataset while both keep running
        council_id, old_name = councils[0]
        new_name = f"{old_name} (renamed in the new version)"
        v2 = _publish(_renamed_copy(tmp_path / "data-v2", council_id, new_name), env)
        assert v2 != v1
        deadline = time.monotonic() + SWITCH_TIMEOUT_S
        healths = []
        while time.monotonic() < deadline:
            healths = [app.health()[1] or {} for app in apps]
            if all(h.get("version") == v2 for h in healths):
                break
            time.sleep(0.5)
        assert all(h.get("version") == v2 and h.get("status") == "ok" for h in healths), healths
        assert [app.pid for app in apps] == pids and all(app.alive() for app in apps), "a replica restarted"
        assert all(h["cache"]["objects_downloaded"] == 12 for h in healths), \
            f"only the changed table should be fetched again (11 files + 1): {[h['cache'] for h in healths]}"

        # each replica, reached through nginx by a visitor pinned to it, shows the new name
        before = len(lb.websocket_sessions())
        pinned = [cookie_of[app.address] for app in apps]
        after = run_async(lambda: open_councils(lb.url, [(council_id, new_name)] * len(apps), cookies=pinned))
        assert all(r["h1"] == new_name and not r["exceptions"] and not r["error"] for r in after), after
        later = _wait_for_sessions(lb, before + len(apps))[before:]
        assert sorted(s["upstream"] for s in later) == sorted(app.address for app in apps), later

        LOAD_FIGURES["replicas"] = (
            f"{N_SESSIONS} sessions through nginx in {wall:.1f} s (slowest {max(r['seconds'] for r in results):.1f} s), "
            f"per replica {dict(by_replica)}; new version {v2} on both replicas without restart")
    finally:
        for proc in reversed(started):
            proc.stop()
