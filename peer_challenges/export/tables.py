"""Filtered tables and their downloads: the explore page and ``python -m peer_challenges export`` share
this code, so the CLI writes exactly the rows the page shows.

This module is the public face of three modules (``from peer_challenges.export import tables as ex``,
then ``ex.<name>``):

- peer_challenges.export.filters: ``Filters`` (what the user chose); ``resolve_filters`` reads raw values
  (URL or command line) against the vocabularies and says which it did not recognise; ``describe``,
  ``default_filename`` (names a file after what is inside and when) and ``cli_command``;
- peer_challenges.export.frames: ``filtered_table(filters, table)`` runs the named query
  ``explore__<table>`` (every value bound by DuckDB, never spliced into SQL); ``sources_for``;
- peer_challenges.export.writers: ``to_csv_bytes`` / ``to_xlsx_bytes`` / ``to_parquet_bytes`` turn the
  frame into a file.

Text cells that a spreadsheet would run as a formula (starting with = + - @, tab or carriage return)
are prefixed with ' in CSV and Excel. No streamlit import here. The command itself (argparse) is
peer_challenges.cli.export.
"""

from __future__ import annotations

from peer_challenges.export.filters import (
    BUCKETS,
    DEFAULT_TABLE,
    FILTER_FIELDS,
    FILTER_LABELS,
    STATUS_VALUES,
    TABLE_FILTERS,
    TABLES,
    THEME_SLUGS,
    Filters,
    Resolved,
    applicable,
    cli_command,
    default_filename,
    describe,
    ignored_filters,
    resolve_filters,
    theme_slug,
    topic_labels,
)
from peer_challenges.export.frames import Runner, filtered_table, query_params, sources_for
from peer_challenges.export.writers import (
    DATASET_NAME,
    EXCEL_CELL_LIMIT,
    FORMATS,
    FORMULA_STARTS,
    LIST_SEPARATOR,
    MIME,
    neutralise,
    shown_frame,
    to_bytes,
    to_csv_bytes,
    to_parquet_bytes,
    to_xlsx_bytes,
)

__all__ = [
    "BUCKETS", "DEFAULT_TABLE", "FILTER_FIELDS", "FILTER_LABELS", "STATUS_VALUES", "TABLE_FILTERS", "TABLES",
    "THEME_SLUGS", "Filters", "Resolved", "applicable", "cli_command", "default_filename", "describe",
    "ignored_filters", "resolve_filters", "theme_slug", "topic_labels",
    "Runner", "filtered_table", "query_params", "sources_for",
    "DATASET_NAME", "EXCEL_CELL_LIMIT", "FORMATS", "FORMULA_STARTS", "LIST_SEPARATOR", "MIME", "neutralise",
    "shown_frame", "to_bytes", "to_csv_bytes", "to_parquet_bytes", "to_xlsx_bytes",
]
