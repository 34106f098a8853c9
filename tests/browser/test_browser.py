"""Issue 8: the real app in a real browser -- every page opens without an exception, the council picker,
a filtered CSV download, a recommendation's history, and a link from the overview's council table."""

from __future__ import annotations

import csv
import io
import re

import pytest

from .conftest import (
    PAGE_TITLES, StreamlitServer, exception_texts, open_page, page_h1, settle, wait_for_app, ws_load,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["", *PAGE_TITLES])
def test_every_page_opens_without_an_exception(page, base_url, path):
    name = path or "overview"
    open_page(page, base_url, path)
    assert page_h1(page) == PAGE_TITLES[name], f"/{path}: h1 is {page_h1(page)!r}"
    assert "being built" not in page.inner_text('[data-testid="stMain"]'), f"/{path} is still a placeholder"
    # the app's own navigation (st.navigation titles), not Streamlit's file-name fallback
    nav = [t.split("\n")[-1].strip() for t in page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()]
    assert nav[:2] == ["Overview", "Council"], nav


def test_pages_have_distinct_document_titles(server):
    """WCAG 2.4.2 (Page Titled): each page's <title> says which page it is, not only the app's name.
    (Read from the page-config message Streamlit sends the browser, which sets document.title.)"""
    titles = {path: ws_load(server.port, "" if path == "overview" else path)["title"] for path in PAGE_TITLES}
    assert len(set(titles.values())) == len(titles), f"pages share a <title>: {titles}"


def test_deep_link_on_a_fresh_server(tmp_path, browser):
    """The first visit after the server starts may be a shared link (?council=...). Streamlit treats an app
    whose main script sits beside a folder named `pages/` as an old-style (v1) multipage app until
    st.navigation has run once: that first visit runs pages/council.py WITHOUT app.py (no page config, no
    data check), the sidebar lists file names ('app', 'about', ...), and the whole server stays that way
    until someone opens the root URL. peer_challenges.app.serve clears that mode before the server starts."""
    srv = StreamlitServer(tmp_path / "fresh.log")
    try:
        srv.wait_ready()
        pg = browser.new_page()
        try:
            pg.goto(f"{srv.url}/council?council=brentwood", wait_until="domcontentloaded")
            wait_for_app(pg, "Brentwood")
            nav = [t.split("\n")[-1].strip() for t in pg.locator('[data-testid="stSidebarNav"] a').all_inner_texts()]
            assert nav[:2] == ["Overview", "Council"], f"first visit got Streamlit's file-name navigation: {nav}"
        finally:
            pg.close()
    finally:
        srv.stop()


def council_picker(page):
    """The council page's picker: a combobox whose accessible name mentions 'council'."""
    return page.locator('[data-testid="stMain"]').get_by_role("combobox", name=re.compile("council", re.I)).first


def test_council_picker(page, base_url):
    open_page(page, base_url, "council")
    council_picker(page).click()
    page.keyboard.type("Stroud")
    page.get_by_role("option", name=re.compile("Stroud District Council")).first.click()
    page.wait_for_url(re.compile(r"[?&]council=stroud\b"))
    wait_for_app(page, "Stroud District Council")
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Recommendations").first
    metric.wait_for()
    assert re.search(r"Recommendations\s+\d+", metric.inner_text()), metric.inner_text()
    assert page_h1(page) == "Stroud District Council"
    assert not exception_texts(page)


def _csv_rows(blob: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(blob.decode("utf-8-sig"))))


