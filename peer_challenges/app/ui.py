"""Streamlit glue shared by every page: cached data access, the shared filters kept in the URL,
the page header, the synthetic-data banner and the data-error page.

Caching lives here and only here (DESIGN convention 3): one DuckDB connection per data folder in
st.cache_resource, query results in st.cache_data keyed on query name + parameters.
"""

from __future__ import annotations

import datetime as dt
import html
import os

import pandas as pd
import streamlit as st

from peer_challenges.store import db as _data
from peer_challenges.domain.errors import UserError
from peer_challenges.domain.paths import data_dir, url_scheme
from peer_challenges.domain.vocab import COUNCIL_TYPE_LABELS, COUNCIL_TYPES, COUNTED_KINDS, REGIONS

# query-string keys of the shared filters
FILTER_KEYS = ("type", "region", "from", "to")


@st.cache_resource(show_spinner=False)
def _connection(folder: str):
    return _data.connect(folder)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_query(folder: str, name: str, params: tuple) -> pd.DataFrame:
    return _data.run_query(name, conn=_connection(folder), **dict(params))


def query(name: str, **params) -> pd.DataFrame:
    """Run a named query through the caches. Callers may modify the frame: st.cache_data hands each call
    its own copy (unpickled from the cache), so no further copy is made here."""
    folder = str(data_dir())
    return _cached_query(folder, name, tuple(sorted(params.items())))


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_count(folder: str, name: str, params: tuple) -> int:
    return _data.run_count(name, conn=_connection(folder), **dict(params))


def query_count(name: str, **params) -> int:
    """How many rows a named query returns (without its $limit), cached like ``query``."""
    return _cached_count(str(data_dir()), name, tuple(sorted(params.items())))


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_count_by(folder: str, name: str, column: str, params: tuple) -> dict:
    return _data.run_count_by(name, column, conn=_connection(folder), **dict(params))


def query_count_by(name: str, column: str, **params) -> dict:
    """How many rows a named query returns for each value of one of its columns, cached like ``query``."""
    return _cached_count_by(str(data_dir()), name, column, tuple(sorted(params.items())))


def total_rows(shown: pd.DataFrame, limit: int, name: str, **params) -> int:
    """How many rows match, for a list drawn with ``$limit``: the rows shown when fewer than the limit came
    back, else the named query's count (the same parameters, no limit)."""
    return len(shown) if len(shown) < limit else query_count(name, **params)


def query_uncached(name: str, **params) -> pd.DataFrame:
    """Run a named query on the shared connection without keeping the result: for results too large to
    hold in the cache, e.g. a download of every matching row, made when the user asks for it."""
    return _data.run_query(name, conn=_connection(str(data_dir())), **params)


LONG_LIST = 2000  # above this many councils, pickers search by name first (a longer list is slow to send and scroll)
SEARCH_SHOWN = 100  # councils a picker offers for one search


def council_count() -> int:
    info = query("app__dataset_info")
    return int(info["councils"].iloc[0]) if len(info) else 0


def council_options(search_key: str, keep: list[str] | tuple = (), where=None) -> tuple[list[str], dict[str, str]]:
    """Council ids and names for a picker. Up to LONG_LIST councils: all of them (by name). Above that, a
    search box is drawn first (in ``where``, default the page) and the picker offers the councils already
    chosen (``keep``) plus the first SEARCH_SHOWN whose name contains what was typed: a list of tens of
    thousands is slow to send to the browser on every run and no easier to scroll."""
    n = council_count()
    if n <= LONG_LIST:
        councils = query("council__list")
        ids = councils["council_id"].tolist()
        return ids, dict(zip(ids, councils["name"].tolist()))
    text = (where or st).text_input(
        "Find a council", key=search_key, placeholder="Type part of a council's name",
        help=f"There are {n:,} councils: type part of a name, then choose from the list below it.")
    keep = [k for k in keep if k]
    found = query("council__search", q=text.strip() or None, ids=keep or None, limit=SEARCH_SHOWN + len(keep))
    ids = found["council_id"].tolist()
    return ids, dict(zip(ids, found["name"].tolist()))


