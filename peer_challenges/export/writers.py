"""The files of a table download: ``to_csv_bytes`` / ``to_xlsx_bytes`` / ``to_parquet_bytes`` (and
``to_bytes`` by format name) turn a frame of rows into a file.

Text cells that a spreadsheet would run as a formula (starting with = + - @, tab or carriage return)
are prefixed with ' in CSV and Excel (``neutralise``; ``shown_frame`` is the frame as a spreadsheet
reader sees it).

Part of peer_challenges.export (see peer_challenges.export.tables). No streamlit import here.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Iterable

import pandas as pd

from peer_challenges.analysis.narrative import records_parts
from peer_challenges.export import dictionary as dd
from peer_challenges.domain.errors import UserError
from peer_challenges.domain.status import status_words
from peer_challenges.export.filters import (
    DEFAULT_TABLE,
    FILTER_FIELDS,
    FILTER_LABELS,
    TABLE_FILTERS,
    TABLES,
    Filters,
    applicable,
    describe,
)

FORMATS = ("csv", "xlsx", "parquet")
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
LIST_SEPARATOR = "; "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_CELL_LIMIT = 32767
DATASET_NAME = "Peer Challenge Explorer"


def neutralise(value):
    """A text value a spreadsheet would run as a formula, with ' in front; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _table_of(df: pd.DataFrame, table: str | None) -> str | None:
    table = table or df.attrs.get("table")
    if table in TABLES:
        return table
    for name, cols in dd.DICTIONARY.items():  # the table whose columns these are
        if list(df.columns) == list(cols):
            return name
    return None


def _is_list_column(series: pd.Series) -> bool:
    return series.dtype == object and series.map(lambda v: isinstance(v, (list, tuple)) or hasattr(v, "tolist")
                                                   and not isinstance(v, str)).any()


def _join(value):
    if value is None or (not isinstance(value, (list, tuple)) and not hasattr(value, "tolist")):
        return value
    items = value.tolist() if hasattr(value, "tolist") else value
    return LIST_SEPARATOR.join(str(v) for v in items)


def _text_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Lists joined with '; ' and formula-like text neutralised: the frame as CSV and Excel hold it."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_datetime64_any_dtype(s) or pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            continue
        if _is_list_column(s):
            s = s.map(_join)
        out[col] = s.map(neutralise).astype(object).where(s.notna(), None)
    return out


def shown_frame(df: pd.DataFrame) -> pd.DataFrame:
    """What a spreadsheet reader sees: lists as '; '-separated text, formula-like text prefixed with '.
    (The explore page and the tests compare downloads with this.)"""
    return _text_frame(df)


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads £ and accents), dates as YYYY-MM-DD."""
    text = _text_frame(df).to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\r\n")
    return text.encode("utf-8-sig")


def _parquet_type(kind: str):
    import pyarrow as pa

    return {dd.TEXT: pa.string(), dd.INTEGER: pa.int64(), dd.DATE: pa.date32(), dd.BOOLEAN: pa.bool_(),
            dd.TEXT_LIST: pa.list_(pa.string())}[kind]


def to_parquet_bytes(df: pd.DataFrame, table: str | None = None, filters: Filters | None = None) -> bytes:
    """Typed Parquet: the dictionary's types (dates as date32, whole numbers as int64, lists as list<string>);
    the filters and generation time in the file's metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = _table_of(df, table)
    cols = dd.DICTIONARY.get(table, {}) if table else {}
    arrays, fields = [], []
    for name in df.columns:
        s = df[name]
        kind = cols[name].type if name in cols else None
        if kind == dd.DATE:
            values = [None if pd.isna(v) else pd.Timestamp(v).date() for v in s]
        elif kind == dd.TEXT_LIST:
            values = [None if v is None or (not hasattr(v, "__len__") and pd.isna(v))
                      else [str(x) for x in (v.tolist() if hasattr(v, "tolist") else v)] for v in s]
        elif kind == dd.INTEGER:
            values = [None if pd.isna(v) else int(v) for v in s]
        elif kind == dd.BOOLEAN:
            values = [None if pd.isna(v) else bool(v) for v in s]
        elif kind == dd.TEXT:
            values = [None if pd.isna(v) else str(v) for v in s]
        else:
            arr = pa.Array.from_pandas(s)
            arrays.append(arr)
            fields.append(pa.field(name, arr.type))
            continue
        typ = _parquet_type(kind)
        arrays.append(pa.array(values, type=typ))
        fields.append(pa.field(name, typ, metadata={"description": cols[name].meaning}))
    meta = {"generated_by": DATASET_NAME, "generated_at": dt.datetime.now().isoformat(timespec="seconds"),
            "table": table or ""}
    if filters is not None:
        meta["filters"] = describe(applicable(filters, table) if table else filters)
    schema = pa.schema(fields, metadata=meta)
    buf = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), buf)
    return buf.getvalue()