def test_explore_filter_and_download_csv(page, base_url):
    open_page(page, base_url, "explore", "Matching rows")
    before = page.locator('[data-testid="stMetric"]').filter(has_text="Matching rows").inner_text()
    # pick Brentwood in the page's Council filter (a multiselect)
    page.locator('[data-testid="stMain"]').get_by_role("combobox", name=re.compile("^Council")).first.click()
    page.keyboard.type("Brentwood")
    page.get_by_role("option", name=re.compile("Brentwood")).first.click()
    page.keyboard.press("Escape")
    settle(page)
    page.wait_for_url(re.compile(r"[?&]council=brentwood\b"))
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Matching rows")
    page.wait_for_function("el => /\\b9\\b/.test(el.innerText)", arg=metric.element_handle())
    assert metric.inner_text() != before
    with page.expect_download() as dl:
        page.get_by_role("button", name=re.compile("Download CSV")).click()
    blob = open(dl.value.path(), "rb").read()
    assert blob.startswith(b"\xef\xbb\xbf"), "CSV must start with the UTF-8 byte-order mark (Excel reads £ and accents)"
    rows = _csv_rows(blob)
    assert len(rows) == 9, f"Brentwood has 9 recommendations; the CSV has {len(rows)} rows"
    assert {r.get("council_id") for r in rows} == {"brentwood"}, {r.get("council_id") for r in rows}
    assert sum(r.get("latest_status") == "complete" for r in rows) == 2
    assert dl.value.suggested_filename.endswith(".csv")


def test_explore_link_reproduces_the_view(page, base_url):
    open_page(page, base_url, "explore", "Matching rows", query="council=brentwood")
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Matching rows").inner_text()
    assert re.search(r"\b9\b", metric), metric
    with page.expect_download() as dl:
        page.get_by_role("button", name=re.compile("Download CSV")).click()
    assert len(_csv_rows(open(dl.value.path(), "rb").read())) == 9


def test_recommendation_history(page, base_url):
    open_page(page, base_url, "council", "Stroud District Council", query="council=stroud&challenge=2019-03")
    expanders = page.locator('[data-testid="stExpander"]')
    target = expanders.filter(has_text=re.compile("CRD|Overdue|overdue")).first
    target.locator("summary").click()
    body = target.locator('[data-testid="stExpanderDetails"]')
    body.wait_for(state="visible")
    text = body.inner_text()
    assert "rolled forward" in text.lower() or "2020/21" in text, text[:800]


def test_overview_council_table_links_to_council_page(page, context, base_url):
    open_page(page, base_url, "", "Councils")
    grid = page.locator('[data-testid="stDataFrame"]').filter(
        has=page.locator('[role="columnheader"]', has_text="Council")).last
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # let the scroll settle before reading the grid's position
    first_link = grid.locator("#glide-cell-0-0").inner_text()  # e.g. council?council=ashfield#Ashfield%20...
    m = re.match(r"council\?council=([a-z0-9-]+)", first_link)
    assert m, f"the first Council cell is not a council link: {first_link!r}"
    box = grid.bounding_box()
    x, y = box["x"] + 40, box["y"] + 35 + 17  # first data row, inside the link text
    page.mouse.move(x, y)
    page.wait_for_timeout(300)
    with context.expect_page() as new_tab:
        page.mouse.click(x, y)
    council_page = new_tab.value
    council_page.wait_for_load_state("domcontentloaded")
    wait_for_app(council_page, "Recommendations")
    assert f"council={m.group(1)}" in council_page.url
    assert not exception_texts(council_page)
    council_page.close()


def test_hostile_link_runs_no_script(page, base_url):
    """?council=<script>alert(1)</script>: no dialog opens, the value shows only as text, with a notice."""
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_page(page, base_url, "council", "not recognised", query="council=%3Cscript%3Ealert(1)%3C/script%3E")
    page.wait_for_timeout(500)
    assert not dialogs, f"a script from the URL ran: {dialogs}"
    assert page.locator('[data-testid="stMain"] script').count() == 0


HOSTILE_QUERY = ("council=%3Cscript%3Ealert(1)%3C/script%3E&challenge=9999-99&type=nonsense&from=abc"
                 "&theme=%00&status=DROP&q=%27%3B%20drop%20table%20councils%3B%20--&as_of=%3Cb%3E2026")


@pytest.mark.parametrize("path", ["", "council", "themes", "slippage", "cycle", "explore", "about"])
def test_hostile_query_string_on_every_page(page, base_url, path):
    """Every hostile value at once, through the real URL parser (%00, %3C ...): the page renders its title,
    no exception, no script runs."""
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_page(page, base_url, path, query=HOSTILE_QUERY)
    assert page_h1(page), f"/{path}: no heading with a hostile query string"
    assert not dialogs, f"/{path}: a script from the URL ran: {dialogs}"
    assert "<script>" not in page.inner_html('[data-testid="stMain"]').replace("&lt;script&gt;", "")
