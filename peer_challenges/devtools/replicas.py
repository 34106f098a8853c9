"""The replicated deployment on this machine, without containers: the S3 emulator (moto in server mode), app
processes reading ``DATA_DIR=s3://…`` and nginx in front of them with deploy/nginx.conf, all on loopback
ports; and a driver that opens many council pages at once in headless Chromium. Used by
tests/browser/test_replicas.py and by ``python -m peer_challenges bench --load``.

Every process is started with its own log file and stopped by ``stop()`` (terminate, then kill), which the
callers run in ``finally`` blocks. The app processes run exactly the command the Dockerfile runs
(``python -m peer_challenges.app.serve``).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from peer_challenges import PROJECT_ROOT
from peer_challenges.devtools.bench.coldstart import CHROMIUM, CHROMIUM_ARGS, free_port

NGINX_CONF = PROJECT_ROOT / "deploy" / "nginx.conf"
AFFINITY_COOKIE = "pc_replica"
TEST_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1"}
DRAWN_JS = """() => { const app = document.querySelector('[data-testid="stApp"]');
    return app && app.getAttribute('data-test-script-state') === 'notRunning'
        && document.querySelector('[data-testid="stMain"] h1')
        && !document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')
        && !document.querySelector('[data-testid="stMain"] [data-testid="stSkeleton"]'); }"""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def get_json(url: str, timeout: float = 5) -> tuple[int, dict | None]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        try:
            return e.code, json.loads(e.read() or b"null")
        except ValueError:
            return e.code, None
    except (OSError, ValueError):
        return 0, None


class Process:
    """A subprocess with a log file."""

    name = "process"

    def __init__(self, cmd: list[str], log_path: Path, env: dict | None = None, cwd: Path = PROJECT_ROOT,
                 unset: tuple[str, ...] = ()):
        """``env`` is added to this process's environment, less the variables in ``unset`` (unless ``env``
        gives them)."""
        self.log_path = Path(log_path)
        self._log = open(self.log_path, "wb")
        base = {k: v for k, v in os.environ.items() if k not in unset}
        self.proc = subprocess.Popen(cmd, cwd=cwd, env={**base, **(env or {})}, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log(self, tail: int = 4000) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-tail:]

    def wait_until(self, check, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} before {what}:\n{self.log()}")
            if check():
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name}: no {what} within {timeout:.0f} s:\n{self.log()}")

    def stop(self) -> None:
        if self.alive():
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self._log.close()


class MotoServer(Process):
    """moto's S3 emulator on a free loopback port (in memory: gone when stopped)."""

    name = "moto"

    def __init__(self, log_path: Path):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        super().__init__([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)], log_path,
                         env=TEST_CREDENTIALS)
        self.wait_until(lambda: get_json(self.endpoint + "/moto-api/data.json", 2)[0] == 200, 60, "answer")

    def env(self) -> dict:
        """What a client of this emulator needs in its environment."""
        return {**TEST_CREDENTIALS, "AWS_ENDPOINT_URL": self.endpoint}

    def create_bucket(self, bucket: str) -> None:
        create_bucket(self.endpoint, bucket)


