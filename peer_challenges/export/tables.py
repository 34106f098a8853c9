"""Filtered tables and their downloads: the explore page and ``python -m peer_challenges export`` share
this code, so the CLI writes exactly the rows the page shows.

- ``Filters``: what the user chose; ``resolve_filters`` reads raw values (URL or command line) against
  the vocabularies and says which it did not recognise.
- ``filtered_table(filters, table)`` runs the named query ``explore__<table>`` (every value bound by
  DuckDB, never spliced into SQL).
- ``to_csv_bytes`` / ``to_xlsx_bytes`` / ``to_parquet_bytes`` turn the frame into a file;
  ``default_filename`` names it after what is inside and when.

Text cells that a spreadsheet would run as a formula (starting with = + - @, tab or carriage return)
are prefixed with ' in CSV and Excel. No streamlit import here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import pandas as pd

from peer_challenges.export import dictionary as dd
from peer_challenges.domain.errors import UserError
from peer_challenges.domain.vocab import CORE_THEMES, COUNCIL_TYPES, REGIONS, STATUSES
from peer_challenges.domain.status import status_words

FORMATS = ("csv", "xlsx", "parquet")
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
TABLES = dd.TABLES
DEFAULT_TABLE = "recommendations"
STATUS_VALUES = (*STATUSES, dd.NOT_REPORTED)
BUCKETS = dd.SLIPPAGE_BUCKETS
LIST_SEPARATOR = "; "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_CELL_LIMIT = 32767
DATASET_NAME = "Peer Challenge Explorer"

Runner = Callable[..., pd.DataFrame]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


THEME_SLUGS = {_slug(t): t for t in CORE_THEMES}


def theme_slug(theme: str) -> str:
    """'Governance and culture' -> 'governance-and-culture' (how a core theme is written in a link)."""
    return _slug(theme)


@dataclass(frozen=True)
class Filters:
    """The filters in force. Empty tuples and None mean "no filter"."""

    councils: tuple[str, ...] = ()
    council_types: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    themes: tuple[str, ...] = ()  # core themes, full names
    topics: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()  # latest status; "not_reported" = no status recorded
    buckets: tuple[str, ...] = ()  # slippage buckets
    search: str | None = None

    def __post_init__(self):
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name in ("year_from", "year_to"):
                object.__setattr__(self, f.name, None if value is None else int(value))
            elif f.name == "search":
                text = (value or "").strip()
                object.__setattr__(self, f.name, text or None)
            else:  # lists: keep order, drop blanks and repeats
                items = [value] if isinstance(value, str) else list(value or ())
                object.__setattr__(self, f.name, tuple(dict.fromkeys(str(v) for v in items if v)))

    def is_empty(self) -> bool:
        return self == Filters()


# which filters each table can use; the others are ignored for it (and the page says so)
FILTER_FIELDS = ("councils", "council_types", "regions", "years", "themes", "topics", "statuses", "buckets", "search")
FILTER_LABELS = {
    "councils": "Council", "council_types": "Council type", "regions": "Region", "years": "On-site years",
    "themes": "Core theme", "topics": "Topic", "statuses": "Latest status", "buckets": "Slippage bucket",
    "search": "Search",
}
TABLE_FILTERS = {
    "recommendations": set(FILTER_FIELDS),
    "updates": set(FILTER_FIELDS),
    "challenges": {"councils", "council_types", "regions", "years"},
    "councils": {"councils", "council_types", "regions"},
}


def _is_set(filters: Filters, field: str) -> bool:
    if field == "years":
        return filters.year_from is not None or filters.year_to is not None
    return bool(getattr(filters, field))


def ignored_filters(filters: Filters, table: str) -> list[str]:
    """Labels of the filters that are set but do not apply to ``table``."""
    return [FILTER_LABELS[f] for f in FILTER_FIELDS if _is_set(filters, f) and f not in TABLE_FILTERS[table]]


def applicable(filters: Filters, table: str) -> Filters:
    """``filters`` without those that do not apply to ``table``."""
    applies = TABLE_FILTERS[table]
    drop: dict = {}
    if "years" not in applies:
        drop.update(year_from=None, year_to=None)
    for field in ("themes", "topics", "statuses", "buckets", "search"):
        if field not in applies:
            drop[field] = None if field == "search" else ()
    return dataclasses.replace(filters, **drop)


def query_params(filters: Filters, table: str) -> dict:
    """The bound parameters of explore__<table>: only the filters that apply to it (lists or None)."""
    applies = TABLE_FILTERS[table]
    params: dict = {}
    for field in ("councils", "council_types", "regions"):
        params[field] = list(getattr(filters, field)) or None
    if "years" in applies:
        params["year_from"], params["year_to"] = filters.year_from, filters.year_to
    if "themes" in applies:
        for field in ("themes", "topics", "statuses", "buckets"):
            params[field] = list(getattr(filters, field)) or None
        params["search"] = filters.search
    return params


def _runner(run: Runner | None) -> Runner:
    if run is not None:
        return run
    from peer_challenges.store.db import run_query

    return run_query


def filtered_table(filters: Filters, table: str = DEFAULT_TABLE, run: Runner | None = None,
                   limit: int | None = None) -> pd.DataFrame:
    """The rows of ``table`` that match ``filters``, with the columns the dictionary describes; only the
    first ``limit`` of them (in the table's order) when a limit is given.

    ``run`` runs a named query (default data.run_query; the page passes its cached ui.query)."""
    if table not in TABLES:
        raise UserError(f"unknown table {table!r}; choose one of: {', '.join(TABLES)}")
    params = query_params(filters, table)
    if limit is not None:
        params["limit"] = int(limit)
    df = _runner(run)(f"explore__{table}", **params)
    for name, col in dd.columns(table).items():  # whole numbers stay whole (a SUM can come back as float)
        if col.type == dd.INTEGER and name in df and not pd.api.types.is_integer_dtype(df[name]):
            df[name] = df[name].astype("Int64")
    df.attrs["table"] = table
    return df


def sources_for(df: pd.DataFrame, table: str, run: Runner | None = None) -> pd.DataFrame:
    """The sources behind the rows of ``df``: those its source columns name; for challenges every source
    of those challenges, for councils every source of those councils."""
    ids: set[str] = set()
    for col in ("source_id", "latest_source_id"):
        if col in df:
            ids.update(str(v) for v in df[col].dropna())
    params = {
        "source_ids": sorted(ids) or None,
        "challenge_ids": sorted(df["challenge_id"].dropna().astype(str).unique()) or None
        if table == "challenges" else None,
        "council_ids": sorted(df["council_id"].dropna().astype(str).unique()) or None
        if table == "councils" else None,
    }
    if not any(params.values()):
        return pd.DataFrame(columns=list(dd.SOURCES_COLUMNS))
    return _runner(run)("explore__sources", **params)


# ---- reading filter values (URL or command line) --------------------------------------------------


def _norm(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(value).strip().lower())


def _match(value: str, vocabulary: Iterable[str], aliases: dict[str, str] | None = None) -> str | None:
    vocabulary = list(vocabulary)
    if value in vocabulary:
        return value
    lookup = {_norm(v): v for v in vocabulary}
    lookup.update({_norm(k): v for k, v in (aliases or {}).items()})
    return lookup.get(_norm(value))


@dataclass
class Resolved:
    filters: Filters
    ignored: list[tuple[str, str]]  # (filter label, value as given)


def resolve_filters(raw: dict, *, councils: Iterable[str], topics: Iterable[str]) -> Resolved:
    """Read raw filter values against the vocabularies.

    ``raw`` has the Filters field names as keys (lists of strings; year_from/year_to/search as single
    values). Values not in the vocabulary (a council id that does not exist, a status we do not use)
    are dropped and listed in ``ignored``; themes may be given by name or slug (governance-and-culture).
    """
    ignored: list[tuple[str, str]] = []
    vocab = {
        "councils": (list(councils), None),
        "council_types": (COUNCIL_TYPES, None),
        "regions": (REGIONS, None),
        "themes": (CORE_THEMES, THEME_SLUGS),
        "topics": (list(topics), None),
        "statuses": (STATUS_VALUES, {"no status": dd.NOT_REPORTED, "none": dd.NOT_REPORTED}),
        "buckets": (BUCKETS, None),
    }
    values: dict = {}
    for field, (words, aliases) in vocab.items():
        given = raw.get(field) or ()
        given = [given] if isinstance(given, str) else list(given)
        kept = []
        for value in given:
            if value is None or str(value).strip() == "":
                continue
            found = _match(str(value), words, aliases)
            if found is None:
                ignored.append((FILTER_LABELS[field], str(value)))
            else:
                kept.append(found)
        values[field] = tuple(kept)
    for field in ("year_from", "year_to"):
        value = raw.get(field)
        if value is None or str(value).strip() == "":
            values[field] = None
            continue
        try:
            values[field] = int(str(value).strip())
        except ValueError:
            ignored.append((FILTER_LABELS["years"], str(value)))
            values[field] = None
    if values["year_from"] is not None and values["year_to"] is not None and values["year_from"] > values["year_to"]:
        values["year_from"], values["year_to"] = values["year_to"], values["year_from"]
    values["search"] = raw.get("search")
    return Resolved(Filters(**values), ignored)


def describe(filters: Filters, council_names: dict[str, str] | None = None,
             topic_labels: dict[str, str] | None = None) -> str:
    """One line saying which filters are in force, e.g. 'Council: Brentwood Borough Council; Latest status:
    Complete'. Plain text (callers escape it for the screen)."""
    council_names = council_names or {}
    topic_labels = topic_labels or {}
    parts = []
    if filters.councils:
        parts.append("Council: " + ", ".join(council_names.get(c, c) for c in filters.councils))
    if filters.council_types:
        parts.append("Council type: " + ", ".join(t.replace("_", " ") for t in filters.council_types))
    if filters.regions:
        parts.append("Region: " + ", ".join(filters.regions))
    if filters.year_from is not None or filters.year_to is not None:
        lo = filters.year_from if filters.year_from is not None else "…"
        hi = filters.year_to if filters.year_to is not None else "…"
        parts.append(f"On site {lo}–{hi}" if lo != hi else f"On site {lo}")
    if filters.themes:
        parts.append("Core theme: " + ", ".join(filters.themes))
    if filters.topics:
        parts.append("Topic: " + ", ".join(topic_labels.get(t, t) for t in filters.topics))
    if filters.statuses:
        parts.append("Latest status: " + ", ".join(status_words(s, icon=False) for s in filters.statuses))
    if filters.buckets:
        parts.append("Slippage: " + ", ".join(dd.SLIPPAGE_BUCKET_LABELS[b] for b in filters.buckets))
    if filters.search:
        shown = filters.search if len(filters.search) <= 60 else filters.search[:57] + "…"
        parts.append(f"Text contains “{shown}”")
    return "; ".join(parts) if parts else "No filters: every row"


def topic_labels(topic_ids: Iterable[str] = ()) -> dict[str, str]:
    """Topic id -> its plain-English label from the taxonomy (falls back to the id in words)."""
    from peer_challenges.domain.taxonomy import topic_labels as labels

    return {**{t: str(t).replace("_", " ").capitalize() for t in topic_ids}, **labels()}


def default_filename(filters: Filters, table: str = DEFAULT_TABLE, fmt: str = "csv",
                     today: dt.date | None = None) -> str:
    """peer-challenges_brentwood_2026-11-22.xlsx; peer-challenges_recommendations_district_2019-2024_<date>.csv

    The table name is included unless it is the default table filtered only by council."""
    today = today or dt.date.today()
    parts = []
    only_councils = bool(filters.councils) and dataclasses.replace(filters, councils=()).is_empty()
    if table != DEFAULT_TABLE or not only_councils:
        parts.append(table)
    if filters.councils:
        parts.append("-".join(filters.councils) if len(filters.councils) <= 3 else f"{len(filters.councils)}-councils")
    parts += [_slug(t) for t in filters.council_types]
    parts += [_slug(r) for r in filters.regions] if len(filters.regions) <= 2 else [f"{len(filters.regions)}-regions"]
    if "years" in TABLE_FILTERS[table] and (filters.year_from is not None or filters.year_to is not None):
        lo, hi = filters.year_from, filters.year_to
        parts.append(str(lo) if lo == hi else f"{lo if lo is not None else 'to'}-{hi if hi is not None else 'on'}")
    if "themes" in TABLE_FILTERS[table]:
        parts += [_slug(t) for t in filters.themes] if len(filters.themes) <= 2 else ["several-themes"]
        parts += [_slug(t) for t in filters.topics] if len(filters.topics) <= 2 else ["several-topics"]
        parts += [_slug(s) for s in filters.statuses]
        parts += [_slug(b) for b in filters.buckets]
        if filters.search:
            parts.append("search")
    stem = "_".join(["peer-challenges", *[p for p in parts if p]])
    if len(stem) > 110:
        stem = stem[:110].rstrip("_-")
    return f"{stem}_{today.isoformat()}.{fmt}"


# ---- the file formats -----------------------------------------------------------------------------


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
        (f"This workbook holds the {len(df)} {noun} that matched the filters below, as shown on the "
         f"{DATASET_NAME}'s Explore and download page.", None),
        (f"Filters: {summary}.", None),
        (f"Generated: {generated:%d %B %Y at %H:%M}.", None),
        ("Contents", "heading"),
        (f"Data: the {len(df)} {noun}, one per row (Excel table '{_excel_name(table)}').", "#Data"),
        ("Dictionary: what every column means, its type and its unit or allowed values.", "#Dictionary"),
        ("Filters: the filters used and when this file was generated.", "#Filters"),
        (f"Sources: the {len(sources)} sources behind these rows, with web addresses.", "#Sources"),
        ("Notes", "heading"),
        ("Statuses and RAG ratings are the council's own (self-reported) assessment unless the 'assessed by' "
         "column says peer_review.", None),
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
            "councils": "Councils"}[table]


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


