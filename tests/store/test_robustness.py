"""Issue 8: robustness. Whatever arrives in the URL or in DATA_DIR, every page answers with a clear
message in plain words -- never a traceback, never the raw value as HTML.

All through AppTest on app.py (tests/conftest.py make_app), so the real navigation, data-problem
check and shared filters run exactly as in the browser, on the frozen fixture dataset (tests/fixtures/dataset:
106 recommendations), a broken copy of it, or an empty dataset.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit import config as st_config

from peer_challenges.store import db as data
from peer_challenges.store.contract import DERIVED_TABLES, TABLES

ROOT = Path(__file__).resolve().parents[2]
PAGES = ("overview", "council", "themes", "slippage", "cycle", "explore", "about")
FILTER_KEYS = ("type", "region", "from", "to")
pytestmark = pytest.mark.usefixtures("on_fixture")


@pytest.fixture(autouse=True)
def _full_error_details():
    """.streamlit/config.toml redacts exception messages for readers; a failing test should say what broke."""
    before = st_config.get_option("client.showErrorDetails")
    st_config.set_option("client.showErrorDetails", "full")
    yield
    st_config.set_option("client.showErrorDetails", before)


def _clear_caches():
    data.reset_default_connection()
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def data_dir(tmp_path, monkeypatch, fixture_data):
    """A copy of the fixture dataset's Parquet (and taxonomy) in tmp_path, with DATA_DIR pointing at it."""
    folder = tmp_path / "data"
    folder.mkdir()
    for path in fixture_data.iterdir():
        if path.is_file():
            shutil.copy2(path, folder / path.name)
    monkeypatch.setenv("DATA_DIR", str(folder))
    _clear_caches()
    yield folder
    monkeypatch.delenv("DATA_DIR", raising=False)
    _clear_caches()


# ---------------------------------------------------------------- what a page showed

def exceptions(at) -> list[str]:
    return [e.message for e in at.exception]


def notices(at) -> list[str]:
    """Everything the page says in a warning/info/error box or a caption, main area and sidebar."""
    out = []
    for kind in ("warning", "info", "error", "caption", "toast"):
        try:
            out += [getattr(e, "value", None) or getattr(e, "body", "") for e in at.get(kind)]
        except Exception:  # element type not present in this Streamlit version
            pass
    out += [e.value for e in at.sidebar.caption]
    return [str(x) for x in out if x]


def visible_text(at) -> str:
    parts = [str(getattr(e, "value", "")) for kind in ("title", "header", "subheader", "markdown", "caption",
                                                       "warning", "info", "error", "success", "code")
             for e in at.get(kind)]
    parts += [m.label + " " + str(m.value) for m in at.metric]
    return "\n".join(parts)


def raw_html(at) -> list[str]:
    """Every piece of text the page hands to the browser as HTML (markdown with unsafe_allow_html, st.html)."""
    out = [m.value for m in at.markdown if getattr(m, "allow_html", False)]
    out += [m.value for m in at.caption if getattr(m, "allow_html", False)]
    out += [h.proto.body for h in at.get("html")]
    return out


def run(make_app, page, params=None):
    at = make_app(page, params).run()
    assert not at.exception, f"{page} {params}: exception {exceptions(at)}"
    return at


# Which URL keys each page reads (FILTER_KEYS: the shared sidebar filters, ui.shared_filters). A page that
# reads a key must say so when the value is not recognised; a key a page does not use is simply ignored.
READS = {
    "overview": set(FILTER_KEYS),
    "council": {"council", "challenge"},
    "themes": set(FILTER_KEYS) | {"theme"},
    "slippage": set(FILTER_KEYS),
    "cycle": {"as_of"},
    "explore": set(FILTER_KEYS) | {"council", "theme", "topic", "status", "bucket", "q", "table"},
    "about": set(),
}


def _reads(page: str, key: str) -> bool:
    return key in READS[page]


