"""The query layer: one DuckDB connection with views over the Parquet in DATA_DIR, and
``run_query(name, **params)`` that runs ``queries/<name>.sql`` with ``$params`` bound by DuckDB.

This is the only place SQL runs. No streamlit import here: tests and the CLI call it directly;
the pages wrap it in st.cache_resource / st.cache_data (peer_challenges/ui.py).
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from peer_challenges.domain.paths import QUERIES_DIR, data_dir as default_data_dir
from peer_challenges.domain import intervals, norms
from peer_challenges.domain.errors import UserError
from peer_challenges.store.contract import DERIVED_TABLES, TABLES

QUERY_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
ALL_TABLES = tuple(TABLES) + tuple(DERIVED_TABLES)
REBUILD_HINT = "Rebuild it with: python -m peer_challenges build"
MACROS_DIR = QUERIES_DIR / "macros"


class DataError(UserError):
    """The Parquet in the data folder is missing, empty or unreadable."""


def connect(data: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """A new in-memory DuckDB connection with one view per table in the data folder."""
    folder = Path(data) if data else default_data_dir()
    conn = duckdb.connect(":memory:")
    # give memory a finished query freed back to the operating system (the app is a long-lived process)
    conn.execute("SET allocator_background_threads = true")
    for table in ALL_TABLES:
        path = folder / f"{table}.parquet"
        if not path.exists():
            conn.close()
            raise DataError(f"The data file {path} is missing. {REBUILD_HINT}")
        if path.stat().st_size == 0:
            conn.close()
            raise DataError(f"The data file {path} is empty. {REBUILD_HINT}")
        try:
            create_view(conn, table, path)
            conn.execute(f"SELECT * FROM {table} LIMIT 0")
        except duckdb.Error as exc:
            conn.close()
            raise DataError(f"The data file {path} cannot be read ({str(exc).splitlines()[0]}). {REBUILD_HINT}") from None
    define_rules(conn)
    try:  # views and table macros the named queries share (queries/macros/*.sql)
        for path in sorted(MACROS_DIR.glob("*.sql")):
            conn.execute(path.read_text(encoding="utf-8"))
    except duckdb.Error as exc:
        conn.close()
        raise DataError(f"The data in {folder} does not fit {path.name} ({str(exc).splitlines()[0]}). {REBUILD_HINT}") from None
    missing = [c for c in TABLES["recommendations"] if c not in conn.execute("SELECT * FROM recommendations LIMIT 0").fetch_df().columns]
    if missing:
        conn.close()
        raise DataError(f"{folder}/recommendations.parquet lacks columns {missing}. {REBUILD_HINT}")
    return conn


def check_folder(folder: Path | str) -> dict[str, int]:
    """The checks ``connect`` makes before the app serves a folder (every table present, non-empty and readable,
    the shared macros fit, the recommendations columns there) plus every contract table's columns; returns the
    row count of each table. Used on a downloaded dataset version before it is served, and before publishing."""
    conn = connect(folder)
    try:
        rows = {}
        for table in ALL_TABLES:
            columns = {d[0] for d in conn.execute(f"SELECT * FROM {table} LIMIT 0").description}
            missing = [c for c in TABLES.get(table, ()) if c not in columns]
            if missing:
                raise DataError(f"{Path(folder) / table}.parquet lacks columns {missing}. {REBUILD_HINT}")
            rows[table] = int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        return rows
    finally:
        conn.close()


def create_view(conn: duckdb.DuckDBPyConnection, table: str, path: Path) -> None:
    """The one place a view over a Parquet file is made (the app's connections and the build's)."""
    literal = Path(path).as_posix().replace("'", "''")
    conn.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM read_parquet('{literal}')")


def define_rules(conn: duckdb.DuckDBPyConnection) -> None:
    """Macros that give SQL the project's rules from their one home in Python (the LGA norms)."""
    conn.execute(norms.sql_macro())
    conn.execute(norms.cycle_sql_macro())  # the five-year cycle
    for macro in intervals.sql_macros():  # dates known to a period: earliest / latest days, norm verdicts
        conn.execute(macro)


_default: dict[str, duckdb.DuckDBPyConnection] = {}
_lock = threading.Lock()


def default_connection() -> duckdb.DuckDBPyConnection:
    """One shared connection per data folder (queries each take their own cursor)."""
    key = str(default_data_dir())
    with _lock:
        if key not in _default:
            _default[key] = connect(key)
        return _default[key]


def reset_default_connection() -> None:
    with _lock:
        for conn in _default.values():
            conn.close()
        _default.clear()


