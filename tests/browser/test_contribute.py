"""Issue 14 in a real browser: an officer uploads a Word action plan on /contribute, corrects one cell of the
draft, downloads the source file; a copy of the dataset built with that file shows the new challenge and the
corrected recommendation on the council's page. Also: an unreadable upload says why."""

from __future__ import annotations

import re

import pytest

from peer_challenges.store.build import build
from tests.conftest import LIVE_DATA, ROOT, copy_inputs

from .conftest import A11Y_RESULTS, StreamlitServer, exception_texts, open_page, render_everything, settle, wait_for_app
from .test_a11y import BLOCKING, run_axe, summarise

pytestmark = pytest.mark.browser

DOCX_PLAN = ROOT / "tests" / "fixtures" / "docx" / "action_plan.docx"
NEW_TITLE = "Make better use of performance data and benchmarking"
UPLOAD = '[data-testid="stFileUploaderDropzoneInput"]'


def _upload(page, path) -> None:
    page.locator(UPLOAD).set_input_files(str(path))
    settle(page)


def _stable_box(page, locator) -> dict:
    """The locator's bounding box once it has stopped moving (two reads 250 ms apart agree): on a loaded
    machine the page can still be laying out when the grid first appears."""
    box = locator.bounding_box()
    for _ in range(20):
        page.wait_for_timeout(250)
        again = locator.bounding_box()
        if again == box:
            return box
        box = again
    return box


def _focused(page) -> str:
    return page.evaluate("""() => { const e = document.activeElement;
        return e ? `${e.tagName} ${e.getAttribute('data-testid') || e.className || ''}`.trim() : 'nothing'; }""")


def _edit_cell(page, row: int, column: int, text: str) -> None:
    """Type into one cell of the data editor (a canvas grid): select its first cell, move with the arrow keys,
    open the cell's editor with Enter, select its text, insert the new text (as one input event, as a paste
    or an input method does) and press Enter. The grid mirrors its cells in a hidden table for assistive
    technology (role=gridcell): the edit is done when a cell there holds the text. Tried again if a layout
    shift moved the grid under the click, or if the editor did not take the text while the machine was busy
    (it is checked to hold the whole text before it is committed); the error says why each attempt failed."""
    grid = page.locator('[data-testid="stDataFrame"]').filter(has=page.locator("th", has_text="Full text")).first
    done = grid.locator('[role="gridcell"]').filter(has_text=text[:40]).first
    tried = []  # why each attempt failed, for the error message
    for _attempt in range(4):
        grid.scroll_into_view_if_needed()
        box = _stable_box(page, grid)
        page.mouse.click(box["x"] + 65, box["y"] + 35 + 17)  # the first row's "No." cell (right of the row-select box)
        for _ in range(row):
            page.keyboard.press("ArrowDown")
        for _ in range(column):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")  # open the cell editor, and wait until it has the keyboard
        try:
            page.wait_for_function(
                "() => document.activeElement && document.activeElement.tagName === 'TEXTAREA'", timeout=10_000
            )
        except Exception:
            tried.append(f"the cell editor did not take the keyboard (focus on {_focused(page)})")
            page.keyboard.press("Escape")
            continue
        page.wait_for_timeout(300)  # the editor fills in the cell's text just after it takes focus
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.insert_text(text)  # one input event, not 53 key presses a busy machine can drop
        typed = page.evaluate("() => document.activeElement && document.activeElement.value")
        if typed != text:  # keys lost (or the editor refilled itself): do not commit a half-typed cell
            tried.append(f"the editor held {typed!r} after typing (focus on {_focused(page)})")
            page.keyboard.press("Escape")
            settle(page)
            continue
        page.keyboard.press("Enter")  # commits the cell (the data editor sends the edit and the page reruns)
        settle(page)
        try:
            done.wait_for(state="attached", timeout=15_000)
            return
        except Exception:
            tried.append(f"no grid cell showed the text after Enter (focus on {_focused(page)})")
            page.keyboard.press("Escape")
    try:  # the hidden table's rows: the header first, then one per grid row
        cells = grid.locator('[role="row"]').nth(row + 1).locator('[role="gridcell"]').all_inner_texts()
    except Exception as exc:
        cells = f"unreadable ({exc})"
    raise AssertionError(f"could not type {text!r} into row {row}, column {column} of the data editor: "
                         + "; ".join(tried) + f". That row's cells now read {cells!r}")


