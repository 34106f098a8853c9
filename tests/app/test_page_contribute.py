"""The Contribute page through app.py (AppTest) on the fixture dataset: a pasted action plan for Brentwood's
challenge on record, the choices it needs before it makes a file, and what it says it changes. (Uploading a
file is driven in a real browser: tests/browser/test_contribute.py.)"""

from __future__ import annotations

from tests.conftest import ROOT

SEED_PLAN = ROOT / "tests" / "fixtures" / "seeds" / "001_38b853c589099239.txt"


def test_paste_choose_and_download(make_app, on_fixture):
    at = make_app("contribute").run()
    assert not at.exception
    assert at.title[0].value == "Add or update data"
    assert at.info[0].value.startswith("Upload or paste a document to begin")
    at.radio(key="co_how").set_value("Paste text").run()
    text = SEED_PLAN.read_text(encoding="utf-8").replace("May 24 Complete", "May 24 Ongoing", 1)
    at.text_area(key="co_text").input(text).run()
    assert not at.exception
    assert at.success[0].value == "Read the pasted text: 9 recommendations found."
    # without a council, month and address there is no file yet, and the page says what is missing
    assert "Choose the council the document is about." in at.info[-1].value
    assert not at.get("download_button")
    at.selectbox(key="co_council").set_value("brentwood").run()
    at.selectbox(key="co_challenge_brentwood").set_value("2024-03").run()
    at.text_input(key="co_url").input("www.brentwood.gov.uk").run()
    assert "every record cites its source" in at.info[-1].value
    at.text_input(key="co_url").input("https://www.brentwood.gov.uk/corporate-peer-review").run()
    at.text_input(key="co_as_of").input("2025-01-31").run()
    assert not at.exception
    reading = at.dataframe[-2].value  # how the build reads each row
    assert reading.loc[2, ["No.", "Target date", "Status", "Check"]].tolist() == ["3", "May 2024", "Ongoing", "OK"]
    changes = at.dataframe[-1].value
    assert changes.iloc[0].tolist() == ["New status update (added to the history)", "3", "Ongoing, as at 2025-01-31"]
    assert [b.label for b in at.get("download_button")] == ["Download the source file (YAML)",
                                                             "Download the change summary (text)"]
    summary = at.code[0].value
    assert "New status updates (1), added to each recommendation's history: 3 Ongoing." in summary
    assert "File: data/sources/brentwood/2024-03-corporate-peer-challenge.yaml (replaces the current file)" in summary


def test_a_document_with_no_recommendations_says_what_was_looked_for(make_app, on_fixture):
    at = make_app("contribute").run()
    at.radio(key="co_how").set_value("Paste text").run()
    at.text_area(key="co_text").input("Minutes of the meeting. Apologies were received.").run()
    assert not at.exception
    warning = at.warning[0].value
    assert warning.startswith("**No recommendations found.** We looked for a table with a header row naming")
    assert "Key recommendations" in warning
