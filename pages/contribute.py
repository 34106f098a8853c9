"""Add or update data: a council's document (uploaded or pasted) becomes a source file for the maintainers.

The officer or adviser who holds the document reads it in, says which council and challenge it belongs to
and where it is published, corrects the draft in a table (the build's checks are shown per row, in words),
sees what it changes in the challenge already on record, and downloads the source file and a change
summary to send us. Nothing here writes into the served data (peer_challenges/app/views/contribute.py).
"""

from __future__ import annotations

import streamlit as st

from peer_challenges.analysis.narrative import escape_markdown
from peer_challenges.app import ui
from peer_challenges.app.views import contribute as view
from peer_challenges.domain.errors import UserError
from peer_challenges.domain.paths import data_dir

st.set_page_config(page_title="Add or update data · Peer Challenge Explorer")
ui.header("Add or update data",
          "Turn your council's action plan, a progress report to a committee, or the LGA's feedback report or "
          "progress review into a source file for this dashboard. **Nothing you do here changes the dashboard**: "
          "you check what we read, download a file and send it to us, and a maintainer adds it after review.")
problem = ui.data_problem()
if problem:
    ui.show_data_problem(problem)
    st.stop()

# ---- 1. the document -----------------------------------------------------------------------------
st.header("1. Your document")
how = st.radio("How will you give it?", ["Upload a file", "Paste text"], horizontal=True, key="co_how")
doc_key, reader, file_name = None, None, None
if how == "Upload a file":
    upload = st.file_uploader(
        f"Document: PDF, Word (.docx), Excel (.xlsx), CSV, web page (.html) or text; up to {view.MAX_UPLOAD_MB} MB",
        type=view.UPLOAD_TYPES, max_upload_size=view.MAX_UPLOAD_MB, key="co_file")
    if upload is not None:
        data = upload.getvalue()
        doc_key, file_name = ("file", upload.name, view.digest(data)), upload.name
        reader = lambda: view.read_upload(upload.name, data)  # noqa: E731
else:
    pasted = st.text_area("The document's text (its recommendations, or its action plan table copied from Word)",
                          height=220, key="co_text")
    if pasted.strip():
        doc_key = ("text", view.digest(pasted))
        reader = lambda: view.read_paste(pasted)  # noqa: E731

if doc_key is None:
    st.info("Upload or paste a document to begin. We read tables of recommendations with their owners, "
            "timescales and statuses, and reports that number their recommendations.", icon="📄")
    st.stop()
cached = st.session_state.get("co_draft")
if not cached or cached[0] != doc_key:
    try:
        with st.spinner("Reading the document…"):
            cached = (doc_key, reader(), None)
    except UserError as err:
        cached = (doc_key, None, str(err))
    st.session_state["co_draft"] = cached
_, draft, error = cached
if error:
    st.error(f"**We could not read this document.** {escape_markdown(error)}", icon="🚫")
    st.stop()
recs = draft.get("recommendations") or []
found = f"{len(recs)} recommendation{'' if len(recs) == 1 else 's'}"
st.success(f"Read {escape_markdown(file_name or 'the pasted text')}: {found} found.", icon="✅")

# ---- 2. council and challenge --------------------------------------------------------------------
st.header("2. Council and challenge")
council_ids, council_labels = view.council_options(ui.query)
if st.session_state.get("co_council_for") != doc_key:
    st.session_state["co_council_for"] = doc_key
    st.session_state["co_council"] = view.suggested_council(draft, council_labels)
    st.session_state["co_month"] = view.suggested_month(draft)
    st.session_state["co_kind"] = view.suggested_kind(draft)
    st.session_state["co_as_of"] = draft.get("as_of_raw") or ""
council_id = st.selectbox("Council", council_ids, format_func=council_labels.get, index=None,
                          placeholder="Type to search the councils of England", key="co_council",
                          help="Every English principal council since April 2014. A council that is not in the "
                               "list is not one we cover yet: tell us when you send the document.")
month = None
if council_id:
    keys, labels = view.challenge_options(ui.query, council_id)
    choice = st.selectbox("Which peer challenge is the document about?", keys, format_func=labels.get,
                          key=f"co_challenge_{council_id}")
    if choice == view.NEW_CHALLENGE:
        month = st.text_input("Month the peer team was on site (YYYY-MM)", key="co_month",
                              placeholder="for example 2024-03").strip()
    else:
        month = choice

