"""Shared test helpers.

The committed dataset in data/ is the fixture for known-answer tests (it is small and deterministic:
a test asserts it equals a fresh build). Page tests run the real app through app.py with AppTest.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
DEFAULT_PAGE = "overview"


@pytest.fixture
def use_data(monkeypatch):
    """Point the app at another data folder for one test: use_data(folder). DATA_DIR is set, the shared
    connection and Streamlit's caches are emptied, and all of it is undone afterwards."""
    import streamlit as st

    from peer_challenges.store import db as data

    def clear():
        data.reset_default_connection()
        st.cache_data.clear()
        st.cache_resource.clear()

    def point(folder):
        monkeypatch.setenv("DATA_DIR", str(folder))
        clear()

    yield point
    monkeypatch.delenv("DATA_DIR", raising=False)
    clear()


@pytest.fixture(autouse=True)
def _default_data_dir(monkeypatch):
    """Tests use the committed data/ unless they set DATA_DIR themselves."""
    monkeypatch.delenv("DATA_DIR", raising=False)
    from peer_challenges.store import db as data

    data.reset_default_connection()
    yield
    data.reset_default_connection()


@pytest.fixture(autouse=True)
def _run_pages_through_app_py():
    """Make AppTest run app.py (st.navigation) for every page, as the live server does.

    Streamlit treats an app whose main script sits next to a folder named `pages/` (the layout the brief
    fixes) as a legacy multipage app until st.navigation runs, and AppTest resets that flag
    (PagesManager.uses_pages_directory) on every run: `at.switch_page("pages/x.py")` would then execute
    pages/x.py on its own, without app.py's page config and data check. The server is started through
    peer_challenges.app.serve, which clears the flag the same way (see its docstring)."""
    from peer_challenges.app.serve import run_pages_through_app_py

    undo = run_pages_through_app_py()
    yield
    undo()


def app_test(page: str | None = None, query_params: dict | None = None, timeout: float = 90):
    """An AppTest of app.py opened on pages/<page>.py with the given URL query parameters (not yet run)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in (query_params or {}).items():
        at.query_params[key] = value
    if page and page != DEFAULT_PAGE:
        # (the default page is what app.py opens on; switching to it explicitly makes AppTest resolve a
        # different page on the next run and drop the widget values a test has just set)
        at.switch_page(f"pages/{page}.py")
    return at


@pytest.fixture
def make_app():
    """Factory fixture: make_app("council", {"council": "brentwood"}).run()"""
    return app_test


def metric_values(at) -> dict[str, str]:
    """{label: value} of every st.metric on the page."""
    return {m.label: m.value for m in at.metric}
