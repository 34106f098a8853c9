"""The /health answer (peer_challenges.app.health.report): which dataset version a process serves, or why none."""

from __future__ import annotations

import socket

from peer_challenges.app import health
from peer_challenges.store import remote


def test_local_data_is_reported_with_its_tables(monkeypatch):
    monkeypatch.delenv("DATA_DIR", raising=False)
    code, body = health.report()
    assert code == 200 and body["status"] == "ok" and body["version"] == "local"
    assert body["tables"]["councils"] > 0 and body["pid"] > 0


def test_broken_local_data_is_unavailable(monkeypatch, tmp_path):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    code, body = health.report()
    assert code == 503 and body["status"] == "unavailable" and "missing" in body["last_error"]


def test_an_unreachable_store_is_unavailable_and_says_what_was_tried(monkeypatch, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    for k, v in {"DATA_DIR": "s3://peer-challenges/live", "AWS_ENDPOINT_URL": dead, "AWS_ACCESS_KEY_ID": "testing",
                 "AWS_SECRET_ACCESS_KEY": "testing", remote.CACHE_ENV: str(tmp_path), remote.POLL_ENV: "0"}.items():
        monkeypatch.setenv(k, v)
    try:
        code, body = health.report()
        assert code == 503 and body["status"] == "unavailable" and body["version"] is None
        assert dead in body["last_error"] and "s3://peer-challenges/live/manifest.json" in body["last_error"]
    finally:
        remote.close_all()


def test_a_malformed_url_is_unavailable(monkeypatch):
    monkeypatch.setenv("DATA_DIR", "s3://Not_A_Bucket")
    code, body = health.report()
    assert code == 503 and "not a valid bucket name" in body["last_error"]
