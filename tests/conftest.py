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


@pytest.fixture(autouse=True)
def _default_data_dir(monkeypatch):
    """Tests use the committed data/ unless they set DATA_DIR themselves."""
    monkeypatch.delenv("DATA_DIR", raising=False)
    from peer_challenges import data

    data.reset_default_connection()
    yield
    data.reset_default_connection()


def app_test(page: str | None = None, query_params: dict | None = None, timeout: float = 90):
    """An AppTest of app.py opened on pages/<page>.py with the given URL query parameters (not yet run)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in (query_params or {}).items():
        at.query_params[key] = value
    if page:
        at.switch_page(f"pages/{page}.py")
    return at


@pytest.fixture
def make_app():
    """Factory fixture: make_app("council", {"council": "brentwood"}).run()"""
    return app_test


def metric_values(at) -> dict[str, str]:
    """{label: value} of every st.metric on the page."""
    return {m.label: m.value for m in at.metric}
