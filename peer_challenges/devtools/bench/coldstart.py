"""Cold start: ``streamlit run app.py`` until the overview is fully drawn in headless Chromium (its
title shown, Streamlit's running indicator gone), through Playwright.

Part of peer_challenges.devtools.bench.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from peer_challenges import PROJECT_ROOT
from peer_challenges.domain.errors import UserError

# Debian's chromium unless PEER_CHALLENGES_CHROMIUM names another (the browser tests and benchmarks share it)
CHROMIUM = os.environ.get("PEER_CHALLENGES_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


# ---- cold start ---------------------------------------------------------------------------------------
def free_port() -> int:
    """A loopback TCP port nothing listens on now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cold_start(folder: Path, title: str | None = None, timeout: float = 180) -> dict:
    """ms from `streamlit run app.py` to the overview fully drawn in headless Chromium."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    env = {**os.environ, "DATA_DIR": str(folder), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    log_file = tempfile.NamedTemporaryFile(prefix="bench-streamlit-", suffix=".log", delete=False)
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    finished: list[float] = []  # when the server said the first script run finished

    def on_frame(payload):
        if isinstance(payload, (bytes, bytearray)):
            try:
                msg = ForwardMsg.FromString(bytes(payload))
            except Exception:
                return
            if msg.WhichOneof("type") == "script_finished" and msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                finished.append(time.perf_counter())

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                                 "--server.headless", "true", "--server.fileWatcherType", "none"],
                                cwd=PROJECT_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            health = None
            while time.perf_counter() - t0 < timeout:
                if proc.poll() is not None:
                    raise UserError(f"streamlit exited with code {proc.returncode}; log: {log_file.name}")
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                        if r.status == 200:
                            health = time.perf_counter()
                            break
                except OSError:
                    time.sleep(0.05)
            if health is None:
                raise UserError(f"streamlit did not answer within {timeout} s; log: {log_file.name}")
            page.goto(f"http://127.0.0.1:{port}/", wait_until="domcontentloaded", timeout=timeout * 1000)
            main_h1 = '[data-testid="stMain"] h1'
            if title:
                page.locator(main_h1, has_text=title).first.wait_for(state="visible", timeout=timeout * 1000)
            else:
                page.locator(main_h1).first.wait_for(state="visible", timeout=timeout * 1000)
            # fully drawn: the server reported the script run finished, Streamlit's running indicator
            # (the status widget with its Stop button) is gone and no skeleton placeholder is left
            while not finished:
                if time.perf_counter() - t0 > timeout:
                    raise UserError(f"the first page did not finish within {timeout} s")
                page.wait_for_timeout(20)
            page.wait_for_function(
                """() => !document.querySelector('[data-testid="stStatusWidget"]')
                         && !document.querySelector('[data-testid="stMain"] [data-testid="stSkeleton"]')""",
                timeout=timeout * 1000, polling=20)
            drawn = time.perf_counter()
            shown = page.locator(main_h1).first.inner_text()
        finally:
            browser.close()
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
            log_file.close()
    Path(log_file.name).unlink(missing_ok=True)
    return {"cold_start_ms": round((drawn - t0) * 1000), "cold_start_server_ms": round((health - t0) * 1000),
            "cold_start_script_finished_ms": round((finished[0] - t0) * 1000), "cold_start_title": shown}


def cold_start_available() -> str | None:
    """None when Playwright and Chromium are there; else why not."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is not installed"
    return None
