"""The deployment files (Dockerfile, deploy/compose.yaml, deploy/nginx.conf) say what the replica test runs.

No container can be built on these machines, so what can be held together is: the image runs exactly the
command tests/browser/test_replicas.py starts each replica with, the compose load balancer mounts the very
nginx.conf that test runs, and the ports and paths in between agree. nginx itself checks the file's syntax
with the compose includes when it is installed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from peer_challenges.devtools.replicas import NGINX_CONF, nginx_binary, serve_args

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def _dockerfile_stages() -> dict[str, list[str]]:
    """stage name -> its lines (continuations joined)."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    stages: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        line = line.strip()
        m = re.match(r"FROM \S+ AS (\S+)", line)
        if m:
            current = m.group(1)
            stages[current] = []
        elif current and line and not line.startswith("#"):
            stages[current].append(line)
    return stages


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_the_image_runs_the_command_the_replica_test_runs_as_a_non_root_user():
    stages = _dockerfile_stages()
    assert list(stages)[-1] == "app", "the app must be the default (last) target"
    app = stages["app"]
    cmd = json.loads(next(line for line in app if line.startswith("CMD "))[4:])
    assert cmd == ["python", *serve_args(8501, "0.0.0.0")]
    users = [line.split()[1] for line in app if line.startswith("USER ")]
    assert users == ["app"] and "useradd" in " ".join(stages["base"]) and "--uid 10001" in " ".join(stages["base"])
    assert any("PEER_CHALLENGES_CACHE_DIR=/cache" in line for line in app)
    assert any("/health" in line for line in app if line.startswith("HEALTHCHECK"))
    requirements = (ROOT / "requirements-dev.txt").read_text()
    moto_pin = re.search(r"moto\[server\]==(\S+)", requirements).group(1)
    assert any(f'"moto[server]=={moto_pin}"' in line for line in stages["store"]), "the store is the tests' moto"


def test_compose_app_replicas_are_read_only_apart_from_cache_and_tmp():
    app = _compose()["services"]["app"]
    assert app["read_only"] is True
    assert sorted(t.split(":")[0] for t in app["tmpfs"]) == ["/cache", "/tmp"]
    assert app["environment"]["PEER_CHALLENGES_CACHE_DIR"] == "/cache"
    assert app["environment"]["DATA_DIR"].startswith("s3://")
    assert app["deploy"]["replicas"] >= 2
    assert app["build"]["target"] == "app"


def test_compose_load_balancer_mounts_the_nginx_conf_the_test_runs():
    compose = _compose()
    lb = compose["services"]["lb"]
    mounts = dict(v.rsplit(":", 1)[0].split(":", 1) for v in lb["volumes"])
    assert mounts["./nginx.conf"] == "/etc/peer-challenges/nginx.conf"
    assert (DEPLOY / "nginx.conf").resolve() == NGINX_CONF.resolve(), "the test's nginx runs this same file"
    folder = {Path(target).parent for target in mounts.values()}
    assert folder == {Path("/etc/peer-challenges")}, "nginx.conf includes its two files from its own folder"
    assert {Path(s).name for s in mounts} == {"nginx.conf", "upstream-servers.conf", "listen.conf"}
    assert "-c /etc/peer-challenges/nginx.conf" in " ".join(lb["command"])
    # the ports in between agree: nginx listens where compose publishes, and sends to where the app listens
    listen = re.search(r"listen (\d+);", (DEPLOY / "listen.conf").read_text()).group(1)
    assert lb["ports"] == [f"{listen}:{listen}"]
    servers = re.findall(r"^server (\S+):(\d+)", (DEPLOY / "upstream-servers.conf").read_text(), re.M)
    assert servers == [("app", "8501")]
    # the app and publish services read and write the same dataset URL
    publish = " ".join(compose["services"]["publish"]["command"])
    assert f"publish {compose['services']['app']['environment']['DATA_DIR']} " in publish


def test_nginx_accepts_the_config_with_the_compose_includes(tmp_path):
    binary = nginx_binary()
    if binary is None:
        pytest.skip("nginx is not installed (scripts/dev.sh test installs it where apt is available)")
    for name in ("nginx.conf", "listen.conf"):
        shutil.copy(DEPLOY / name, tmp_path / name)
    # the compose upstream names a host ("app") that exists only in compose's network: same line, loopback host
    (tmp_path / "upstream-servers.conf").write_text(
        (DEPLOY / "upstream-servers.conf").read_text().replace("server app:8501", "server 127.0.0.1:8501"))
    out = subprocess.run([binary, "-t", "-e", "stderr", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert "syntax is ok" in out.stderr
