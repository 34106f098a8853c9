"""Streamlit caches around view models that are too costly to recompute on every run (DESIGN convention 3:
caching lives in peer_challenges.app, never in a page file). Each wraps a plain function of
peer_challenges.app.views, keyed on the data folder so a test pointing DATA_DIR elsewhere gets its own.

The Themes page's similarity index: built once per data folder (st.cache_resource) over every
recommendation in the dataset, with the repeat threshold, every council's closest repeats and the
recommendation pickers; the questions the page asks of it are array look-ups, cached per question."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from peer_challenges.app import ui
from peer_challenges.app.views import cycle as cv
from peer_challenges.app.views import overview as ov
from peer_challenges.app.views import themes as tv


def _taxonomy_or_none(folder: str):
    try:
        return ui.taxonomy(folder)
    except Exception:  # a broken taxonomy file must not take the similarity search down with it
        return None


def topic_labels(folder: str) -> dict:
    """Topic id -> label of the taxonomy in use ({} when it cannot be read)."""
    return tv.topic_labels(_taxonomy_or_none(folder))


@st.cache_resource(show_spinner="Building the similarity index…")
def similarity(folder: str) -> tv.Similarity:
    """The TF-IDF index over every recommendation in the dataset, the data-driven repeat threshold, every
    council's closest repeats (whatever the threshold) and the recommendation pickers. Uncached queries, so
    the large intermediate results never enter st.cache_data."""
    return tv.build_similarity(ui.query_uncached, _taxonomy_or_none(folder))


@st.cache_data(show_spinner=False, max_entries=256)
def council_picker(folder: str, council_id: str) -> tuple[list, dict]:
    """A council's indexed recommendations (ids, labels) for the two-step picker."""
    return tv.council_picker(similarity(folder), council_id)


@st.cache_data(show_spinner=False, max_entries=256)
def similar_hits(folder: str, seed: str) -> pd.DataFrame:
    return tv.similar_hits(similarity(folder), seed, topic_labels(folder))


@st.cache_data(show_spinner=False, max_entries=64)
def seed_row(folder: str, seed: str) -> dict:
    return tv.seed_row(similarity(folder), seed)


@st.cache_data(show_spinner=False, max_entries=64)
def repeats(folder: str, threshold: float) -> dict:
    """The flagged repeats at ``threshold`` (tv.repeats)."""
    return tv.repeats(similarity(folder), threshold, topic_labels(folder))


# ---- Overview and Five-year cycle: figures whose pandas work grows with the data (measured in bench/)


@st.cache_data(show_spinner=False, max_entries=64)
def completion_by_age(folder: str, params: dict):
    """ov.completion_by_age (Kaplan–Meier per challenge year over every recommendation in the selection)."""
    return ov.completion_by_age(ui.query, params)


@st.cache_data(show_spinner=False, max_entries=32)
def cycle(folder: str, as_of) -> tuple[cv.Cycle, pd.DataFrame]:
    """The cycle at a date and the table of every council in force without a challenge within five years."""
    c = cv.load(ui.query, as_of)
    return c, cv.not_within_table(c)


@st.cache_data(show_spinner=False, max_entries=4)
def cycle_over_time(folder: str):
    return cv.over_time(ui.query)