def _excel_value(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date() if value == value.normalize() else value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return value.item()
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if len(value) > EXCEL_CELL_LIMIT:
            value = value[: EXCEL_CELL_LIMIT - 1] + "…"
    return value


def _write_table(ws, headers: list[str], rows: Iterable[list], name: str, widths: dict[int, int] | None = None,
                 date_cols: Iterable[int] = (), link_cols: Iterable[int] = ()) -> None:
    """A sheet holding one native Excel table: header in row 1, data from row 2, first row frozen."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    ws.append(headers)
    n = 0
    lengths = [len(h) for h in headers]
    for row in rows:
        values = [_excel_value(v) for v in row]
        ws.append(values)
        n += 1
        for i, v in enumerate(values):
            if v is not None:
                lengths[i] = max(lengths[i], min(len(str(v)), 80))
    last = get_column_letter(len(headers))
    ref = f"A1:{last}{max(n + 1, 2)}"  # an Excel table needs at least one (possibly empty) data row
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True, showColumnStripes=False,
                                          showFirstColumn=False, showLastColumn=False)
    ws.add_table(table)
    ws.freeze_panes = "A2"
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, length in enumerate(lengths, start=1):
        width = (widths or {}).get(i) or min(max(length + 2, 10), 60)
        ws.column_dimensions[get_column_letter(i)].width = width
    for i in date_cols:
        letter = get_column_letter(i)
        for cell in ws[letter][1:]:
            cell.number_format = "yyyy-mm-dd"
    for i in link_cols:  # web addresses as working links (underlined, so not by colour alone)
        letter = get_column_letter(i)
        for cell in ws[letter][1:]:
            if isinstance(cell.value, str) and re.match(r"^https?://\S+$", cell.value):
                cell.hyperlink = cell.value
                cell.font = Font(underline="single", color="0563C1")


def to_xlsx_bytes(df: pd.DataFrame, filters: Filters | None = None, sources: pd.DataFrame | None = None, *,
                  table: str | None = None, generated: dt.datetime | None = None,
                  council_names: dict[str, str] | None = None) -> bytes:
    """An accessible workbook (UK Analysis Function spreadsheet guidance): a cover sheet with contents and
    notes, then one native Excel table per sheet, headers in row 1, no merged cells, no colour-only meaning:
    Data, Dictionary (every column: heading, field name, meaning, type, unit/allowed values), Filters (the
    filters used and when the file was made) and Sources (the sources behind the rows)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    filters = filters or Filters()
    table = _table_of(df, table) or DEFAULT_TABLE
    generated = generated or dt.datetime.now().replace(microsecond=0)
    cols = dd.DICTIONARY[table]
    singular, plural = dd.ROW_NOUNS[table]
    noun = singular if len(df) == 1 else plural
    held = f"{len(df)} {noun}"
    if table == "recommendations" and "record_kind" in df and len(df):  # what the records are, as Explore says
        head, kinds = records_parts(df["record_kind"].value_counts().to_dict())
        held = head + (f" ({kinds})" if kinds else "")
    sources = sources if sources is not None else pd.DataFrame(columns=list(dd.SOURCES_COLUMNS))
    summary = describe(applicable(filters, table), council_names)

    wb = Workbook()
    cover = wb.active
    cover.title = "Cover"
    data_ws = wb.create_sheet("Data")
    dict_ws = wb.create_sheet("Dictionary")
    filt_ws = wb.create_sheet("Filters")
    src_ws = wb.create_sheet("Sources")

    # cover: one paragraph per row in column A
    lines = [
        (f"Peer challenge {plural}: data download from the {DATASET_NAME}", "title"),
        (f"This workbook holds the {held} that matched the filters below, as shown on the "
         f"{DATASET_NAME}'s Explore and download page.", None),
        (f"Filters: {summary}.", None),
        (f"Generated: {generated:%d %B %Y at %H:%M}.", None),
        ("Contents", "heading"),
        (f"Data: the {len(df)} {noun}, one per row (Excel table '{_excel_name(table)}').", "#Data"),
        ("Dictionary: what every column means, its type and its unit or allowed values.", "#Dictionary"),
        ("Filters: the filters used and when this file was generated.", "#Filters"),
        (f"Sources: the {len(sources)} sources behind these rows, with web addresses.", "#Sources"),
        ("Notes", "heading"),
        ("Every status and RAG rating says who gave it in its 'assessed by' column: council (the council's own "
         "rating, also where an LGA progress review quotes it), peer_team (the peer team's finding) or unknown. "
         "Where the peers disputed the council's rating, 'peer view' holds what they said.", None),
        ("A date known only to a month, quarter, season or financial year is stored as the last day of that period; "
         "the precision column beside each date says which. UK financial years run April to March.", None),
        ("Slippage is measured against the original target date; revised targets are shown beside it.", None),
        ("The dataset may hold fewer recommendations than a report made: compare 'Recommendations recorded' with "
         "'Recommendations made' in the challenges table.", None),
        ("Text cells that began with =, +, - or @ start with an apostrophe (') so spreadsheets do not run them "
         "as formulas.", None),
        ("Source: LGA corporate peer challenge feedback reports, progress reviews and council documents; each "
         "row's web address is in its source column and on the Sources sheet.", None),
    ]
    for r, (text, kind) in enumerate(lines, start=1):
        cell = cover.cell(row=r, column=1, value=text)
        if kind == "title":
            cell.font = Font(bold=True, size=16)
        elif kind == "heading":
            cell.font = Font(bold=True, size=13)
        elif kind and kind.startswith("#"):
            cell.hyperlink = f"{kind}!A1"
            cell.font = Font(underline="single", color="0563C1")
    cover.column_dimensions["A"].width = 120

    # data
    text = _text_frame(df)
    headers = [cols[c].label if c in cols else c for c in df.columns]
    date_cols = [i for i, c in enumerate(df.columns, start=1) if c in cols and cols[c].type == dd.DATE]
    link_cols = [i for i, c in enumerate(df.columns, start=1) if c in cols and cols[c].values == "URL"]
    _write_table(data_ws, headers, text.itertuples(index=False, name=None), name=_excel_name(table),
                 date_cols=date_cols, link_cols=link_cols)

    # dictionary: the exported columns, in order
    dict_rows = [[r["Column heading"], r["Field name"], r["Meaning"], r["Type"], r["Unit or allowed values"]]
                 for r in dd.rows(table) if r["Field name"] in set(df.columns)]
    dict_rows.sort(key=lambda r: list(df.columns).index(r[1]))
    dict_rows += [[c, c, "(not described)", "", ""] for c in df.columns if c not in cols]
    _write_table(dict_ws, ["Column heading", "Field name", "Meaning", "Type", "Unit or allowed values"],
                 dict_rows, name="Dictionary", widths={1: 30, 2: 28, 3: 90, 4: 14, 5: 60})

    # filters used
    applies = TABLE_FILTERS[table]
    filt_rows = [["Table", dd.TABLE_LABELS[table], ""], ["Rows", len(df), ""],
                 ["Generated", generated.isoformat(sep=" "), ""]]
    for field in FILTER_FIELDS:
        value = _filter_value_text(filters, field, council_names)
        note = "" if field in applies else ("not applied: this table has no such column" if value != "(all)" else "")
        filt_rows.append([FILTER_LABELS[field], value, note])
    _write_table(filt_ws, ["Item", "Value", "Note"], filt_rows, name="Filters", widths={1: 22, 2: 70, 3: 45})

    # sources
    src_cols = dd.SOURCES_COLUMNS
    src = sources.reindex(columns=list(src_cols))
    src_text = _text_frame(src)
    _write_table(src_ws, [c.label for c in src_cols.values()], src_text.itertuples(index=False, name=None),
                 name="Sources", widths={5: 60, 9: 70},
                 date_cols=[i for i, c in enumerate(src_cols.values(), start=1) if c.type == dd.DATE],
                 link_cols=[list(src_cols).index("url") + 1])

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _excel_name(table: str) -> str:
    return {"recommendations": "Recommendations", "updates": "ProgressUpdates", "challenges": "Challenges",
            "councils": "Councils", "council_register": "Register"}[table]


def _filter_value_text(filters: Filters, field: str, council_names: dict[str, str] | None) -> str:
    if field == "years":
        if filters.year_from is None and filters.year_to is None:
            return "(all)"
        return f"{filters.year_from if filters.year_from is not None else '…'}–" \
               f"{filters.year_to if filters.year_to is not None else '…'}"
    value = getattr(filters, field)
    if not value:
        return "(all)"
    if field == "search":
        return neutralise(value)
    if field == "councils":
        return ", ".join(f"{(council_names or {}).get(c, c)} ({c})" for c in value)
    if field == "statuses":
        return ", ".join(f"{status_words(s, icon=False)} ({s})" for s in value)
    return ", ".join(value)


def to_bytes(fmt: str, df: pd.DataFrame, filters: Filters, sources: pd.DataFrame | None = None,
             table: str | None = None, council_names: dict[str, str] | None = None) -> bytes:
    if fmt == "csv":
        return to_csv_bytes(df)
    if fmt == "xlsx":
        return to_xlsx_bytes(df, filters, sources, table=table, council_names=council_names)
    if fmt == "parquet":
        return to_parquet_bytes(df, table=table, filters=filters)
    raise UserError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