def serve_args(port: int, address: str) -> list[str]:
    """The arguments after ``python`` of one replica: the Dockerfile's CMD is ``python`` and these with port
    8501 on 0.0.0.0 (tests/deploy/test_deploy_files.py holds them together). No watching the source tree, as
    deployed: inotify rescans of a busy checkout cost seconds of CPU per page at load."""
    return ["-m", "peer_challenges.app.serve", "--server.headless", "true", "--server.port", str(port),
            "--server.address", address, "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]


def create_bucket(endpoint: str, bucket: str, timeout: float = 10) -> None:
    """Create a bucket in the emulator (moto accepts an unsigned PUT; the publisher does not create buckets,
    which a real store's administrator does). An existing bucket is fine."""
    req = urllib.request.Request(f"{endpoint.rstrip('/')}/{bucket}", method="PUT")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            if r.status != 200:
                raise RuntimeError(f"creating bucket {bucket} at {endpoint}: HTTP {r.status}")
    except urllib.error.HTTPError as e:
        if e.code != 409:  # BucketAlreadyOwnedByYou / BucketAlreadyExists
            raise RuntimeError(f"creating bucket {bucket} at {endpoint}: HTTP {e.code}") from None


class AppProcess(Process):
    """One app replica: ``python -m peer_challenges.app.serve`` on a free port, with DATA_DIR and its own cache."""

    name = "app"

    def __init__(self, log_path: Path, data_dir: str, env: dict | None = None, cache_dir: Path | None = None,
                 extra_args: tuple = ()):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.address = f"127.0.0.1:{self.port}"
        env = {**(env or {}), "DATA_DIR": data_dir}
        if cache_dir is not None:
            env["PEER_CHALLENGES_CACHE_DIR"] = str(cache_dir)
        # the Dockerfile's command, plus full error details so a failing test can say what went wrong
        super().__init__([sys.executable, *serve_args(self.port, "127.0.0.1"), "--client.showErrorDetails", "full",
                          *extra_args], log_path, env=env)

    def health(self) -> tuple[int, dict | None]:
        return get_json(self.url + "/health")

    def wait_ready(self, timeout: float = 120) -> dict:
        """Until /health says the process serves a dataset."""
        self.wait_until(lambda: self.health()[0] == 200, timeout, "dataset served (/health 200)")
        return self.health()[1]


class Nginx(Process):
    """nginx with deploy/nginx.conf itself (linked into a prefix folder of its own, beside the two files the
    config includes: this run's upstream servers and listen port). Its access log (stdout) names the replica
    that served each request."""

    name = "nginx"

    def __init__(self, log_path: Path, upstreams: list[str]):
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (Debian: apt-get install nginx-light)")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # readable by nginx's worker user (a pytest tmp folder is private to its owner)
        self.prefix = Path(tempfile.mkdtemp(prefix="pc-nginx-"))
        self.prefix.chmod(0o755)
        (self.prefix / "nginx.conf").symlink_to(NGINX_CONF)
        (self.prefix / "upstream-servers.conf").write_text(
            "".join(f"server {u} max_fails=2 fail_timeout=10s;\n" for u in upstreams))
        (self.prefix / "listen.conf").write_text(f"listen 127.0.0.1:{self.port};\n")
        super().__init__([binary, "-e", "stderr", "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf"),
                          "-g", "daemon off;"], log_path)
        self.wait_until(lambda: _ok(self.url + "/_stcore/health"), 30, "answer through nginx")

    def access(self) -> list[dict]:
        """The access log so far: request, status, upstream, affinity key."""
        line = re.compile(r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) \d+ upstream=(?P<upstream>\S+) '
                          r'affinity=(?P<affinity>\S+)')
        return [m.groupdict() for m in line.finditer(self.log(tail=10**8))]

    def websocket_sessions(self) -> list[dict]:
        """One entry per websocket (a Streamlit session) that has closed: which replica held it."""
        return [a for a in self.access() if a["path"].startswith("/_stcore/stream") and a["status"] == "101"]

    def stop(self) -> None:
        super().stop()
        shutil.rmtree(self.prefix, ignore_errors=True)


def _ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


# ---- many sessions at once ------------------------------------------------------------------------------