# ---- command line -------------------------------------------------------------------------------


def cli_command(filters: Filters, table: str = DEFAULT_TABLE, fmt: str = "csv") -> str:
    """The ``python -m peer_challenges export`` command that writes these rows (for showing on the page)."""
    import shlex

    args = ["python", "-m", "peer_challenges", "export", "--format", fmt]
    if table != DEFAULT_TABLE:
        args += ["--table", table]
    f = applicable(filters, table)
    for flag, values in (("--council", f.councils), ("--council-type", f.council_types), ("--region", f.regions),
                         ("--theme", [theme_slug(t) for t in f.themes]), ("--topic", f.topics),
                         ("--status", f.statuses), ("--bucket", f.buckets)):
        for v in values:
            args += [flag, v]
    if f.year_from is not None:
        args += ["--from-year", str(f.year_from)]
    if f.year_to is not None:
        args += ["--to-year", str(f.year_to)]
    if f.search:
        args += ["--search", f.search]
    args += ["-o", default_filename(filters, table, fmt)]
    return " ".join(shlex.quote(a) for a in args)



def _suggest(value: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=3)
    return f" (did you mean {', '.join(close)}?)" if close else ""


def run(args) -> int:
    from peer_challenges.store.db import connect, run_query

    # a connection of our own, closed before exit (DuckDB's and Arrow's thread pools can otherwise abort
    # the interpreter at shutdown)
    conn = connect(getattr(args, "data_dir", None))
    try:
        return _export(args, lambda name, **params: run_query(name, conn=conn, **params))
    finally:
        conn.close()