@lru_cache(maxsize=None)
def load_sql(name: str) -> str:
    if not QUERY_NAME.match(name):
        raise UserError(f"unknown query {name!r}: names are lower-case letters, digits and _")
    path = QUERIES_DIR / f"{name}.sql"
    if not path.exists():
        raise UserError(f"unknown query {name!r}; available: {', '.join(list_queries())}")
    return path.read_text(encoding="utf-8")


def query_params(name: str) -> list[str]:
    """The $parameters a named query takes, in order of first use."""
    seen: list[str] = []
    for p in PARAM.findall(_strip_comments(load_sql(name))):
        if p not in seen:
            seen.append(p)
    return seen


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def list_queries() -> list[str]:
    return sorted(p.stem for p in QUERIES_DIR.glob("*.sql"))


def _bound(name: str, params: dict) -> dict:
    """Every $parameter of the named query with its value; those the caller leaves out are NULL."""
    expected = query_params(name)
    unknown = sorted(set(params) - set(expected))
    if unknown:
        raise UserError(f"query {name!r} takes no parameter(s) {unknown}; it takes {expected or 'none'}")
    return {p: params.get(p) for p in expected}


def run_query(name: str, conn: duckdb.DuckDBPyConnection | None = None, **params) -> pd.DataFrame:
    """Run queries/<name>.sql. Every $parameter is bound by DuckDB (never spliced into the text);
    parameters the caller leaves out are bound as NULL, which the queries read as "no filter"."""
    sql = load_sql(name)
    bound = _bound(name, params)
    cursor = (conn or default_connection()).cursor()
    try:
        return arrow_to_pandas(cursor.sql(sql, params=bound or None).to_arrow_table())
    finally:
        cursor.close()


def _counted(name: str, select: str, group_by: str, conn, params: dict) -> list[tuple]:
    """``SELECT <select> FROM (queries/<name>.sql) <group_by>`` with the query's parameters bound (any $limit
    left unbound, so every row counts): the rows DuckDB returns, none of the query's own rows fetched."""
    sql = load_sql(name)
    bound = _bound(name, {k: v for k, v in params.items() if k != "limit"})
    cursor = (conn or default_connection()).cursor()
    try:
        return cursor.execute(f"SELECT {select} FROM (\n{sql}\n) AS counted {group_by}", bound or None).fetchall()
    finally:
        cursor.close()


def run_count(name: str, conn: duckdb.DuckDBPyConnection | None = None, **params) -> int:
    """How many rows queries/<name>.sql returns for these parameters (any $limit left unbound), counted
    by DuckDB without fetching them."""
    return int(_counted(name, "count(*)", "", conn, params)[0][0])


def run_count_by(name: str, column: str, conn: duckdb.DuckDBPyConnection | None = None, **params) -> dict:
    """How many rows queries/<name>.sql returns for each value of one of its columns (any $limit left
    unbound): {value: rows}. The column is a name from the query's own select list, never user text."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", column):
        raise UserError(f"{column!r} is not a column name")
    return {value: int(n) for value, n in _counted(name, f'"{column}", count(*)', "GROUP BY 1", conn, params)}


_NULLABLE = {pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
             pa.int64(): pd.Int64Dtype(), pa.uint8(): pd.UInt8Dtype(), pa.uint16(): pd.UInt16Dtype(),
             pa.uint32(): pd.UInt32Dtype(), pa.uint64(): pd.UInt64Dtype(), pa.bool_(): pd.BooleanDtype()}


def arrow_to_pandas(table: pa.Table) -> pd.DataFrame:
    """A DuckDB result (as Arrow) in pandas, with the dtypes DuckDB's own ``fetch_df`` gives - dates as
    datetime64[us], DECIMAL/HUGEINT as float64, whole numbers and booleans with NULLs as pandas' nullable
    types - but about 4x faster on large results (measured in bench/RESULTS.md)."""
    fields = []
    for f in table.schema:
        if pa.types.is_date(f.type):
            fields.append(f.with_type(pa.timestamp("us")))
        elif pa.types.is_decimal(f.type):
            fields.append(f.with_type(pa.float64()))
        else:
            fields.append(f)
    schema = pa.schema(fields)
    if schema != table.schema:
        table = table.cast(schema)
    df = table.to_pandas(types_mapper=_NULLABLE.get)
    for f in table.schema:  # nullable dtypes only where NULLs occur, as fetch_df does
        if f.type in _NULLABLE and table.column(f.name).null_count == 0:
            df[f.name] = df[f.name].astype(f.type.to_pandas_dtype())
    return df