async def open_councils(url: str, councils: list[tuple[str, str]], *, cookies: list[str | None] | None = None,
                        timeout_s: float = 120) -> list[dict]:
    """Open ``/council?council=<id>`` for every (id, name) at once, each in its own browser context (a
    separate visitor), in one headless Chromium; optionally with a given affinity cookie per context. Each
    result: council, expected, h1, exceptions, seconds (navigation start to the page drawn: script finished,
    heading shown, no skeleton left), affinity (the cookie the load balancer set or that was given)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            async def one(i: int, council_id: str, name: str) -> dict:
                ctx = await browser.new_context(viewport={"width": 1200, "height": 900})
                cookie = cookies[i] if cookies else None
                if cookie:
                    await ctx.add_cookies([{"name": AFFINITY_COOKIE, "value": cookie, "url": url}])
                out = {"council": council_id, "expected": name, "h1": None, "exceptions": 0, "seconds": None,
                       "affinity": cookie, "error": None}
                try:
                    page = await ctx.new_page()
                    started = time.monotonic()
                    await page.goto(f"{url}/council?council={council_id}", wait_until="domcontentloaded",
                                    timeout=timeout_s * 1000)
                    await page.wait_for_function(DRAWN_JS, timeout=timeout_s * 1000, polling=50)
                    out["seconds"] = round(time.monotonic() - started, 3)
                    out["h1"] = (await page.locator('[data-testid="stMain"] h1').first.inner_text()).strip()
                    out["exceptions"] = await page.locator('[data-testid="stException"]').count()
                    got = [c["value"] for c in await ctx.cookies() if c["name"] == AFFINITY_COOKIE]
                    out["affinity"] = got[0] if got else cookie
                except Exception as exc:  # reported, so one slow page does not hide the others' figures
                    out["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"
                finally:
                    await ctx.close()
                return out

            return await asyncio.gather(*(one(i, cid, name) for i, (cid, name) in enumerate(councils)))
        finally:
            await browser.close()


async def ws_load_async(port: int, page: str = "", query: str = "", timeout: float = 60, host: str = "127.0.0.1",
                        ) -> dict:
    """Load a page as a browser tab does, without the browser: open Streamlit's websocket (a new session),
    ask for a run of ``page`` with ``query``, read the messages until the script finishes, close.
    Returns {"headings": [...], "exceptions": [...], "elements": n, "title": <title> set, "seconds": t}."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    started = time.monotonic()
    out = {"headings": [], "exceptions": [], "elements": 0, "title": None}
    async with websockets.connect(f"ws://{host}:{port}/_stcore/stream", subprotocols=["streamlit"],
                                  max_size=None, open_timeout=timeout) as ws:
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        await ws.send(msg.SerializeToString())
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await asyncio.wait_for(ws.recv(), timeout))
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                out["elements"] += 1
                el = fwd.delta.new_element
                if el.WhichOneof("type") == "exception":
                    out["exceptions"].append(el.exception.message)
                elif el.WhichOneof("type") == "heading":
                    out["headings"].append(el.heading.body)
            elif kind == "page_config_changed" and fwd.page_config_changed.title:
                out["title"] = fwd.page_config_changed.title  # the browser tab's <title>; the last one wins
            elif kind == "script_finished":
                break
    out["seconds"] = time.monotonic() - started
    return out


def councils_with_recommendations(data: Path, n: int, offset: int = 0) -> list[tuple[str, str]]:
    """(council_id, name) of councils that have recommendations, by id."""
    import duckdb

    with duckdb.connect() as conn:
        return conn.execute(
            """SELECT c.council_id, c.name FROM read_parquet(?) c
               WHERE c.council_id IN (SELECT council_id FROM read_parquet(?))
               ORDER BY c.council_id LIMIT ? OFFSET ?""",
            [str(Path(data) / "councils.parquet"), str(Path(data) / "recommendations.parquet"), n, offset],
        ).fetchall()


def main(argv: list[str] | None = None) -> int:
    """``python -m peer_challenges.devtools.replicas create-bucket <endpoint> <bucket>`` (deploy/compose.yaml's
    publish service runs it against the emulator)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m peer_challenges.devtools.replicas")
    sub = parser.add_subparsers(dest="command", required=True)
    cb = sub.add_parser("create-bucket", help="create a bucket in the S3 emulator (moto); an existing one is fine")
    cb.add_argument("endpoint", help="e.g. http://store:5000")
    cb.add_argument("bucket")
    args = parser.parse_args(argv)
    try:
        create_bucket(args.endpoint, args.bucket)
    except (OSError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"bucket {args.bucket} ready at {args.endpoint}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
