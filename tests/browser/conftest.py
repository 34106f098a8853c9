"""Browser-test harness: the real app in a `streamlit run` subprocess, driven by Debian's Chromium.

Nothing here downloads a browser: Playwright launches /usr/bin/chromium (installed by apt in
scripts/dev.sh). Without it the browser tests are skipped -- unless PEER_CHALLENGES_REQUIRE_BROWSER=1
(set by .ci/run), when a missing browser is a failure, so CI can never pass by skipping them.
"""

from __future__ import annotations

import os
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from peer_challenges.devtools.bench.coldstart import CHROMIUM, CHROMIUM_ARGS, free_port
from peer_challenges.devtools.replicas import Process, serve_args, ws_load_async

ROOT = Path(__file__).resolve().parents[2]
REQUIRE_BROWSER = os.environ.get("PEER_CHALLENGES_REQUIRE_BROWSER") == "1"
STARTUP_TIMEOUT = 90  # seconds for `streamlit run` to answer /_stcore/health
RENDER_TIMEOUT = 60_000  # ms for a page to finish its script run

# every page of the app: url path -> the heading (h1) it shows
PAGE_TITLES = {
    "overview": "Corporate peer challenges in England",
    "council": "Council peer challenges",
    "themes": "Themes",
    "slippage": "Slippage and timeliness",
    "cycle": "Who is due a corporate peer challenge",
    "explore": "Explore and download",
    "contribute": "Add or update data",
    "about": "About this dashboard",
}


# figures the browser tests measure, printed at the end of the run (pytest_terminal_summary)
A11Y_RESULTS: dict[str, dict] = {}  # view -> {impact: [rule (nodes)]}
LOAD_FIGURES: dict[str, object] = {}


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives the running app in a real browser (Chromium via Playwright)")


def pytest_terminal_summary(terminalreporter):
    if not (A11Y_RESULTS or LOAD_FIGURES):
        return
    tr = terminalreporter
    tr.section("browser suite figures")
    for view, found in A11Y_RESULTS.items():
        counts = ", ".join(f"{impact}: {len(rules)}" for impact, rules in sorted(found.items())) or "none"
        tr.write_line(f"axe {view}: violations by impact -> {counts}")
        for impact, rules in sorted(found.items()):
            for rule in rules:
                tr.write_line(f"    {impact}: {rule}")
    for key, value in LOAD_FIGURES.items():
        tr.write_line(f"{key}: {value}")


def _require_chromium() -> None:
    if Path(CHROMIUM).exists() and os.access(CHROMIUM, os.X_OK):
        return
    message = f"{CHROMIUM} is missing: install Debian's chromium (scripts/dev.sh test does this where apt is available)"
    if REQUIRE_BROWSER:
        pytest.fail(message + " -- PEER_CHALLENGES_REQUIRE_BROWSER=1, so the browser tests must run", pytrace=False)
    pytest.skip(message)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
            return resp.status == 200 and resp.read().strip() == b"ok"
    except OSError:
        return False


class StreamlitServer(Process):
    """The app as users start it (`python -m peer_challenges.app.serve`, the Dockerfile's command) on a free
    port, from the repository root, on the committed data (DATA_DIR unset unless env_extra gives one)."""

    name = "streamlit"

    def __init__(self, log_path: Path, env_extra: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__([sys.executable, *serve_args(self.port, "127.0.0.1"), "--client.showErrorDetails", "full"],
                         log_path, env=env_extra, unset=("DATA_DIR",))

    def wait_ready(self) -> None:
        self.wait_until(lambda: _healthy(self.url), STARTUP_TIMEOUT, f"answer on {self.url}/_stcore/health")


@pytest.fixture(scope="package")
def server(tmp_path_factory):
    """The running app (started once for tests/browser, stopped when its last test is done; package scope
    also ends Playwright's event loop before the rest of the suite runs).

    One session first opens the root URL, a warm-up (test_browser.py::test_deep_link_on_a_fresh_server
    covers a deep link as the very first visit)."""
    _require_chromium()
    srv = StreamlitServer(tmp_path_factory.mktemp("streamlit") / "streamlit.log")
    try:
        srv.wait_ready()
        ws_load(srv.port, "")
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="package")
def base_url(server) -> str:
    return server.url


@pytest.fixture(scope="package")
def playwright_instance():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="package")
def browser(playwright_instance):
    b = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield b
    b.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="en-GB")
    ctx.set_default_timeout(20_000)  # clicks and locators; page renders wait RENDER_TIMEOUT
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