def test_reads_map_matches_the_pages():
    """The READS map above stays honest: a page that calls ui.shared_filters() reads the filter keys."""
    for page in PAGES:
        src = (ROOT / "pages" / f"{page}.py").read_text(encoding="utf-8")
        if "being built" in src:
            continue
        assert ("shared_filters(" in src) == ("type" in READS[page]), page


# ---------------------------------------------------------------- hostile or unknown URL values

HOSTILE = {
    "council-script": ({}, "council", "<script>alert(1)</script>"),
    "council-sql": ({}, "council", "'; drop table councils; --"),
    "challenge": ({"council": "stroud"}, "challenge", "9999-99"),
    "type": ({}, "type", "nonsense"),
    "from": ({}, "from", "abc"),
    "theme": ({}, "theme", "\x00"),  # ?theme=%00 arrives as a NUL character
    "status": ({}, "status", "DROP"),
    "as_of": ({}, "as_of", "<b>2026"),
}
_baselines: dict = {}


def _baseline_notices(make_app, page, params) -> list[str]:
    key = (page, tuple(sorted(params.items())))
    if key not in _baselines:
        _baselines[key] = notices(run(make_app, page, params))
    return _baselines[key]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_url_values(make_app, page, case):
    base, key, value = HOSTILE[case]
    at = run(make_app, page, {**base, key: value})
    # the raw value never reaches the page as HTML
    for chunk in raw_html(at):
        assert value not in chunk or not re.search(r"[<>'\"\x00]", value), f"{page}: {value!r} inside raw HTML"
        assert "<script>alert(1)</script>" not in chunk
    # a page that reads this key says the value was not recognised (a notice it does not show without it)
    if _reads(page, key):
        new = set(notices(at)) - set(_baseline_notices(make_app, page, base))
        assert new, f"{page}?{key}={value!r}: no notice that the value was not recognised; notices: {notices(at)}"
    # the page still renders its title
    assert at.title, f"{page}?{key}={value!r}: no page title"


def test_hostile_council_is_not_executed_or_echoed_as_markup(make_app):
    at = run(make_app, "council", {"council": "<script>alert(1)</script>"})
    assert any("not recognised" in n for n in notices(at)), notices(at)
    # shown only as inert text (a code block), if at all
    for m in at.markdown:
        assert "<script>" not in m.value or not getattr(m, "allow_html", False)


# ---------------------------------------------------------------- missing / empty / corrupt data

