"""Shared test helpers.

Two datasets:

- the LIVE dataset (data/, or the folder named by PEER_CHALLENGES_LIVE_DATA): it grows whenever a council's
  source file is added, so tests on it (marked ``live_data``) assert only the seed councils' known answers
  and invariants that hold for any valid dataset (two computations compared, never a national total);
- the FROZEN fixture dataset (tests/fixtures/dataset/, built once per session by ``fixture_data``): a copy
  of a few challenges that is never regenerated, so tests assert its exact totals there.

Page tests run the real app through app.py with AppTest.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
DEFAULT_PAGE = "overview"
# the live dataset the live_data tests run on: data/ unless PEER_CHALLENGES_LIVE_DATA names another built data
# folder (tests/store/test_new_council_keeps_suite_green.py points it at a copy of data/ with one council added)
LIVE_DATA_ENV = "PEER_CHALLENGES_LIVE_DATA"
LIVE_DATA = Path(os.environ[LIVE_DATA_ENV]).expanduser().resolve() if os.environ.get(LIVE_DATA_ENV) else DATA
# the frozen fixture dataset: sources/<council_id>/<YYYY-MM>-<kind>.yaml + taxonomy.yaml, copied once from data/
FIXTURE_DATASET = ROOT / "tests" / "fixtures" / "dataset"
# ../shared/facts beside the clone (CI has it there)
FACTS = ROOT.parent / "shared" / "facts"


def _point_data_dir_at_the_live_dataset() -> None:
    if LIVE_DATA == DATA:
        os.environ.pop("DATA_DIR", None)
    else:
        os.environ["DATA_DIR"] = str(LIVE_DATA)


def pytest_configure(config):
    # module- and session-scoped fixtures (a module's run_query results, a similarity index) are made before the
    # function-scoped _default_data_dir below runs: they must read the live dataset too
    _point_data_dir_at_the_live_dataset()


def pytest_terminal_summary(terminalreporter):
    if LIVE_DATA != DATA:  # said even with -q, so a caller can see which dataset the live_data tests read
        terminalreporter.write_line(f"live dataset: {LIVE_DATA} (from {LIVE_DATA_ENV})")


def require_facts() -> Path:
    """The facts folder, or a failure that says where it was looked for (tests that need it are not optional)."""
    if not FACTS.is_dir() or not any(FACTS.glob("*__*.json")):
        pytest.fail(f"the facts are missing: expected {FACTS} (../shared/facts beside the repository, as in CI) "
                    "with one <council_id>__<YYYY-MM>.json per challenge", pytrace=False)
    return FACTS


def by_number(result: dict) -> dict:
    """An extractor draft's recommendations by their number."""
    return {r["number"]: r for r in result["recommendations"]}


def load_fixture_builder(path: Path, name: str):
    """The module of a fixture generator script (tests/fixtures/*/make_fixtures.py), for its constants."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def copy_inputs(source: Path, folder: Path) -> Path:
    """Copy a data folder's build inputs (sources/, register/, taxonomy.yaml) into ``folder``, so a build of
    ``folder`` behaves exactly like one of ``source``; returns ``folder``."""
    import shutil

    shutil.copytree(source / "sources", folder / "sources")
    shutil.copy(source / "taxonomy.yaml", folder / "taxonomy.yaml")
    shutil.copytree(source / "register", folder / "register")
    return folder


@pytest.fixture(scope="session")
def fixture_data(tmp_path_factory) -> Path:
    """The frozen fixture dataset built into a temporary data folder (once per session): sources/, register/ and
    taxonomy.yaml copied beside the Parquet, so DATA_DIR=<folder> behaves exactly like data/."""
    from peer_challenges.store.build import build

    folder = copy_inputs(FIXTURE_DATASET, tmp_path_factory.mktemp("fixture-dataset") / "data")
    build(data=folder, out=folder)
    return folder


@pytest.fixture
def on_fixture(use_data, fixture_data) -> Path:
    """For one test: the app, run_query and the CLI (via DATA_DIR) read the fixture dataset."""
    use_data(fixture_data)
    return fixture_data


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
    """Tests use the live dataset (data/, or PEER_CHALLENGES_LIVE_DATA) unless they set DATA_DIR themselves."""
    if LIVE_DATA == DATA:
        monkeypatch.delenv("DATA_DIR", raising=False)
    else:
        monkeypatch.setenv("DATA_DIR", str(LIVE_DATA))
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