# ---------------------------------------------------------------- helpers used by the tests

def run_async(coro_fn, *args):
    """Run an async function to completion in its own thread and event loop (Playwright's sync API keeps
    an event loop running in the test thread, so asyncio.run cannot be called there)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(coro_fn(*args))).result()


def ws_load(port: int, page: str = "", query: str = "", timeout: float = 60) -> dict:
    return run_async(ws_load_async, port, page, query, timeout)


def wait_for_app(page, *texts: str, timeout: float = RENDER_TIMEOUT) -> None:
    """Wait until Streamlit has finished running the page script: the app root is connected and its
    script state is `notRunning`, no "Running..." status indicator shows, and every expected text is
    visible. Fails with the page's Streamlit exception text when the script raised one."""
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=timeout)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') === 'notRunning'
                && !document.querySelector('[data-testid="stStatusWidgetRunningIcon"]');
        }""",
        timeout=timeout,
    )
    try:  # elements whose code loads lazily show a grey skeleton first: wait for those in view to be drawn
        page.wait_for_function(
            """() => ![...document.querySelectorAll('[data-testid="stSkeleton"]')].some(e => {
                const r = e.getBoundingClientRect(); return r.bottom > 0 && r.top < window.innerHeight; })""",
            timeout=15_000)
    except Exception:
        pass  # below-the-fold skeletons are drawn on scroll (render_everything); texts are checked next
    for text in texts:
        try:
            page.get_by_text(text, exact=False).first.wait_for(state="visible", timeout=timeout)
        except Exception as exc:  # say what the page showed instead
            raise AssertionError(f"{text!r} did not appear on {page.url}; "
                                 f"exceptions: {exception_texts(page)}; page text starts: "
                                 f"{page.inner_text('body')[:600]!r}") from exc


def settle(page, timeout: float = RENDER_TIMEOUT) -> None:
    """After an interaction: wait for the rerun it triggers to start (briefly) and then to finish."""
    try:
        page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stApp\"]')?.getAttribute('data-test-script-state') !== 'notRunning'",
            timeout=1500,
        )
    except Exception:
        pass  # the rerun may already be over
    wait_for_app(page, timeout=timeout)


SCROLL_STEP_JS = """() => {
    // the app's scrolling containers (not the data grids inside it)
    const els = [document.scrollingElement, ...document.querySelectorAll(
        '[data-testid="stMain"], [data-testid="stAppViewContainer"], [data-testid="stSidebarContent"]')]
        .filter(e => e && e.scrollHeight > e.clientHeight + 5);
    let more = false;
    for (const e of els) {
        if (e.scrollTop + e.clientHeight < e.scrollHeight - 2) { e.scrollTop += e.clientHeight * 0.8; more = true; }
    }
    return !more;
}"""


def render_everything(page, timeout: float = 30_000) -> None:
    """Streamlit draws charts and tables below the fold lazily (grey skeletons until scrolled into view):
    scroll the page to the bottom so every element renders, wait for the skeletons to go, scroll back."""
    for _ in range(60):
        done = page.evaluate(SCROLL_STEP_JS)
        page.wait_for_timeout(120)
        if done:
            break
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=timeout)
    page.evaluate("""() => { for (const e of [document.scrollingElement, ...document.querySelectorAll(
        '[data-testid="stMain"], [data-testid="stAppViewContainer"]')]) if (e) e.scrollTop = 0; }""")


def exception_texts(page) -> list[str]:
    return [e.inner_text()[:800] for e in page.locator('[data-testid="stException"]').all()]


def open_page(page, base_url: str, path: str, *texts: str, query: str = "") -> None:
    """Navigate to /<path>?<query>, wait for the render, assert no Streamlit exception is shown."""
    url = f"{base_url}/{path}" + (f"?{query}" if query else "")
    page.goto(url, wait_until="domcontentloaded")
    wait_for_app(page, *texts)
    assert not exception_texts(page), f"{url} shows an exception: {exception_texts(page)}"
    not_found = page.locator('[role="dialog"]').filter(has_text="Page not found")
    assert not not_found.count(), f"{url}: Streamlit says 'Page not found' and shows the main page instead"


def page_h1(page) -> str:
    return page.locator('[data-testid="stMain"] h1').first.inner_text().strip()