# ---- 3. where it is published --------------------------------------------------------------------
st.header("3. Where it is published")
source_url = st.text_input("Web address of the document (required: every record cites its source)",
                           key="co_url", placeholder="https://www.example.gov.uk/peer-challenge-action-plan").strip()
kind = st.selectbox("What is it?", view.KIND_OPTIONS, format_func=view.kind_label, key="co_kind")
as_of = st.text_input("Statuses are as at (a date, a month or a quarter such as Q2 2024/25)", key="co_as_of",
                      help="Read from the document where it says; leave empty if it gives no date.").strip()

# ---- 4. check what we read -----------------------------------------------------------------------
st.header("4. Check what we read")
st.subheader("About the challenge")
facts = view.facts_frame(draft)
st.dataframe(facts, hide_index=True, height=35 * (len(facts) + 1) + 3)  # every fact, without scrolling
if not recs:
    st.warning("**No recommendations found.** " + view.NOT_FOUND_HELP, icon="🔎")
if draft.get("warnings"):
    with st.expander(f"Points to check ({len(draft['warnings'])})", expanded=not recs):
        st.dataframe({"What the reader noticed": draft["warnings"]}, hide_index=True)
st.subheader("Recommendations")
st.markdown("Correct any cell, add a row for a recommendation we missed, or delete a row that is not a "
            "recommendation. Write targets and statuses as the document does; the table below shows how we "
            "will read them.")
edited = st.data_editor(view.editor_frame(draft), num_rows="dynamic", key=f"co_edit_{doc_key[-1]}", hide_index=True,
                        column_config={"Full text": st.column_config.TextColumn(width="large"),
                                       "Progress note": st.column_config.TextColumn(width="medium")})
rows = view.frame_rows(edited, len(recs))
inputs_missing = view.co.check_inputs(council_id=council_id, month=month, source_url=source_url, kind=kind)
result, prepare_error = None, None
if not inputs_missing:
    try:
        result = view.prepare(ui.query, data_dir(), draft, rows, council_id=council_id, month=month,
                              source_url=source_url, kind=kind, as_of=as_of or None, file_name=file_name)
    except UserError as err:
        prepare_error = str(err)
st.markdown("**How the build will read each row**")
reading = view.reading_frame(rows, result.row_problems if result else {})
st.dataframe(reading, hide_index=True, column_config={"Check": st.column_config.TextColumn(width="large")})
n_bad = int((reading["Check"] != "OK").sum())
st.caption(f"{len(reading) - n_bad} of {len(reading)} rows read without a problem."
           + (f" {n_bad} need a look: see the Check column." if n_bad else ""))

# ---- 5. what it changes, and the file ------------------------------------------------------------
st.header("5. What it changes, and your file")
if inputs_missing:
    st.info("To make your file:\n\n" + "\n".join(f"- {p}" for p in inputs_missing), icon="✏️")  # our own words
    st.stop()
if prepare_error:
    st.error(escape_markdown(prepare_error), icon="🚫")
    st.stop()
if result.merged_into_existing:
    st.markdown(f"This challenge is on record here, so your file is its current source file with the document "
                f"added: nothing already recorded is changed or removed.")
elif result.existing_missing:
    st.warning("This challenge is on record, but its source file is not on this server: your file holds the "
               "document's record only, and the maintainers will add it to the challenge.", icon="ℹ️")
else:
    st.markdown("This challenge is not on record here yet: your file is a new source file.")
changes = view.changes_frame(result.changes)
if len(changes):
    st.dataframe(changes, hide_index=True, column_config={"Detail": st.column_config.TextColumn(width="large")})
else:
    st.info("The document adds nothing the record does not already hold.", icon="🟰")
if result.problems:
    st.error("**The build would refuse this file** until these are fixed (in the table above, or in the "
             "choices above it):\n\n" + "\n".join(f"- {escape_markdown(p)}" for p in result.problems), icon="🚫")
st.markdown(f"Your file is **{escape_markdown(result.path)}**. Send it with the summary below to the maintainers "
            "(the About page says how); they check it against the document and add it.")
left, right = st.columns(2)
left.download_button("Download the source file (YAML)", result.yaml_text, file_name=result.file_name,
                     mime="application/yaml", key="co_download_yaml", type="primary",
                     disabled=bool(result.problems))
right.download_button("Download the change summary (text)", result.summary,
                      file_name=result.file_name.replace(".yaml", "-changes.txt"), mime="text/plain",
                      key="co_download_summary")
st.subheader("Change summary")
st.code(result.summary, language=None, wrap_lines=True)
