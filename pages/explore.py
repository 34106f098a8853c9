"""Explore and download: any filtered table, shown and downloadable as CSV, Excel or Parquet.

Every filter lives in the URL (?council=brentwood&status=complete&table=updates), so a link reproduces
the view. The downloads hold exactly the rows that match (the table draws the first 1,000);
``python -m peer_challenges export`` writes the same files through the same code (peer_challenges/export.py).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from peer_challenges.export import dictionary as dd
from peer_challenges.export import tables as ex
from peer_challenges.app import ui
from peer_challenges.analysis.narrative import RECORD_KIND_LABELS, escape_markdown, plural, records_parts
from peer_challenges.domain.vocab import CORE_THEMES, RECORD_KINDS
from peer_challenges.domain.status import status_words

# query-string key -> (session-state key, Filters field)
URL_KEYS = {
    "council": ("exp_council", "councils"),
    "theme": ("exp_theme", "themes"),
    "topic": ("exp_topic", "topics"),
    "status": ("exp_status", "statuses"),
    "bucket": ("exp_bucket", "buckets"),
    "kind": ("exp_kind", "kinds"),
}
STATUS_COLUMNS = ("latest_status", "status")
WIDE_COLUMNS = ("title", "recommendation_title", "text", "note", "notes")
SHOW_ROWS = 1000  # rows drawn in the table; the count and the downloads cover every matching row
# a browser download is made in the server's memory (all matching rows as pandas, then the file): at
# national scale 731,629 recommendations took 3.5 GB and 22 s, so larger sets go through the command line
MAX_DOWNLOAD_ROWS = 100_000


def _md(text) -> str:
    return escape_markdown(text)




def _init_from_url(topic_ids: list[str]) -> None:
    """Fill the page's widget state from the link, once per widget (and again after visiting another page,
    which clears the widgets' state). Unknown values are dropped and listed for a notice."""
    missing = [k for k, _ in URL_KEYS.values()] + ["exp_q", "exp_table"]
    if all(k in st.session_state for k in missing):
        return
    council_ids = ui.query("explore__councils")["council_id"].tolist()
    raw = {field: [v for v in st.query_params.get_all(key) if v] for key, (_, field) in URL_KEYS.items()}
    raw["search"] = st.query_params.get("q")
    resolved = ex.resolve_filters(raw, councils=council_ids, topics=topic_ids)
    ignored = list(resolved.ignored)
    f = resolved.filters
    values = {"exp_council": list(f.councils), "exp_theme": list(f.themes), "exp_topic": list(f.topics),
              "exp_status": list(f.statuses), "exp_bucket": list(f.buckets), "exp_kind": list(f.kinds),
              "exp_q": f.search or ""}
    table = st.query_params.get("table") or ex.DEFAULT_TABLE
    if table not in ex.TABLES:
        ignored.append(("Table", table))
        table = ex.DEFAULT_TABLE
    values["exp_table"] = table
    for key, value in values.items():
        if key not in st.session_state:
            st.session_state[key] = value
    st.session_state["exp_ignored"] = ignored


def _clear_filters() -> None:
    """Button callback: every filter back to 'all' (this page's and the shared sidebar ones)."""
    for key in ("exp_council", "exp_theme", "exp_topic", "exp_status", "exp_bucket", "exp_kind"):
        st.session_state[key] = []
    st.session_state["exp_q"] = ""
    st.session_state["flt_type"] = []
    st.session_state["flt_region"] = []
    st.session_state["flt_years"] = ui.year_bounds()
    st.session_state["exp_ignored"] = []


def _write_url(table: str) -> None:
    for key, (state_key, _) in URL_KEYS.items():
        values = st.session_state[state_key]
        if key == "theme":
            values = [ex.theme_slug(v) for v in values]
        if values:
            st.query_params[key] = values
        elif key in st.query_params:
            del st.query_params[key]
    if st.session_state["exp_q"].strip():
        st.query_params["q"] = st.session_state["exp_q"]
    elif "q" in st.query_params:
        del st.query_params["q"]
    if table != ex.DEFAULT_TABLE:
        st.query_params["table"] = table
    elif "table" in st.query_params:
        del st.query_params["table"]


