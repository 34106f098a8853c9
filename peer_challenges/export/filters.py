"""The filters of a table download: what the user chose, read and described.

- ``Filters``: the filters in force; ``TABLE_FILTERS`` says which of them each table can use
  (``ignored_filters`` / ``applicable``);
- ``resolve_filters`` reads raw values (URL or command line) against the vocabularies and says which it
  did not recognise;
- ``describe`` says in one line which filters are in force; ``default_filename`` names a download after
  them; ``cli_command`` is the ``python -m peer_challenges export`` command that writes the same rows.

Part of peer_challenges.export (see peer_challenges.export.tables). No streamlit import here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable

from peer_challenges.export import dictionary as dd
from peer_challenges.analysis.narrative import RECORD_KIND_LABELS
from peer_challenges.domain.vocab import CORE_THEMES, COUNCIL_TYPES, RECORD_KINDS, REGIONS, STATUSES
from peer_challenges.domain.status import status_words

TABLES = dd.TABLES
DEFAULT_TABLE = "recommendations"
STATUS_VALUES = (*STATUSES, dd.NOT_REPORTED)
BUCKETS = dd.SLIPPAGE_BUCKETS


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
    kinds: tuple[str, ...] = ()  # record kinds (recommendation, inferred, heading_or_group, placeholder, ...)
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
FILTER_FIELDS = ("councils", "council_types", "regions", "years", "themes", "topics", "statuses", "buckets", "kinds",
                 "search")
FILTER_LABELS = {
    "councils": "Council", "council_types": "Council type", "regions": "Region", "years": "On-site years",
    "themes": "Core theme", "topics": "Topic", "statuses": "Latest status", "buckets": "Slippage bucket",
    "kinds": "Record kind",
    "search": "Search",
}
TABLE_FILTERS = {
    "recommendations": set(FILTER_FIELDS),
    "updates": set(FILTER_FIELDS),
    "challenges": {"councils", "council_types", "regions", "years"},
    "councils": {"councils", "council_types", "regions"},
    "council_register": {"councils", "council_types", "regions"},
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
    for field in ("themes", "topics", "statuses", "buckets", "kinds", "search"):
        if field not in applies:
            drop[field] = None if field == "search" else ()
    return dataclasses.replace(filters, **drop)


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
        "kinds": (RECORD_KINDS, {"heading": "heading_or_group", "headings": "heading_or_group"}),
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
    if filters.kinds:
        parts.append("Record kind: " + ", ".join(RECORD_KIND_LABELS.get(k, k) for k in filters.kinds))
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
        parts += [_slug(k) for k in filters.kinds]
        if filters.search:
            parts.append("search")
    stem = "_".join(["peer-challenges", *[p for p in parts if p]])
    if len(stem) > 110:
        stem = stem[:110].rstrip("_-")
    return f"{stem}_{today.isoformat()}.{fmt}"


def cli_command(filters: Filters, table: str = DEFAULT_TABLE, fmt: str = "csv") -> str:
    """The ``python -m peer_challenges export`` command that writes these rows (for showing on the page)."""
    import shlex

    args = ["python", "-m", "peer_challenges", "export", "--format", fmt]
    if table != DEFAULT_TABLE:
        args += ["--table", table]
    f = applicable(filters, table)
    for flag, values in (("--council", f.councils), ("--council-type", f.council_types), ("--region", f.regions),
                         ("--theme", [theme_slug(t) for t in f.themes]), ("--topic", f.topics),
                         ("--status", f.statuses), ("--bucket", f.buckets), ("--kind", f.kinds)):
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
