"""The Contribute page's figures and tables (plain functions; no streamlit): a document read into a draft,
the draft as a table a person corrects, how the build will read each row, and the reviewed source file
with its change summary. Nothing here writes into the served data: an upload is read in a scratch folder
that is removed at once, and the result is text for the browser to download.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from peer_challenges.domain.dates import period_label, try_parse_date
from peer_challenges.domain.errors import UserError
from peer_challenges.domain.status import status_words
from peer_challenges.domain.vocab import COUNCIL_TYPE_LABELS
from peer_challenges.sources import contribute as co
from peer_challenges.sources.extract import HEADER_HELP, MAX_BYTES, SUPPORTED_EXTS, extract_file, extract_text
from peer_challenges.sources.sourcefile import dump_source, load_source
from peer_challenges.store.build import check_source_record

UPLOAD_TYPES = [e.lstrip(".") for e in SUPPORTED_EXTS]
MAX_UPLOAD_MB = MAX_BYTES // 1024 // 1024
MAX_PASTE_CHARS = 2_000_000
NEW_CHALLENGE = "__new__"
# editor column -> row field (sources.contribute.ROW_FIELDS)
EDITOR_COLUMNS = {"No.": "number", "Title": "title", "Full text": "text", "Target as written": "target_raw",
                  "Status as written": "status_raw", "Owner": "owner", "Progress note": "note"}
KIND_OPTIONS = list(co.DOCUMENT_KINDS)


def kind_label(kind: str) -> str:
    return co.DOCUMENT_KINDS[kind].label[0].upper() + co.DOCUMENT_KINDS[kind].label[1:]


def digest(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()[:16]


def read_upload(name: str, data: bytes) -> dict:
    """The draft from an uploaded file. UserError (naming the file, never a server path) when it cannot
    be read: too big, a type we do not read, or whatever the reader says is wrong with it."""
    safe = re.sub(r"[^A-Za-z0-9._ -]+", "_", Path(name or "document").name).strip() or "document"
    ext = Path(safe).suffix.lower()
    if len(data) > MAX_BYTES:
        raise UserError(f"{safe}: the file is {len(data) / 1024 / 1024:.1f} MB, over the {MAX_UPLOAD_MB} MB limit "
                        "for one document; send the relevant pages, or send it to us by email")
    if ext not in SUPPORTED_EXTS:
        raise UserError(f"{safe}: we cannot read {ext or 'files without an extension'}; send a PDF, Word (.docx), "
                        "Excel (.xlsx), CSV, web page (.html) or text file")
    with tempfile.TemporaryDirectory(prefix="contribute-") as tmp:
        path = Path(tmp) / safe
        path.write_bytes(data)
        try:
            return extract_file(path)
        except UserError as err:
            raise UserError(str(err).replace(str(path), safe).replace(tmp, "")) from None


def read_paste(text: str) -> dict:
    if not text or not text.strip():
        raise UserError("Paste the document's text (its recommendations, or its action plan table) first.")
    if len(text) > MAX_PASTE_CHARS:
        raise UserError(f"The pasted text is {len(text):,} characters, over the {MAX_PASTE_CHARS:,} limit; paste "
                        "the recommendations or the action plan only.")
    return extract_text(text, source_name="pasted text")


def facts_frame(draft: dict) -> pd.DataFrame:
    """What the document says about the challenge (one row per fact the reader looks for; 'not found' for
    the ones it does not give)."""
    raw = draft.get("challenge_raw") or {}
    ch = draft.get("challenge") or {}
    rows = []
    for key, label in (("onsite_start", "Peer team on site from"), ("onsite_end", "Peer team on site until"),
                       ("report_published", "Feedback report published"),
                       ("action_plan_approved", "Action plan approved"),
                       ("progress_review_onsite", "Progress review on site")):
        value = ch.get(key)
        rows.append({"Fact": label, "Found in the document": (
            period_label(value, ch.get(f"{key}_precision")) + f" (written “{raw.get(key)}”)" if value else "not found")})
    for key, label in (("people_met", "People met"), ("meetings_held", "Meetings held"),
                       ("peer_team_size", "Peer team size"), ("recommendations_total", "Recommendations the report says it made")):
        value = raw.get(key)
        more = " or more" if raw.get(f"{key}_lower_bound") else ""
        rows.append({"Fact": label, "Found in the document": f"{value}{more}" if value is not None else "not found"})
    rows.append({"Fact": "Recommendations found", "Found in the document": str(len(draft.get("recommendations") or []))})
    rows.append({"Fact": "Statuses are as at", "Found in the document": (
        period_label(*_date_parts(draft.get("as_of_raw"))) if draft.get("as_of_raw") else "not found")})
    return pd.DataFrame(rows)


def _date_parts(text):
    parsed = try_parse_date(text)
    return parsed.value, parsed.precision


def editor_frame(draft: dict) -> pd.DataFrame:
    """The draft's recommendations as the editable table (index: the draft row each came from)."""
    rows = co.draft_rows(draft)
    frame = pd.DataFrame([{col: r.get(field) for col, field in EDITOR_COLUMNS.items()} for r in rows],
                         columns=list(EDITOR_COLUMNS))
    return frame.astype("object").where(frame.notna(), None)