def council_names(ids: list[str]) -> dict[str, str]:
    """Names of the given councils (unknown ids are left out)."""
    ids = [i for i in ids if i]
    if not ids:
        return {}
    found = query("council__names", ids=sorted(set(ids)))
    return dict(zip(found["council_id"].tolist(), found["name"].tolist()))


def is_synthetic() -> bool:
    df = query("app__dataset_info")
    if not len(df):
        return False
    value = df["synthetic_councils"].iloc[0]
    return bool(pd.notna(value) and value)


def data_problem() -> str | None:
    """A user-facing description of a missing/corrupt dataset, or None when the data is fine. (With an s3://
    DATA_DIR, data_dir() is the local copy of the version served, or a UserError saying why there is none.)"""
    try:
        _connection(str(data_dir()))
        return None
    except _data.DataError as err:
        _connection.clear()
        return str(err)
    except UserError as err:  # DATA_DIR itself is wrong (an unsupported URL, a malformed s3:// URL)
        return str(err)


def dataset_version() -> dict | None:
    """For an s3:// DATA_DIR: the published version this process serves ({version, published_at, source,
    status}); None for a local data folder."""
    value = os.environ.get("DATA_DIR")
    if url_scheme(value) != "s3":
        return None
    from peer_challenges.store import remote

    try:
        info = remote.dataset(value).status()
    except UserError:
        return None
    return {k: info.get(k) for k in ("version", "published_at", "source", "status", "poll_seconds")}


def show_data_problem(message: str) -> None:
    st.error("The dashboard's data could not be loaded.", icon="🚫")
    if url_scheme(os.environ.get("DATA_DIR")):
        advice = ("**What to do:** check that a dataset has been published there "
                  "(`python -m peer_challenges publish <the same URL>`) and that this server can reach the store; "
                  "this server tries again every few seconds, so reload this page in a minute. Its `/health` "
                  "address says what it last tried.")
    else:
        advice = ("**What to do:** from the project folder run `python -m peer_challenges build` "
                  "to rebuild the Parquet tables from `data/sources/`, then reload this page. "
                  "If you set `DATA_DIR`, check it points at a folder with the built tables.")
    st.markdown("**What happened:** " + html.escape(message) + "\n\n" + advice)


def header(title: str, intro: str | None = None) -> None:
    st.title(title)
    if intro:
        st.markdown(intro)


def synthetic_banner() -> None:
    if is_synthetic():
        st.warning(
            "**Synthetic data.** `DATA_DIR` points at a generated test dataset: every council, challenge and "
            "recommendation shown is invented. Do not quote these figures.", icon="🧪",
        )


def _param_list(key: str) -> list[str]:
    return [v for v in st.query_params.get_all(key) if v]


def _int_param(key: str) -> int | None:
    value = st.query_params.get(key)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def year_bounds() -> tuple[int, int]:
    """First and last on-site year in the data (this year when none is known)."""
    lo, hi = _dataset_years(str(data_dir()))
    if lo is None or hi is None:
        this = dt.date.today().year
        return this, this
    return lo, hi


@st.cache_data(show_spinner=False, max_entries=16)
def _dataset_years(folder: str) -> tuple[int | None, int | None]:
    info = _cached_query(folder, "app__dataset_info", ())
    lo, hi = info["first_year"].iloc[0], info["last_year"].iloc[0]
    return (None if pd.isna(lo) else int(lo)), (None if pd.isna(hi) else int(hi))