def _break(folder: Path, how: str) -> None:
    target = folder / "recommendations.parquet"
    if how == "missing":
        target.unlink()
    elif how == "empty":
        target.write_bytes(b"")
    elif how == "truncated":
        blob = target.read_bytes()
        target.write_bytes(blob[: len(blob) // 2])
    elif how == "junk":
        target.write_bytes(b"this is not a parquet file\n" * 100)


WORDS = {"missing": "missing", "empty": "empty", "truncated": "cannot be read", "junk": "cannot be read"}


@pytest.mark.parametrize("how", list(WORDS))
@pytest.mark.parametrize("page", PAGES)
def test_broken_data_file_gives_an_error_page(make_app, data_dir, page, how):
    _break(data_dir, how)
    _clear_caches()
    at = make_app(page).run()
    assert not at.exception, f"{page} with a {how} recommendations.parquet: {exceptions(at)}"
    assert any("could not be loaded" in e.value for e in at.error), [e.value for e in at.error]
    text = visible_text(at)
    assert "recommendations.parquet" in text, "the error must name the broken file"
    assert WORDS[how] in text, f"the error must say the file is {how}: {text[:400]}"
    assert "python -m peer_challenges build" in text, "the error must say how to rebuild"


def test_data_error_page_recovers_after_rebuild(make_app, data_dir):
    """Fix the file (here: restore it) and reload: the page works again; the error is not cached."""
    good = (data_dir / "recommendations.parquet").read_bytes()
    _break(data_dir, "junk")
    at = make_app("overview").run()
    assert at.error
    (data_dir / "recommendations.parquet").write_bytes(good)
    at = make_app("overview").run()
    assert not at.exception and not any("could not be loaded" in e.value for e in at.error)


# ---------------------------------------------------------------- an empty dataset

@pytest.fixture
def empty_data_dir(tmp_path, monkeypatch):
    from peer_challenges.store.build import write_tables

    folder = tmp_path / "empty"
    write_tables({t: [] for t in TABLES}, folder)
    shutil.copy2(ROOT / "data" / "taxonomy.yaml", folder / "taxonomy.yaml")
    assert all((folder / f"{t}.parquet").exists() for t in (*TABLES, *DERIVED_TABLES))
    monkeypatch.setenv("DATA_DIR", str(folder))
    _clear_caches()
    yield folder
    monkeypatch.delenv("DATA_DIR", raising=False)
    _clear_caches()


EMPTY_PARAMS = {
    "overview": {}, "council": {}, "themes": {}, "slippage": {}, "cycle": {}, "explore": {}, "about": {},
}


@pytest.mark.parametrize("page", PAGES)
def test_empty_dataset_shows_empty_states(make_app, empty_data_dir, page):
    at = make_app(page, EMPTY_PARAMS[page]).run()
    assert not at.exception, f"{page} on an empty dataset: {exceptions(at)}"
    assert at.title, f"{page}: no title on an empty dataset"
    assert not any("could not be loaded" in e.value for e in at.error), "empty tables are valid data, not an error"
    text = visible_text(at)
    assert "nan" not in re.findall(r"\bnan\b", text.lower()), f"{page} shows 'nan' on an empty dataset"
    if page != "about":
        assert notices(at), f"{page}: an empty dataset must say there is nothing to show (info/warning/caption)"


@pytest.mark.parametrize("page", ["council"])
def test_empty_dataset_with_a_council_link(make_app, empty_data_dir, page):
    at = make_app(page, {"council": "brentwood"}).run()
    assert not at.exception, exceptions(at)
    assert any("not recognised" in n or "no council" in n.lower() for n in notices(at)), notices(at)


# ---------------------------------------------------------------- hostile search text on explore

SEARCHES = {
    "apostrophe": "'",  # in 19 recommendations: a quote must be searched for, not break the SQL
    "quoted": "\"it's\"",
    "percent": "%",  # not a LIKE wildcard: matches nothing (would match all 106 if it were)
    "percent-word": "100%",
    "underscore": "_",
    "underscore-word": "a_b",
    "semicolon": ";",
    "injection": "finance'; DROP TABLE recommendations; --",
    "or-true": "' OR 1=1 --",
    "sql-keyword": "select",
    "sql-statement": "SELECT * FROM councils",
    "word": "financial",
    "10000-chars": "x" * 10_000,
}


def _expected_matches(q: str) -> int:
    """Recommendations whose number, title or text contains q (case-insensitive, literal), computed
    independently of the app's query from the Parquet the app reads (the fixture dataset)."""
    import duckdb

    with duckdb.connect() as conn:
        return conn.execute(
            "SELECT count(*) FROM read_parquet(?) WHERE contains(lower(concat_ws(' ', number, title, text)), lower(?))",
            [str(data.default_data_dir() / "recommendations.parquet"), q],
        ).fetchone()[0]


def test_search_cases_cover_matches_and_non_matches():
    assert (_expected_matches("'"), _expected_matches(";"), _expected_matches("financial")) == (19, 30, 16)
    assert _expected_matches("%") == 0 and _expected_matches("_") == 0


@pytest.mark.parametrize("case", list(SEARCHES))
def test_explore_search_with_awkward_text(make_app, case):
    q = SEARCHES[case]
    at = run(make_app, "explore", {"q": q})
    shown = {m.label: m.value for m in at.metric}.get("Matching rows")
    assert shown is not None, f"explore?q={q[:40]!r}: no 'Matching rows' metric; metrics {[m.label for m in at.metric]}"
    assert int(shown.replace(",", "")) == _expected_matches(q), f"explore?q={q[:40]!r} shows {shown} rows"
    for df in [d.value for d in at.dataframe]:
        assert len(df) == _expected_matches(q)
    if _expected_matches(q) == 0:
        assert any("No recommendations match" in n for n in notices(at)), notices(at)