def frame_rows(frame: pd.DataFrame, n_draft: int) -> list[dict]:
    """The edited table back as rows (sources.contribute.ROW_FIELDS plus _draft_row: the draft row a table
    row came from, None for a row the person added)."""
    rows = []
    for index, values in frame.iterrows():
        row = {EDITOR_COLUMNS[col]: (None if pd.isna(v) else str(v)) for col, v in values.items() if col in EDITOR_COLUMNS}
        row["_draft_row"] = int(index) if isinstance(index, (int,)) or str(index).isdigit() else None
        if row["_draft_row"] is not None and row["_draft_row"] >= n_draft:
            row["_draft_row"] = None
        rows.append(row)
    return rows


def reading_frame(rows: list[dict], build_problems: dict[int, list[str]]) -> pd.DataFrame:
    """How the build will read each row: the target's date, the status it maps to, and what to check."""
    out = []
    for i, row in enumerate(rows):
        read = co.read_row(row)
        problems = read["problems"] + build_problems.get(i, [])
        out.append({"Row": i + 1, "No.": read["number"] or "(none)",
                    "Target date": read["target_words"],
                    "Status": status_words(read["status"], icon=False) if read["status"] else
                    (f"RAG {read['rag']}" if read["rag"] else "none"),
                    "Check": "; ".join(problems) if problems else "OK"})
    return pd.DataFrame(out, columns=["Row", "No.", "Target date", "Status", "Check"])


def council_options(query) -> tuple[list[str], dict[str, str]]:
    """Every council in the register (and any on record here that the register names otherwise), by name."""
    frame = query("contribute__councils")
    labels = {}
    for r in frame.itertuples():
        kind = COUNCIL_TYPE_LABELS.get(r.council_type, r.council_type or "type not known")
        ended = f", abolished {r.valid_to:%-d %B %Y}" if r.valid_to is not None and not pd.isna(r.valid_to) else ""
        labels[r.council_id] = f"{r.name} ({kind}, {r.region or 'region not known'}{ended})"
    return list(labels), labels


def challenge_options(query, council_id: str) -> tuple[list[str], dict[str, str]]:
    """The council's challenges on record (by on-site month) and the choice of a new one."""
    frame = query("council__challenges", council_id=council_id)
    labels = {}
    for r in frame.itertuples():
        if r.challenge_month:
            labels[r.challenge_month] = (f"On site {period_label(r.onsite_start, r.onsite_start_precision)} "
                                         f"({r.recommendations_recorded} recommendations on record)")
    labels[NEW_CHALLENGE] = "A challenge not on record here yet"
    return list(labels), labels


def suggested_month(draft: dict) -> str:
    value = (draft.get("challenge") or {}).get("onsite_start")
    return value[:7] if value else ""


def council_block(query, council_id: str) -> dict:
    """The council block a new source file of ``council_id`` carries (query contribute__council: the one its
    source files give, else its register entry); UserError when the council is in neither."""
    block = query("contribute__council", council_id=council_id)
    if block.empty:
        raise UserError(f"{council_id!r} is not a council in the register (data/register/councils.csv) nor on "
                        "record here; expected the id of an English principal council, e.g. 'castle-point'")
    return {k: (None if pd.isna(v) else v) for k, v in block.iloc[0].to_dict().items()}


def challenge_source_file(query, council_id: str, month: str) -> str | None:
    """The source file (relative to the data folder) of the council's challenge on site in ``month``, or None."""
    found = query("contribute__challenge_file", council_id=council_id, month=month)
    return found["source_file"].iloc[0] if len(found) else None


@dataclass
class Result:
    record: dict
    yaml_text: str
    file_name: str             # <YYYY-MM>-corporate-peer-challenge.yaml
    path: str                  # data/sources/<council_id>/<file_name>
    summary: str
    changes: co.Changes
    problems: list[str] = field(default_factory=list)             # the build's, not tied to a row
    row_problems: dict[int, list[str]] = field(default_factory=dict)  # row index -> the build's problems
    merged_into_existing: bool = False
    existing_missing: bool = False  # the challenge is on record but its source file is not on this server


