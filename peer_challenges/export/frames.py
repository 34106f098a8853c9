"""The rows of a table download: the named query ``explore__<table>`` run with the filters bound (every
value bound by DuckDB, never spliced into SQL), and the sources behind those rows.

Part of peer_challenges.export (see peer_challenges.export.tables). No streamlit import here.
"""

from __future__ import annotations

from typing import Callable

import pandas as pd

from peer_challenges.export import dictionary as dd
from peer_challenges.domain.errors import UserError
from peer_challenges.export.filters import DEFAULT_TABLE, TABLE_FILTERS, TABLES, Filters

Runner = Callable[..., pd.DataFrame]


def query_params(filters: Filters, table: str) -> dict:
    """The bound parameters of explore__<table>: only the filters that apply to it (lists or None)."""
    applies = TABLE_FILTERS[table]
    params: dict = {}
    for field in ("councils", "council_types", "regions"):
        params[field] = list(getattr(filters, field)) or None
    if "years" in applies:
        params["year_from"], params["year_to"] = filters.year_from, filters.year_to
    if "themes" in applies:
        for field in ("themes", "topics", "statuses", "buckets", "kinds"):
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