def _column_config(table: str, columns) -> dict:
    cols = dd.columns(table)
    config = {}
    for name in columns:
        c = cols.get(name)
        if c is None:
            continue
        help_text = c.meaning + (f" ({c.values})" if c.values else "")
        if c.type == dd.DATE:
            config[name] = st.column_config.DateColumn(c.label, help=help_text, format="YYYY-MM-DD")
        elif c.values == "URL":
            config[name] = st.column_config.LinkColumn(c.label, help=help_text,
                                                       display_text=r"https?://(?:www\.)?([^/]+)")
        elif c.type == dd.INTEGER:
            config[name] = st.column_config.NumberColumn(c.label, help=help_text, format="%d")
        elif c.type == dd.TEXT_LIST:
            config[name] = st.column_config.ListColumn(c.label, help=help_text)
        elif c.type == dd.BOOLEAN:
            config[name] = st.column_config.CheckboxColumn(c.label, help=help_text)
        else:
            config[name] = st.column_config.TextColumn(
                c.label, help=help_text, width="large" if name in WIDE_COLUMNS else None)
    return config


def _display_frame(df):
    """The table as shown: statuses as icon + words, slippage buckets, record kinds and council types in words
    (the downloads keep the codes, which the data dictionary explains)."""
    out = df.copy()
    for col in STATUS_COLUMNS:
        if col in out:
            out[col] = pd.Series([status_words(v) for v in out[col].tolist()], index=out.index, dtype=object)
    if "slippage_bucket" in out:
        out["slippage_bucket"] = pd.Series([dd.SLIPPAGE_BUCKET_LABELS.get(b, b) for b in out["slippage_bucket"].tolist()],
                                           index=out.index, dtype=object)
    if "record_kind" in out:
        out["record_kind"] = pd.Series([RECORD_KIND_LABELS.get(k, k) for k in out["record_kind"].tolist()],
                                       index=out.index, dtype=object)
    if "council_type" in out:
        out["council_type"] = pd.Series([ui.COUNCIL_TYPE_LABELS.get(t, t) for t in out["council_type"].tolist()],
                                        index=out.index, dtype=object)
    return out


# ---- page ----------------------------------------------------------------------------------------

ui.header(
    "Explore and download",
    "Filter any table of the dataset and take away exactly the rows that match, as CSV, Excel (with a data "
    "dictionary, the filters used and the source list) or Parquet. The link in your browser's address bar "
    "reproduces this view.",
)
shared = ui.shared_filters()

topic_ids = ui.query("explore__topics")["topic"].tolist()
topic_labels = ex.topic_labels(topic_ids)

_init_from_url(topic_ids)

table = st.radio(
    "Table", ex.TABLES, key="exp_table", horizontal=True, format_func=dd.TABLE_LABELS.get,
    help="Recommendations: one row each, with the latest status and whose it is. Progress updates: every status "
         "update recorded. Challenges: one row per peer challenge. Councils: one row per council we hold. "
         "Council register: every English council in force since 2014, with its five-year cycle status today.",
)
rec_filters_apply = "themes" in ex.TABLE_FILTERS[table]
not_here = None if rec_filters_apply else f"Does not apply to the {dd.TABLE_LABELS[table].lower()} table"

with st.container(border=True):
    c1, c2, c3 = st.columns(3)
    council_ids, council_names = ui.council_options("exp_council_q", st.session_state.get("exp_council", []), where=c1)
    c1.multiselect("Council", council_ids, key="exp_council", format_func=council_names.__getitem__,
                   placeholder="All councils")
    c2.multiselect("Core theme", CORE_THEMES, key="exp_theme", placeholder="All core themes",
                   disabled=not rec_filters_apply, help=not_here)
    c3.multiselect("Topic", topic_ids, key="exp_topic", format_func=lambda t: topic_labels.get(t, t),
                   placeholder="All topics", disabled=not rec_filters_apply,
                   help=not_here or "Recommendations tagged with any of the chosen topics.")
    c4, c5, c6 = st.columns(3)
    c4.multiselect("Latest status", ex.STATUS_VALUES, key="exp_status", format_func=status_words,
                   placeholder="Any status", disabled=not rec_filters_apply,
                   help=not_here or "The status at each recommendation's latest update; the table's 'Assessed by' "
                                    "column says whose it is (the council's own rating or the peer team's finding).")
    c5.multiselect("Slippage", ex.BUCKETS, key="exp_bucket", format_func=dd.SLIPPAGE_BUCKET_LABELS.get,
                   placeholder="Any slippage", disabled=not rec_filters_apply,
                   help=not_here or "Against the original target date: " + "; ".join(
                       f"{dd.SLIPPAGE_BUCKET_LABELS[k]} = {v}" for k, v in dd.SLIPPAGE_BUCKET_MEANINGS.items()))
    c6.multiselect("Record kind", RECORD_KINDS, key="exp_kind", format_func=RECORD_KIND_LABELS.get,
                   placeholder="Every kind of record", disabled=not rec_filters_apply,
                   help=not_here or "What each record is. The dashboard's figures count a recommendation (with its "
                                    "own wording, or inferred from the text); headings over recommendations, "
                                    "placeholders and council-requested focus areas are counted apart.")
    st.text_input("Search titles and text", key="exp_q", placeholder="e.g. scrutiny", disabled=not rec_filters_apply,
                  help=not_here or "Case-insensitive; matches the recommendation's number, title or full text "
                                   "(and, for progress updates, the note).")
    st.caption("Council type, region and on-site years are set in the sidebar and apply to every page.")

