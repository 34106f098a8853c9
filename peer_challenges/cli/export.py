"""The `export` command: write a filtered table as CSV, Excel or Parquet (the explore page's downloads).

Parses the arguments, tells the format from ``--format`` or the output's extension, reads the filter
values against the data's vocabularies (an unknown value is an error naming the closest choices), then
writes what peer_challenges.export gives for them: the same rows and files as the explore page.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path
from typing import Iterable

from peer_challenges.export import dictionary as dd
from peer_challenges.domain.errors import UserError
from peer_challenges.domain.vocab import COUNCIL_TYPES, RECORD_KINDS, REGIONS
from peer_challenges.export.filters import (
    BUCKETS,
    DEFAULT_TABLE,
    STATUS_VALUES,
    TABLES,
    THEME_SLUGS,
    default_filename,
    describe,
    resolve_filters,
)
from peer_challenges.export.frames import Runner, filtered_table, sources_for
from peer_challenges.export.writers import FORMATS, to_bytes


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
         "themes": args.theme, "topics": args.topic, "statuses": args.status, "buckets": args.bucket, "kinds": args.kind,
         "year_from": args.from_year, "year_to": args.to_year, "search": args.search},
        councils=known_councils, topics=known_topics,
    )
    if resolved.ignored:
        vocab = {"Council": known_councils, "Council type": COUNCIL_TYPES, "Region": REGIONS,
                 "Core theme": list(THEME_SLUGS), "Topic": known_topics, "Latest status": STATUS_VALUES,
                 "Slippage bucket": BUCKETS, "Record kind": RECORD_KINDS}
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
    p.add_argument("--kind", action="append", default=[], metavar="K",
                   help="record kind: " + "|".join(RECORD_KINDS) + " (recommendation and inferred are what the "
                        "dashboard counts as recommendations)")
    p.add_argument("--from-year", default=None, metavar="Y", help="first on-site year (inclusive)")
    p.add_argument("--to-year", default=None, metavar="Y", help="last on-site year (inclusive)")
    p.add_argument("--search", default=None, metavar="TEXT", help="text the title or full text contains")
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="file to write ('-' = standard output; a folder = a file named after the filters)")
    p.add_argument("--data-dir", default=None, help="data folder (default: $DATA_DIR or data/)")
    p.set_defaults(func=run)