def test_upload_correct_download_build_and_see_it(page, base_url, tmp_path, tmp_path_factory):
    open_page(page, base_url, "contribute", "Upload or paste a document to begin")
    _upload(page, DOCX_PLAN)
    wait_for_app(page, "5 recommendations found")
    _edit_cell(page, row=4, column=1, text=NEW_TITLE)  # recommendation 5's title (the grid is drawn on a canvas)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_role("combobox", name=re.compile("^Council")).first.click()
    page.keyboard.type("Middlesbrough")
    page.get_by_role("option", name=re.compile("^Middlesbrough")).first.click()
    settle(page)
    month = main.get_by_label(re.compile("Month the peer team was on site"))
    month.fill("2024-06")
    month.press("Enter")
    settle(page)
    url = main.get_by_label(re.compile("Web address of the document"))
    url.fill("https://www.middlesbrough.gov.uk/peer-challenge-action-plan.docx")
    url.press("Enter")
    settle(page)
    wait_for_app(page, "This challenge is not on record here yet")
    # the whole flow on one page: no serious accessibility problem with a draft and its file showing
    render_everything(page)
    found = summarise(run_axe(page))
    A11Y_RESULTS["contribute-with-draft"] = found
    assert not {i: found[i] for i in BLOCKING if i in found}, found
    assert not exception_texts(page)
    page.screenshot(path=str(tmp_path / "contribute.png"), full_page=True)
    with page.expect_download() as dl:
        main.get_by_role("button", name=re.compile("Download the source file")).click()
    assert dl.value.suggested_filename == "2024-06-corporate-peer-challenge.yaml"
    text = open(dl.value.path(), encoding="utf-8").read()
    assert f"title: {NEW_TITLE}" in text
    assert "url: https://www.middlesbrough.gov.uk/peer-challenge-action-plan.docx" in text

    # a maintainer adds the file and builds: the council's page shows the challenge and the corrected title
    folder = copy_inputs(LIVE_DATA, tmp_path_factory.mktemp("contributed") / "data")
    target = folder / "sources" / "middlesbrough" / dl.value.suggested_filename
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    build(data=folder, out=folder)
    srv = StreamlitServer(tmp_path / "contributed.log", env_extra={"DATA_DIR": str(folder)})
    try:
        srv.wait_ready()
        open_page(page, srv.url, "council", "June 2024 peer challenge", query="council=middlesbrough&challenge=2024-06")
        main = page.locator('[data-testid="stMain"]')
        assert "No corporate peer challenge of this council is on record here" not in main.inner_text()
        assert re.search(r"Recommendations\s+5\s+5 of 5 recorded", main.inner_text())
        # the recommendations table (a canvas grid) carries its cells' text for assistive technology
        cell = main.locator('[role="gridcell"]').filter(has_text=NEW_TITLE[:40])
        cell.first.wait_for(state="attached")
        assert cell.count() >= 1
    finally:
        srv.stop()


def test_an_unreadable_upload_says_why(page, base_url, tmp_path):
    bad = tmp_path / "plan.pdf"
    bad.write_bytes(b"PK\x03\x04 this is a zip file renamed to .pdf")
    open_page(page, base_url, "contribute", "Upload or paste a document to begin")
    _upload(page, bad)
    wait_for_app(page, "We could not read this document.")
    alert = page.locator('[data-testid="stAlert"]').filter(has_text="We could not read").inner_text()
    assert "plan.pdf" in alert and "/tmp" not in alert