_write_url(table)

lo, hi = ui.year_bounds()
years_set = (shared["year_from"], shared["year_to"]) != (lo, hi)
filters = ex.Filters(
    councils=st.session_state["exp_council"], council_types=shared["council_types"], regions=shared["regions"],
    year_from=shared["year_from"] if years_set else None, year_to=shared["year_to"] if years_set else None,
    themes=st.session_state["exp_theme"], topics=st.session_state["exp_topic"],
    statuses=st.session_state["exp_status"], buckets=st.session_state["exp_bucket"],
    kinds=st.session_state["exp_kind"], search=st.session_state["exp_q"],
)

if st.session_state.get("exp_ignored"):
    shown = [f"{label} “{_md(value if len(value) <= 60 else value[:57] + '…')}”"
             for label, value in st.session_state["exp_ignored"]]
    st.warning("Some values in the link were not recognised, so they were ignored: " + "; ".join(shown) + ".",
               icon="⚠️")

ignored = ex.ignored_filters(filters, table)
if ignored:
    st.info(f"The {dd.TABLE_LABELS[table].lower()} table has no "
            + ", ".join(i.lower() for i in ignored)
            + " to filter on, so " + ("that filter is" if len(ignored) == 1 else "those filters are")
            + " ignored here. " + ("It still applies" if len(ignored) == 1 else "They still apply")
            + " when you switch back to recommendations.", icon="ℹ️")

df = ex.filtered_table(filters, table, run=ui.query, limit=SHOW_ROWS)
params = ex.query_params(filters, table)
# recommendations: one grouped count says how many match and what they are (as the overview counts them)
by_kind = ui.query_count_by("explore__recommendations", "record_kind", **params) if table == "recommendations" else {}
total = sum(by_kind.values()) if table == "recommendations" else ui.total_rows(df, SHOW_ROWS, f"explore__{table}", **params)
singular, plural_noun = dd.ROW_NOUNS[table]
noun = singular if total == 1 else plural_noun
applied = ex.applicable(filters, table)
summary = ex.describe(applied, council_names, topic_labels)

m, s = st.columns([1, 4], vertical_alignment="center")
m.metric("Matching rows", f"{total:,}")
if by_kind:
    head, kinds = records_parts(by_kind)
    what = f"**{head}**" + (f": {kinds}" if kinds else "")
else:
    what = f"**{total:,} {noun}**"
s.markdown(f"{what} · filters in force: {_md(summary)}")

if df.empty:
    st.info(f"No {plural_noun} match these filters. Remove a filter above or in the sidebar, or clear them all.",
            icon="🔍")
    st.button("Clear all filters", key="exp_clear_empty", on_click=_clear_filters, type="primary")
    st.stop()

# the challenges the council, type, region and year filters select (a joint challenge once): what the
# recommendation and update rows come from, and how many challenges the challenge rows are
scope = (ui.query("explore__challenge_scope", **ex.query_params(filters, "challenges"))
         if table in ("recommendations", "updates", "challenges") else None)