def prepare(query, data_dir, draft: dict, rows: list[dict], *, council_id: str, month: str, source_url: str,
            kind: str, as_of: str | None, file_name: str | None) -> Result:
    """The source file the contributor downloads: their rows made into a record, merged into the challenge's
    existing file when it is on record, checked the way the build checks it."""
    problems = co.check_inputs(council_id=council_id, month=month, source_url=source_url, kind=kind)
    if problems:
        raise UserError(" ".join(problems))
    council = council_block(query, council_id)
    record = co.record_from_rows(draft, rows, council=council, month=month, source_url=source_url, kind=kind,
                                 as_of=as_of, file_name=file_name)
    on_record = challenge_source_file(query, council_id, month)
    existing_path = Path(data_dir) / on_record if on_record else None
    merged_into, missing = False, False
    if existing_path is not None and existing_path.is_file():
        record, changes = co.merge_record(load_source(existing_path), record)
        name, merged_into = existing_path.name, True
    else:
        missing = existing_path is not None
        changes = co.new_challenge_changes(record)
        name = f"{month}-corporate-peer-challenge.yaml"
    path = f"data/sources/{council_id}/{name}"
    found = check_source_record(record, name, data_dir)
    row_problems: dict[int, list[str]] = {}
    general = []
    kept = [i for i, r in enumerate(rows) if co.clean(r.get("title")) or co.clean(r.get("text"))]
    offset = len(record["recommendations"]) - len(kept) if merged_into else 0
    for line in found:
        m = re.match(r"recommendations\[(\d+)\][^.:]*\.?([^:]*): (.*)", line)
        at = int(m.group(1)) - offset if m else -1
        if m and 0 <= at < len(kept) and not merged_into:
            row_problems.setdefault(kept[at], []).append(f"{m.group(2) or 'row'}: {m.group(3)}")
        else:
            general.append(line)
    header = ("# " + ("Changes to" if merged_into else "New source file") + f" {path}, from {file_name or 'a document'}"
              f" ({source_url}); reviewed on the Contribute page.\n")
    summary = co.change_summary(changes, council_name=council["name"], month=month, path=path,
                                source_url=source_url, kind=kind, file_name=file_name)
    if missing:
        summary += ("The challenge is on record but its source file is not on this server: the maintainers "
                    "will add this record to it (python -m peer_challenges extract --merge-into).\n")
    return Result(record=record, yaml_text=header + dump_source(record), file_name=name, path=path, summary=summary,
                  changes=changes, problems=general, row_problems=row_problems, merged_into_existing=merged_into,
                  existing_missing=missing)


def changes_frame(changes: co.Changes) -> pd.DataFrame:
    """What the document changes, one row per change, for the page's table."""
    rows = [{"Change": "New recommendation", "No.": n, "Detail": t} for n, t in changes.new_recommendations]
    rows += [{"Change": "New status update (added to the history)", "No.": n,
              "Detail": f"{w}" + (f", as at {a}" if a else ", no date")} for n, a, w in changes.new_updates]
    rows += [{"Change": "Changed target (recorded as a revised target)", "No.": n, "Detail": f"{a} → {b}"}
             for n, a, b in changes.changed_targets]
    rows += [{"Change": "Target added", "No.": n, "Detail": t} for n, t in changes.targets_added]
    rows += [{"Change": "Already recorded (not added again)", "No.": n, "Detail": ""} for n in changes.unchanged_updates]
    rows += [{"Change": "Challenge fact differs (kept as recorded)", "No.": "", "Detail": f"{k}: recorded {a}, document {b}"}
             for k, a, b in changes.facts_differ]
    rows += [{"Change": "Wording differs (file's wording kept)", "No.": n, "Detail": ""} for n in changes.wording_differs]
    frame = pd.DataFrame(rows, columns=["Change", "No.", "Detail"])
    frame["No."] = frame["No."].map(lambda v: "(none)" if v is None else str(v))
    return frame


NOT_FOUND_HELP = ("We looked for a table with " + HEADER_HELP + "; for “Recommendation 1” headings or "
                  "“Recommendation 1:” lines; and for a numbered or bulleted list under a “Key recommendations” "
                  "heading. If the document has its recommendations in another layout, add them in the table "
                  "below (one row each) or send us the document as it is.")


def suggested_council(draft: dict, labels: dict[str, str]) -> str | None:
    """The council the document names, when exactly one council's name matches it."""
    name = ((draft.get("council") or {}).get("name") or "").lower()
    if not name:
        return None
    core = re.sub(r"\b(borough|district|city|county|metropolitan|council|of|the|royal)\b", " ", name)
    core = re.sub(r"\s+", " ", core).strip()
    hits = [cid for cid, label in labels.items() if core and label.lower().split(" (")[0].startswith(core)]
    return hits[0] if len(hits) == 1 else None


def suggested_kind(draft: dict) -> str:
    recs = draft.get("recommendations") or []
    if any(r.get("status_raw") or r.get("rag") for r in recs):
        return "progress_report" if (draft.get("source") or {}).get("kind") == "committee_report" else "action_plan"
    return "feedback_report"