def shared_filters() -> dict:
    """Council type, region and year range in the sidebar, initialised from and written back to the
    URL (?type=district&region=London&from=2019&to=2024), so a filtered view can be shared.

    Returns the filters as query parameters: council_types (list), regions (list), year_from, year_to.
    Unknown values in the URL are dropped with a notice, never echoed as HTML.
    """
    lo, hi = year_bounds()
    widget_keys = ("flt_type", "flt_region", "flt_years")
    if any(k not in st.session_state for k in widget_keys):
        # Streamlit forgets a widget's state on a page run that does not draw it (e.g. the council
        # page): restore the user's last choice (flt_saved), or on a first visit read the URL.
        saved = st.session_state.get("flt_saved")
        if saved is not None:
            st.session_state["flt_type"], st.session_state["flt_region"] = list(saved[0]), list(saved[1])
            y0, y1 = saved[2]
            st.session_state["flt_years"] = (min(max(y0, lo), hi), min(max(y1, lo), hi))
        else:
            ignored = []
            types = _param_list("type")
            regions = _param_list("region")
            ignored += [t for t in types if t not in COUNCIL_TYPES] + [r for r in regions if r not in REGIONS]
            st.session_state["flt_type"] = [t for t in types if t in COUNCIL_TYPES]
            st.session_state["flt_region"] = [r for r in regions if r in REGIONS]
            y0, y1 = _int_param("from"), _int_param("to")
            if (st.query_params.get("from") and y0 is None) or (st.query_params.get("to") and y1 is None):
                ignored.append("year range")
            y0 = min(max(y0 if y0 is not None else lo, lo), hi)
            y1 = min(max(y1 if y1 is not None else hi, lo), hi)
            st.session_state["flt_years"] = (min(y0, y1), max(y0, y1))
            st.session_state["flt_ignored"] = ignored
    with st.sidebar:
        st.markdown("**Filters for all pages**")
        st.multiselect("Council type", COUNCIL_TYPES, key="flt_type", format_func=COUNCIL_TYPE_LABELS.get,
                       placeholder="All council types")
        st.multiselect("Region", REGIONS, key="flt_region", placeholder="All regions")
        if lo < hi:
            st.slider("On-site year", lo, hi, key="flt_years")
        else:
            st.session_state["flt_years"] = (lo, hi)
        if st.session_state.get("flt_ignored"):
            st.caption("Some values in the link were not recognised and were ignored: "
                       + html.escape(", ".join(map(str, st.session_state["flt_ignored"]))))
    types, regions = st.session_state["flt_type"], st.session_state["flt_region"]
    y0, y1 = st.session_state["flt_years"]
    st.session_state["flt_saved"] = (list(types), list(regions), (y0, y1))
    # keep the URL in step with the widgets (other query params of the page are left alone)
    st.query_params["type"] = types
    st.query_params["region"] = regions
    if (y0, y1) != (lo, hi):
        st.query_params["from"], st.query_params["to"] = str(y0), str(y1)
    else:
        for k in ("from", "to"):
            if k in st.query_params:
                del st.query_params[k]
    return {"council_types": list(types), "regions": list(regions), "year_from": y0, "year_to": y1,
            "is_default": not types and not regions and (y0, y1) == (lo, hi)}


def apply_filters(df: pd.DataFrame, filters: dict, *, year_col: str = "challenge_year") -> pd.DataFrame:
    """Filter a frame with council_type / region / year columns by the shared filters (small frames only;
    large ones filter in SQL)."""
    mask = pd.Series(True, index=df.index)
    if filters.get("council_types"):
        mask &= df["council_type"].isin(filters["council_types"])
    if filters.get("regions"):
        mask &= df["region"].isin(filters["regions"])
    if year_col in df and not filters.get("is_default", False):
        mask &= df[year_col].between(filters["year_from"], filters["year_to"])
    return df[mask]


def describe_filters(filters: dict) -> str:
    parts = []
    if filters.get("council_types"):
        parts.append(", ".join(COUNCIL_TYPE_LABELS[t] for t in filters["council_types"]))
    if filters.get("regions"):
        parts.append(", ".join(filters["regions"]))
    if not filters.get("is_default", True):
        parts.append(f"on site {filters['year_from']}–{filters['year_to']}")
    return "; ".join(parts) if parts else "all councils, all years"