n_scope = int(scope["challenges"].iloc[0]) if scope is not None else 0
if table in ("recommendations", "updates"):
    with_recs, short = (int(scope[c].iloc[0]) for c in ("with_recommendations", "fewer_than_made"))
    note = (f"{with_recs:,} of {n_scope:,} {'challenge' if n_scope == 1 else 'challenges'} (a joint challenge "
            f"counted once) matching the council, type, region and year filters {'has' if with_recs == 1 else 'have'} "
            "recommendations recorded; challenges without any cannot appear here.")
    if short:
        note += f" For {short:,} of them we hold fewer recommendations than the report made."
    st.caption(note + " Every status says who assessed it ('Status assessed by': the council's own rating, the peer team's "
                   "finding, or not known).")

if table == "challenges" and n_scope < total:  # a joint challenge has a row for each partner council
    st.caption(f"{total:,} rows for {plural(n_scope, 'challenge')}: a joint challenge (one visit, one report) has a "
               "row for each partner council, and counts once in figures across councils.")

if total > len(df):
    st.caption(f"The table shows the first {len(df):,} of the {total:,} {plural_noun} (in the order of the downloads: "
               "by council, then challenge). Narrow the filters to see others here; the downloads hold every "
               f"one of the {total:,}.")
st.dataframe(
    _display_frame(df), hide_index=True, column_config=_column_config(table, df.columns),
    height=min(38 + 35 * len(df), 560), placeholder="",
)
st.caption("Blank cells are not known or not recorded. Hover over a column heading for what it means; the Excel "
           "download's Dictionary sheet lists every column with its type and allowed values.")


def _all_rows():
    """Every matching row, fetched when a download is asked for (not kept in the page's cache)."""
    return df if total == len(df) else ex.filtered_table(filters, table, run=ui.query_uncached)


def _xlsx() -> bytes:
    rows = _all_rows()
    return ex.to_xlsx_bytes(rows, filters, ex.sources_for(rows, table, run=ui.query_uncached), table=table,
                            council_names=council_names)


# ---- downloads: every matching row --------------------------------------------------------------
too_big = total > MAX_DOWNLOAD_ROWS
st.header("Download these rows")
if too_big:
    st.warning(
        f"Downloads from the browser hold at most {MAX_DOWNLOAD_ROWS:,} rows: these {total:,} would make a file of "
        "hundreds of megabytes and tie up the dashboard's server while it is made. Narrow the filters, or run the "
        "command below, which writes every matching row to a file on your own computer.", icon="📦")
else:
    if table == "recommendations":  # say what the records are, as the figure above does
        head, kinds = records_parts(by_kind)
        matching = f"the {head} that match" + (f" ({kinds})" if kinds else "")
    else:
        matching = f"the {total:,} matching {noun}"
    st.caption(
        f"All three files hold {matching}, with every column. The Excel file adds a data "
        "dictionary, the filters used and the sources behind these rows. Statuses and slippage buckets are "
        "written as codes (complete, in_progress …) that the dictionary explains."
    )
buttons = st.container(horizontal=True, gap="small")  # each button as wide as its label (columns cut "Parquet")
buttons.download_button(
    "Download CSV", data=lambda: ex.to_csv_bytes(_all_rows()), file_name=ex.default_filename(filters, table, "csv"),
    mime=ex.MIME["csv"], key="exp_dl_csv", icon=":material/download:", on_click="ignore", disabled=too_big,
    help="Comma-separated text (UTF-8 with a byte-order mark, so Excel reads £ and accents).",
)
buttons.download_button(
    "Download Excel", data=_xlsx,
    file_name=ex.default_filename(filters, table, "xlsx"), mime=ex.MIME["xlsx"], key="exp_dl_xlsx",
    icon=":material/download:", on_click="ignore", disabled=too_big,
    help="A workbook with sheets: Cover, Data, Dictionary, Filters and Sources.",
)
buttons.download_button(
    "Download Parquet", data=lambda: ex.to_parquet_bytes(_all_rows(), table=table, filters=filters),
    file_name=ex.default_filename(filters, table, "parquet"), mime=ex.MIME["parquet"], key="exp_dl_parquet",
    icon=":material/download:", on_click="ignore", disabled=too_big,
    help="Typed columnar file for analysis tools (pandas, R, DuckDB): dates as dates, lists as lists.",
)
st.caption("The same file from the command line (CSV; use `--format xlsx` or `--format parquet` for the others):")
st.code(ex.cli_command(filters, table, "csv"), language="bash", wrap_lines=True)