def _export(args, runner: Runner) -> int:
    fmt = args.format
    if fmt is None and Path(args.output).is_dir():
        fmt = "csv"
    if fmt is None:
        suffix = Path(args.output).suffix.lower().lstrip(".")
        fmt = {"xls": "xlsx", "pq": "parquet"}.get(suffix, suffix)
        if fmt not in FORMATS:
            raise UserError(f"say which format to write with --format {'|'.join(FORMATS)} "
                            f"(cannot tell from the file name {args.output!r})")
    council_table = runner("explore__councils")
    known_councils = council_table["council_id"].tolist()
    known_topics = runner("explore__topics")["topic"].tolist()
    resolved = resolve_filters(
        {"councils": args.council, "council_types": args.council_type, "regions": args.region,
         "themes": args.theme, "topics": args.topic, "statuses": args.status, "buckets": args.bucket,
         "year_from": args.from_year, "year_to": args.to_year, "search": args.search},
        councils=known_councils, topics=known_topics,
    )
    if resolved.ignored:
        vocab = {"Council": known_councils, "Council type": COUNCIL_TYPES, "Region": REGIONS,
                 "Core theme": list(THEME_SLUGS), "Topic": known_topics, "Latest status": STATUS_VALUES,
                 "Slippage bucket": BUCKETS}
        problems = []
        for label, value in resolved.ignored:
            choices = vocab.get(label, [])
            hint = (_suggest(value, choices) or " (council ids are listed by: python -m peer_challenges export "
                    "--table councils -o -)") if label == "Council" else (
                f" (expected one of: {', '.join(choices)})" if choices else " (expected a year, e.g. 2019)")
            problems.append(f"unknown {label.lower()} {value!r}{hint}")
        raise UserError("; ".join(problems))
    filters = resolved.filters
    df = filtered_table(filters, args.table, run=runner)
    names = dict(zip(council_table["council_id"].tolist(), council_table["council_name"].tolist()))
    sources = sources_for(df, args.table, run=runner) if fmt == "xlsx" else None
    payload = to_bytes(fmt, df, filters, sources, table=args.table, council_names=names)
    if args.output == "-":
        sys.stdout.buffer.write(payload)
    else:
        out = Path(args.output)
        if out.is_dir():
            out = out / default_filename(filters, args.table, fmt)
        out.write_bytes(payload)
        singular, plural = dd.ROW_NOUNS[args.table]
        print(f"wrote {len(df)} {singular if len(df) == 1 else plural} ({describe(filters, names)}) to {out}",
              file=sys.stderr)
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "export", help="write a filtered table as CSV, Excel or Parquet (the explore page's downloads)",
        description="Write the rows the explore page would show for these filters. Repeat a filter to allow "
                    "several values (--council brentwood --council stroud).",
    )
    p.add_argument("--format", choices=FORMATS, default=None, help="file format (default: from -o's extension)")
    p.add_argument("--table", choices=TABLES, default=DEFAULT_TABLE, help="which table (default: recommendations)")
    p.add_argument("--council", action="append", default=[], metavar="ID", help="council id, e.g. brentwood")
    p.add_argument("--council-type", action="append", default=[], metavar="T", help="|".join(COUNCIL_TYPES))
    p.add_argument("--region", action="append", default=[], metavar="R", help='region, e.g. "East of England"')
    p.add_argument("--theme", action="append", default=[], metavar="T",
                   help="core theme, by name or slug, e.g. governance-and-culture")
    p.add_argument("--topic", action="append", default=[], metavar="T", help="taxonomy topic id")
    p.add_argument("--status", action="append", default=[], metavar="S",
                   help="latest status: " + "|".join(STATUS_VALUES))
    p.add_argument("--bucket", action="append", default=[], metavar="B", help="slippage bucket: " + "|".join(BUCKETS))
    p.add_argument("--from-year", default=None, metavar="Y", help="first on-site year (inclusive)")
    p.add_argument("--to-year", default=None, metavar="Y", help="last on-site year (inclusive)")
    p.add_argument("--search", default=None, metavar="TEXT", help="text the title or full text contains")
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="file to write ('-' = standard output; a folder = a file named after the filters)")
    p.add_argument("--data-dir", default=None, help="data folder (default: $DATA_DIR or data/)")
    p.set_defaults(func=run)
