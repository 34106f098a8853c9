"""A synthetic national dataset: ``python -m peer_challenges synth --scale N --out DIR [--seed S]``
(the command is peer_challenges.cli.synth).

It meets the same data contract as the real build (same tables, columns and types; the derived
``recommendation_status`` table is made by the build's own ``derive``) so that the app, the queries
and the benchmark (``peer_challenges.devtools.bench``) can be run at national scale and beyond.

Shape
-----
* Councils: ``round(317 * scale)`` synthetic councils ``synthetic-council-0001`` ... . Council types and
  regions follow England's 317 councils (164 districts, 62 unitaries, 36 metropolitan boroughs,
  32 London boroughs + the City, 21 counties, the Isles of Scilly; nine regions); each block of 317
  councils is one seeded shuffle of that exact mix. **Scale N multiplies councils** (a challenge is
  named by council and on-site month, so one council cannot hold 200 challenges): scale 1 = all
  English councils x about 2 challenges (1-3 each, 2014-01 to 2025-06); scale 100 = 31,700 councils,
  ~63,000 challenges, ~730,000 recommendations and more than 1,000,000 updates.
* 5-18 recommendations per challenge; core themes and topics drawn from the real distribution in the
  committed ``data/recommendations.parquet`` (topics conditional on the core theme).
* Targets written as councils write them ("Oct 24", "Q2 2020/21", "31/03/2025", "2024/25",
  "Spring 2025", "Ongoing", "TBC") and stored as the build stores them (period end + precision).
* Quarterly progress updates from the action plan on: not started -> in progress (or delayed once past
  target) -> complete, some ongoing (business as usual), superseded or stalled; revised targets; RAG for
  some councils; a peer-review assessment at the progress review; as-of dates at day, month or quarter
  precision (a few unknown); council-wide progress snapshots for some challenges.
* Everything is marked synthetic: ``challenge.synthetic: true`` (so councils.synthetic and
  challenges.synthetic are true) and every council name starts "Synthetic".
* Deterministic: one seed gives identical Parquet (numpy's PCG64 stream, fixed "today" of 30 Sep 2025).

Validation
----------
Rows are made column-wise with numpy / pyarrow (no YAML at scale). To prove they are what the build
would make, a deterministic sample of challenges (``--sample``, default 200; every challenge at small
scales) is turned into source records in the docs/SOURCE_FORMAT.md shape, written as source files and
built by ``peer_challenges.store.build.collect`` (pydantic ``SourceFile`` validation, date parsing, taxonomy
mapping, the build's row construction); the rows it returns must equal the generated rows for those
challenges exactly. Column checks over every row (accepted values, unique keys, every distinct
``target_raw`` parsed by ``peer_challenges.domain.dates``) run at every scale. The tables are then written by
``peer_challenges.store.build.write_arrow_tables`` (contract types, sort order and row groups, derived tables).

The code: peer_challenges.devtools.synth.generator (the shape and ``generate``),
peer_challenges.devtools.synth.validation (``validate_sample``, ``check_columns``) and
peer_challenges.devtools.synth.writer (``write``, ``synth``, ``read_manifest``); this package offers all three.
"""

from __future__ import annotations

from peer_challenges.domain.vocab import CORE_THEMES  # noqa: F401  (tests read synth.CORE_THEMES)
from peer_challenges.devtools.synth.generator import (
    GENERATOR_VERSION,
    TODAY,
    Synth,
    ThemeModel,
    format_date,
    generate,
    theme_model,
)
from peer_challenges.devtools.synth.validation import (
    DEFAULT_SAMPLE,
    check_columns,
    sample_indices,
    source_records,
    validate_sample,
)
from peer_challenges.devtools.synth.writer import MANIFEST, read_manifest, synth, write

__all__ = [
    "CORE_THEMES", "GENERATOR_VERSION", "TODAY", "Synth", "ThemeModel", "format_date", "generate", "theme_model",
    "DEFAULT_SAMPLE", "check_columns", "sample_indices", "source_records", "validate_sample",
    "MANIFEST", "read_manifest", "synth", "write",
]
