"""How quick the app stays at national scale: ``python -m peer_challenges bench [--quick] [--json FILE]``
(the command is peer_challenges.cli.bench).

For each scale (quick: 1 and 100; full: 1, 10, 100) the benchmark

1. generates the synthetic dataset (``peer_challenges.devtools.synth``) once and caches it under
   ``bench/data/scale-<N>-seed-<S>/`` (gitignored; regenerated when the generator version changes);
2. measures, in a fresh worker process per scale (so peak memory is that scale's own):
   - every named query (``queries/*.sql``) through ``run_query`` on a connection to that data folder,
     with no parameters and, where it takes ``$council_id``, for one council (``queries_council_ms``);
   - every page in ``pages/`` through AppTest via app.py, warm (run once, then time the same session's
     ``.run()``), with the default filters and with ``?council=<a council in that dataset>``;
     plus, per page, which ``ui.query`` calls a warm run makes and what they cost (``page_profile``);
   - a pandas baseline doing the same work the plain way (read the Parquet into pandas,
     sort / groupby / merge) for council_summary, recommendation_status and theme_counts, from the tables an
     app without the build-time roll-ups (recommendation_status, challenge_status, challenge_themes) would
     read, asserting the same row counts as DuckDB; and, reported for transparency but not the target,
     pandas on the same roll-ups DuckDB reads (``pandas_same_input_ms``);
   - peak resident memory (ru_maxrss) after the app phase (queries + pages) and after the pandas phase;
3. measures cold start: ``streamlit run app.py`` until the overview is fully drawn in headless Chromium
   (its title shown, Streamlit's running indicator gone).

Times are medians (p50; p90 alongside) of ``--runs`` (default 5) warm runs. Results go to ``--json``
(default bench/results.json) and a readable table to ``--markdown`` (default bench/RESULTS.md).

The code, by step: datasets (1), pages, queries (the named queries and the pandas baselines), timing
(timing and memory helpers) and worker (2: one scale, in worker processes), coldstart (3), report (the
targets and RESULTS.md) and run (``run_benchmark``, ``write_report``: a whole run). This package offers
what they hold.
"""

from __future__ import annotations

from peer_challenges.devtools.bench.coldstart import CHROMIUM, CHROMIUM_ARGS, cold_start, cold_start_available
from peer_challenges.devtools.bench.datasets import data_folder, ensure_data, scale_label, table_rows
from peer_challenges.devtools.bench.pages import COUNCIL_SUFFIX, PAGE_FIELDS, list_pages, measure_page, page_variants
from peer_challenges.devtools.bench.queries import (
    PANDAS_BASELINES,
    PANDAS_QUERIES,
    PANDAS_SAME_INPUT,
    measure_pandas,
    measure_queries,
    pandas_council_summary,
    pandas_council_summary_same_input,
    pandas_recommendation_status,
    pandas_recommendation_status_same_input,
    pandas_theme_counts,
    pandas_theme_counts_same_input,
)
from peer_challenges.devtools.bench.report import (
    CONTRACT_QUERIES,
    PACKAGES,
    TARGET_PAGE_GROWTH,
    TARGET_PAGE_MS,
    TARGET_PANDAS_RATIO,
    TARGET_RSS_MB,
    check_targets,
    machine,
    render_markdown,
)
from peer_challenges.devtools.bench.run import FULL_SCALES, QUICK_SCALES, run_benchmark, write_report
from peer_challenges.devtools.bench.timing import peak_rss_mb
from peer_challenges.devtools.bench.worker import measure_scale, run_worker, worker_events

__all__ = [
    "CHROMIUM", "CHROMIUM_ARGS", "cold_start", "cold_start_available",
    "data_folder", "ensure_data", "scale_label", "table_rows",
    "COUNCIL_SUFFIX", "PAGE_FIELDS", "list_pages", "measure_page", "page_variants",
    "PANDAS_BASELINES", "PANDAS_QUERIES", "PANDAS_SAME_INPUT", "measure_pandas", "measure_queries",
    "pandas_council_summary", "pandas_council_summary_same_input", "pandas_recommendation_status",
    "pandas_recommendation_status_same_input", "pandas_theme_counts", "pandas_theme_counts_same_input",
    "CONTRACT_QUERIES", "PACKAGES", "TARGET_PAGE_GROWTH", "TARGET_PAGE_MS", "TARGET_PANDAS_RATIO", "TARGET_RSS_MB",
    "check_targets", "machine", "render_markdown",
    "FULL_SCALES", "QUICK_SCALES", "run_benchmark", "write_report",
    "peak_rss_mb",
    "measure_scale", "run_worker", "worker_events",
]
