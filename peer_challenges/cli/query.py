"""``python -m peer_challenges query NAME --param key=value --format csv|json|table``."""

from __future__ import annotations

import json
import sys

from peer_challenges.store.db import connect, list_queries, query_params, run_query
from peer_challenges.domain.errors import UserError


def _parse_params(items: list[str], name: str) -> dict:
    params = {}
    for item in items or []:
        if "=" not in item:
            raise UserError(f"--param {item!r}: expected key=value")
        key, value = item.split("=", 1)
        key, value = key.strip(), _coerce(value)
        if key in params:  # a repeated key binds a list: --param councils=a --param councils=b
            params[key] = (params[key] if isinstance(params[key], list) else [params[key]]) + [value]
        else:
            params[key] = value
    unknown = set(params) - set(query_params(name))
    if unknown:
        raise UserError(f"query {name!r} has no parameter(s) {sorted(unknown)}; it takes {query_params(name) or 'none'}")
    return params


def _coerce(value: str):
    if value == "":
        return None
    if value.lstrip("-").isdigit():
        return int(value)
    return value


def run(args) -> int:
    try:
        return _run(args)
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _run(args) -> int:
    if args.list or not args.name:
        for name in list_queries():
            params = ", ".join(f"${p}" for p in query_params(name))
            print(f"{name}" + (f"  ({params})" if params else ""))
        return 0
    params = _parse_params(args.param, args.name)
    conn = connect(args.data_dir) if args.data_dir else None
    df = run_query(args.name, conn=conn, **params)
    for col in df.columns:  # DATE columns arrive as datetimes: print them as dates
        if str(df[col].dtype).startswith("datetime64"):
            df[col] = df[col].dt.strftime("%Y-%m-%d")
    if args.format == "csv":
        df.to_csv(sys.stdout, index=False)
    elif args.format == "json":
        print(json.dumps(json.loads(df.to_json(orient="records", date_format="iso")), indent=2, ensure_ascii=False))
    else:
        with __import__("pandas").option_context("display.max_rows", 200, "display.max_columns", 50, "display.width", 200):
            print(df.to_string(index=False) if len(df) else "(no rows)")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("query", help="print a named query from queries/")
    p.add_argument("name", nargs="?", help="query name (file name in queries/ without .sql); omit to list")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", help="bind $KEY (repeatable)")
    p.add_argument("--format", choices=["csv", "json", "table"], default="table")
    p.add_argument("--data-dir", default=None, help="data folder (default: $DATA_DIR or data/)")
    p.add_argument("--list", action="store_true", help="list the named queries and their parameters")
    p.set_defaults(func=run)