def filter_params(filters: dict) -> dict:
    """The shared filters as the list/year parameters the page queries take ($council_types, $regions,
    $year_from, $year_to); None means "no filter"."""
    return {
        "council_types": filters["council_types"] or None,
        "regions": filters["regions"] or None,
        "year_from": None if filters["is_default"] else filters["year_from"],
        "year_to": None if filters["is_default"] else filters["year_to"],
    }


def url_choice(key: str, param: str, options: list, default, what: str) -> None:
    """Session value for a widget that mirrors ?param= in the URL: (re)initialised whenever the URL
    value differs from the one this page last wrote (e.g. arriving from a link). A value in the link
    that is not one of the options is ignored with a notice (never echoed back)."""
    url = st.query_params.get(param)
    seen = f"_{key}_url"
    if key not in st.session_state or st.session_state.get(seen) != url:
        st.session_state[key] = url if url in options else default
        st.session_state[seen] = url
        st.session_state[f"_{key}_ignored"] = url is not None and url != "" and url not in options
    if st.session_state.pop(f"_{key}_ignored", False):
        st.caption(f"The {what} in the link was not recognised, so it was ignored.")


def write_url(key: str, param: str, value, default) -> None:
    """Write a widget's value back to ?param= (removed when it is the default)."""
    if value == default or value is None:
        if param in st.query_params:
            del st.query_params[param]
        st.session_state[f"_{key}_url"] = None
    else:
        st.query_params[param] = value
        st.session_state[f"_{key}_url"] = value


def metric_row(metrics) -> None:
    """Headline metrics in a row that wraps onto another line when the screen is too narrow, each in a box as
    wide as its label and value need (Metric.width): fixed st.columns cut "not known" or a long label short
    with an ellipsis. A metric's caption sits under it, inside its box."""
    row = st.container(horizontal=True, gap="small")
    for metric in metrics:
        box = row.container(width=metric.width)
        box.metric(metric.label, metric.value, help=metric.help)
        if metric.caption:
            box.caption(metric.caption)


def explore_link(recommendations: int) -> None:
    """A link from a page's recommendation count down to the records behind it on Explore and download: the
    kinds of record the figures count (COUNTED_KINDS) under the same sidebar filters (none when the count is 0)."""
    if not recommendations:
        return
    shared = [(k, v) for k in FILTER_KEYS for v in st.query_params.get_all(k)]
    st.page_link("pages/explore.py", icon="⬇️", query_params=shared + [("kind", kind) for kind in COUNTED_KINDS],
                 label=f"See the {recommendations:,} recommendation{'' if recommendations == 1 else 's'} behind "
                       "these figures, and download them")


def show_chart(fig, alt: str, data: pd.DataFrame | None = None, column_config: dict | None = None,
               note: str | None = None, *, margin_top: int = 30) -> None:
    """Headline above the chart (it wraps on narrow screens), alt text, a note, then the data behind it in a
    'Show the data' expander (none when ``data`` is None). Every page draws its charts through this one."""
    from peer_challenges.analysis.narrative import escape_markdown

    title = fig.layout.title.text or ""
    st.markdown(f"**{escape_markdown(title)}**")  # a chart title, not a section heading
    fig.update_layout(title_text="", margin_t=margin_top)
    st.plotly_chart(fig, alt=f"{title}. {alt}", config={"displaylogo": False})
    if note:
        st.caption(note)
    if data is not None:
        with st.expander("Show the data"):
            st.dataframe(data, hide_index=True, column_config=column_config)


def taxonomy(folder: str | None = None):
    """The taxonomy of the data folder in use (domain.taxonomy.current_taxonomy: parsed once per version)."""
    from peer_challenges.domain.taxonomy import current_taxonomy

    return current_taxonomy()


def council_link(council_id: str, challenge_month=None) -> str:
    """Relative link to a council's page, with its challenge month when known."""
    from urllib.parse import urlencode

    params = {"council": council_id}
    if isinstance(challenge_month, str) and challenge_month:
        params["challenge"] = challenge_month
    return "council?" + urlencode(params)
