"""Filtered tables and their downloads (peer_challenges/export.py, the explore page's code path) and the
``python -m peer_challenges export`` command, on the live dataset (marked live_data): Brentwood's and Stroud's
known rows, and invariants (a filter's rows are those of the unfiltered table that match it)."""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import subprocess
import sys

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from peer_challenges.export import dictionary as dd
from peer_challenges.export import tables as ex
from peer_challenges.cli import main

from conftest import ROOT

pytestmark = pytest.mark.live_data
BRENTWOOD = ex.Filters(councils=["brentwood"])
TODAY = dt.date(2026, 11, 22)


@functools.lru_cache(maxsize=None)
def _all_recommendations() -> pd.DataFrame:
    return ex.filtered_table(ex.Filters())


def all_recommendations() -> pd.DataFrame:
    return _all_recommendations().copy()


def norm(value):
    """A cell as comparable text: None for empty, dates as YYYY-MM-DD, lists joined with '; '."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return text if text != "" else None


def rows_of(df: pd.DataFrame) -> list[list]:
    return [[norm(v) for v in row] for row in df.itertuples(index=False, name=None)]


def read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False, na_values=[""])


def read_xlsx_sheet(data: bytes, sheet: str) -> tuple[list[str], list[list]]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    values = list(wb[sheet].iter_rows(values_only=True))
    return list(values[0]), [list(r) for r in values[1:]]


# ---- exact rows for known filters ------------------------------------------------------------------


def test_brentwood_has_nine_recommendations_two_complete():
    df = ex.filtered_table(BRENTWOOD)
    assert len(df) == 9
    assert df["recommendation_id"].tolist() == [f"brentwood-2024-03-r0{i}" for i in range(1, 10)]
    complete = df[df["latest_status"] == "complete"]
    assert sorted(complete["number"]) == ["3", "7"]
    assert (df["latest_status"] == "in_progress").sum() == 7
    assert df["source_url"].notna().all()


def test_stroud_2019_only():
    df = ex.filtered_table(ex.Filters(councils=["stroud"], year_from=2019, year_to=2019))
    assert df["number"].tolist() == [f"CRD{i}" for i in range(1, 9)]
    assert (df["latest_status"] == "complete").sum() == 3
    overdue = df[df["slippage_bucket"] == "open_overdue"]
    assert len(overdue) == 5 and set(overdue["slippage_days"]) == {183}
    assert set(overdue["revised_target"].dt.date) == {dt.date(2021, 3, 31)}


def test_filters_combine():
    assert len(ex.filtered_table(ex.Filters(councils=["brentwood"], statuses=["complete"]))) == 2
    assert len(ex.filtered_table(ex.Filters(councils=["brentwood"], themes=["Financial planning and management"]))) == 2
    # not_reported = recommendations with no status at all
    everything = ex.filtered_table(ex.Filters())
    unreported = ex.filtered_table(ex.Filters(statuses=["not_reported"]))
    assert len(unreported) == everything["latest_status"].isna().sum() > 0
    district = ex.filtered_table(ex.Filters(council_types=["district"], year_from=2019, year_to=2024))
    assert set(district["council_type"]) == {"district"}
    assert district["challenge_year"].between(2019, 2024).all()
    assert len(district) == ((everything["council_type"] == "district")
                             & everything["challenge_year"].between(2019, 2024)).sum()


def test_other_tables_for_brentwood():
    assert ex.filtered_table(BRENTWOOD, "challenges")["challenge_month"].tolist() == ["2021-11", "2024-03"]
    councils = ex.filtered_table(BRENTWOOD, "councils")
    assert councils[["council_name", "challenges", "recommendations_recorded"]].values.tolist() == [
        ["Brentwood Borough Council", 2, 9]]
    updates = ex.filtered_table(ex.Filters(councils=["brentwood"], statuses=["complete"]), "updates")
    assert set(updates["recommendation_number"]) == {"3", "7"}


def test_filters_that_do_not_apply_are_ignored():
    f = ex.Filters(councils=["brentwood"], year_from=2024, year_to=2024, statuses=["complete"], search="vision")
    assert ex.ignored_filters(f, "recommendations") == []
    assert ex.ignored_filters(f, "challenges") == ["Latest status", "Search"]
    assert ex.ignored_filters(f, "councils") == ["On-site years", "Latest status", "Search"]
    assert len(ex.filtered_table(f, "challenges")) == 1  # the 2024 one; status and search ignored
    assert len(ex.filtered_table(f, "councils")) == 1


def test_topic_filter_matches_any_of_the_topics():
    everything = ex.filtered_table(ex.Filters())
    topic = everything["topics"].explode().value_counts().index[0]
    df = ex.filtered_table(ex.Filters(topics=[topic]))
    assert len(df) == everything["topics"].map(lambda ts: topic in list(ts)).sum()


@pytest.mark.parametrize("text", [
    "vision", "VISION", "'", "\"", "%", "_", "\\", ";", "it's", "50%", "a_b", "'; DROP TABLE recommendations; --",
    "' OR '1'='1", "SELECT * FROM councils", "x" * 10_000, "£", "   vision   ",
])
def test_search_is_bound_safe_and_correct(text):
    everything = all_recommendations()
    df = ex.filtered_table(ex.Filters(search=text))
    needle = text.strip().lower()
    haystack = everything[["number", "title", "text"]].apply(
        lambda r: " ".join(str(v) for v in r if isinstance(v, str)).lower(), axis=1)
    expected = everything[haystack.str.contains(needle, regex=False)]
    assert df["recommendation_id"].tolist() == expected["recommendation_id"].tolist()
    if text.startswith("'; DROP"):
        assert len(ex.filtered_table(ex.Filters())) == len(everything)  # nothing was dropped or changed


@pytest.mark.parametrize("table", ex.TABLES)
def test_unfiltered_export_has_every_row_of_its_table(table):
    from peer_challenges.store.db import default_connection

    assert len(ex.filtered_table(ex.Filters(), table)) == default_connection().execute(
        f"SELECT count(*) FROM {table}").fetchone()[0]


def test_the_register_export_lists_every_council_since_2014_with_its_cycle():
    """The council register table (data/register): 365 councils, 317 of them in force today; abolished ones say
    so; a predecessor's challenge is not its successor's own; a joint record selects both councils."""
    df = ex.filtered_table(ex.Filters(), "council_register").set_index("council_id")
    assert len(df) == 365 and int((df["cycle_status"] != "not_in_force").sum()) == 317
    somerset = df.loc["somerset"]
    assert somerset["predecessor_ids"] == "somerset-county; mendip; sedgemoor; south-somerset; somerset-west-and-taunton"
    assert str(somerset["valid_from"])[:10] == "2023-04-01" and somerset["region_basis"] == "facts"
    assert df.loc["south-somerset", ["successor_ids", "cycle_status"]].tolist() == ["somerset", "not_in_force"]
    joint = ex.filtered_table(ex.Filters(councils=["chiltern-and-south-bucks"]), "council_register")
    assert joint["council_id"].tolist() == ["chiltern", "south-bucks"]


def test_search_finds_known_rows():
    df = ex.filtered_table(ex.Filters(councils=["brentwood"], search="One Team"))
    assert sorted(df["number"]) == ["5", "6"]


def test_resolve_filters_ignores_unknown_values():
    r = ex.resolve_filters(
        {"councils": ["brentwood", "no-such"], "statuses": ["complete", "done"], "themes": ["governance-and-culture"],
         "buckets": ["open-overdue"], "year_from": "2024", "year_to": "2019", "search": "  x "},
        councils=["brentwood", "stroud"], topics=[])
    assert r.filters.councils == ("brentwood",)
    assert r.filters.statuses == ("complete",)
    assert r.filters.themes == ("Governance and culture",)
    assert r.filters.buckets == ("open_overdue",)
    assert (r.filters.year_from, r.filters.year_to) == (2019, 2024)
    assert r.filters.search == "x"
    assert r.ignored == [("Council", "no-such"), ("Latest status", "done")]


# ---- the dictionary ------------------------------------------------------------------------------


@pytest.mark.parametrize("table", ex.TABLES)
def test_dictionary_names_every_exported_column(table):
    df = ex.filtered_table(ex.Filters(), table)
    cols = dd.columns(table)
    assert [c for c in df.columns if c not in cols] == []
    labels = [cols[c].label for c in df.columns]
    assert len(set(labels)) == len(labels), "Excel table headings must be unique"
    for name in df.columns:
        assert cols[name].meaning and cols[name].type in dd.TYPES, name
    # and the Excel dictionary sheet lists each of them
    headers, rows = read_xlsx_sheet(ex.to_xlsx_bytes(df, ex.Filters(), table=table), "Dictionary")
    assert headers == ["Column heading", "Field name", "Meaning", "Type", "Unit or allowed values"]
    assert [r[1] for r in rows] == list(df.columns)
    assert all(r[2] and r[2] != "(not described)" for r in rows)


def test_dictionary_describes_the_sources_sheet():
    df = ex.sources_for(ex.filtered_table(BRENTWOOD), "recommendations")
    assert list(df.columns) == list(dd.SOURCES_COLUMNS)


# ---- round trips: what is read back equals what was shown ------------------------------------------


@pytest.mark.parametrize("table,filters", [
    ("recommendations", BRENTWOOD),
    ("recommendations", ex.Filters(councils=["stroud"])),
    ("updates", ex.Filters(councils=["stroud"])),
    ("challenges", ex.Filters(regions=["London"])),
    ("councils", ex.Filters(council_types=["county"])),
])
def test_round_trip_every_format(table, filters):
    df = ex.filtered_table(filters, table)
    assert len(df) > 0
    shown = rows_of(ex.shown_frame(df))

    back = read_csv(ex.to_csv_bytes(df))
    assert list(back.columns) == list(df.columns)
    assert rows_of(back) == shown

    headers, rows = read_xlsx_sheet(ex.to_xlsx_bytes(df, filters, table=table), "Data")
    assert headers == [dd.columns(table)[c].label for c in df.columns]
    assert [[norm(v) for v in r] for r in rows] == shown

    pt = pq.read_table(io.BytesIO(ex.to_parquet_bytes(df, table=table)))
    assert pt.column_names == list(df.columns)
    assert [[norm(v) for v in r.values()] for r in pt.to_pylist()] == rows_of(df)


def test_csv_has_bom_and_reads_pound_and_accents():
    df = pd.DataFrame({"council_name": ["Café £5 Council"], "title": ["Næstved"]})
    data = ex.to_csv_bytes(df)
    assert data.startswith(b"\xef\xbb\xbf")
    assert read_csv(data).iloc[0].tolist() == ["Café £5 Council", "Næstved"]


def test_parquet_is_typed():
    pt = pq.read_table(io.BytesIO(ex.to_parquet_bytes(ex.filtered_table(BRENTWOOD), table="recommendations")))
    schema = pt.schema
    assert schema.field("target_date").type == pa.date32()
    assert schema.field("slippage_days").type == pa.int64()
    assert schema.field("challenge_year").type == pa.int64()
    assert schema.field("topics").type == pa.list_(pa.string())
    assert schema.field("title").type == pa.string()
    assert pt.column("target_date").to_pylist()[0] == dt.date(2024, 10, 31)
    assert b"table" in schema.metadata and schema.metadata[b"table"] == b"recommendations"


# ---- formula injection ----------------------------------------------------------------------------


def test_formula_like_text_is_neutralised_in_csv_and_excel():
    evil = ['=HYPERLINK("http://example.com/x","Click")', "+1+2", "-2+3", "@SUM(A1)", "\tTab", "\rCR", "fine"]
    df = pd.DataFrame({"title": evil, "slippage_days": pd.array([-5, 3, 0, 1, 2, 4, 6], dtype="Int64")})
    expected = ["'" + v for v in evil[:-1]] + ["fine"]

    back = pd.read_csv(io.BytesIO(ex.to_csv_bytes(df)), encoding="utf-8-sig", keep_default_na=False)
    assert back["title"].tolist() == expected
    assert back["slippage_days"].tolist() == [-5, 3, 0, 1, 2, 4, 6]  # numbers are left alone

    wb = openpyxl.load_workbook(io.BytesIO(ex.to_xlsx_bytes(df, ex.Filters(), table="recommendations")))
    ws = wb["Data"]
    cells = [ws.cell(row=r, column=1) for r in range(2, 2 + len(evil))]
    # the XML writer keeps \r (with lxml, which python-docx brings) or stores it as \n (the standard library's)
    assert [c.value.replace("\r", "\n") for c in cells] == [v.replace("\r", "\n") for v in expected]
    assert all(c.data_type == "s" for c in cells)  # text, never a formula
    assert ws.cell(row=2, column=2).value == -5


def test_search_text_in_the_filters_sheet_is_neutralised():
    f = ex.Filters(search="=1+1")
    _, rows = read_xlsx_sheet(ex.to_xlsx_bytes(ex.filtered_table(f), f, table="recommendations"), "Filters")
    assert ["Search", "'=1+1", None] in rows


# ---- the Excel workbook ---------------------------------------------------------------------------


def test_xlsx_has_data_dictionary_filters_and_sources():
    df = ex.filtered_table(BRENTWOOD)
    sources = ex.sources_for(df, "recommendations")
    data = ex.to_xlsx_bytes(df, BRENTWOOD, sources, table="recommendations",
                            council_names={"brentwood": "Brentwood Borough Council"},
                            generated=dt.datetime(2026, 11, 22, 9, 30))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Cover", "Data", "Dictionary", "Filters", "Sources"]
    for ws in wb.worksheets:
        assert not ws.merged_cells.ranges, f"{ws.title} has merged cells"
    for sheet, name in [("Data", "Recommendations"), ("Dictionary", "Dictionary"), ("Filters", "Filters"),
                        ("Sources", "Sources")]:
        tables = wb[sheet].tables
        assert list(tables) == [name]
        assert tables[name].ref.startswith("A1:")  # header in row 1, nothing above it
        assert wb[sheet].freeze_panes == "A2"
    assert wb["Data"].tables["Recommendations"].ref == "A1:AM10"  # 39 columns, 9 rows + header
    assert wb["Data"]["D2"].value == "As an urgent priority, agree a brief, clear political vision for the borough."
    assert wb["Data"]["L2"].value == dt.datetime(2024, 10, 31)  # a real date, formatted as one
    assert wb["Data"]["L2"].number_format == "yyyy-mm-dd"

    _, filt = read_xlsx_sheet(data, "Filters")
    as_dict = {r[0]: r[1] for r in filt}
    assert as_dict["Council"] == "Brentwood Borough Council (brentwood)"
    assert as_dict["Rows"] == 9
    assert as_dict["Generated"] == "2026-11-22 09:30:00"
    assert as_dict["Latest status"] == "(all)"

    headers, src = read_xlsx_sheet(data, "Sources")
    url = headers.index("Web address")
    assert {r[0] for r in src} == {"brentwood-2024-03-s1", "brentwood-2024-03-s5"}
    assert set(df["source_url"]) | set(df["status_source_url"]) == {r[url] for r in src}

    cover = [r[0] for r in wb["Cover"].iter_rows(values_only=True)]
    assert "This workbook holds the 9 recommendations" in cover[1]
    assert "Filters: Council: Brentwood Borough Council." in cover


def test_xlsx_of_an_empty_table_still_opens():
    f = ex.Filters(search="no such text anywhere")
    df = ex.filtered_table(f)
    assert df.empty
    wb = openpyxl.load_workbook(io.BytesIO(ex.to_xlsx_bytes(df, f, table="recommendations")))
    assert wb["Data"].max_row <= 2


def test_challenges_xlsx_lists_every_source_of_the_challenges():
    df = ex.filtered_table(ex.Filters(councils=["stroud"]), "challenges")
    sources = ex.sources_for(df, "challenges")
    assert set(sources["challenge_id"]) == {"stroud-2019-03", "stroud-2022-03"}
    assert len(sources) == df["sources_count"].sum()


# ---- file names -----------------------------------------------------------------------------------


def test_default_filename_says_what_and_when():
    assert ex.default_filename(BRENTWOOD, "recommendations", "xlsx", TODAY) == "peer-challenges_brentwood_2026-11-22.xlsx"
    f = ex.Filters(council_types=["district"], year_from=2019, year_to=2024)
    assert ex.default_filename(f, "recommendations", "csv", TODAY) == \
        "peer-challenges_recommendations_district_2019-2024_2026-11-22.csv"
    assert ex.default_filename(ex.Filters(), "updates", "parquet", TODAY) == "peer-challenges_updates_2026-11-22.parquet"
    g = ex.Filters(councils=["stroud"], statuses=["complete"], search="x" * 10_000)
    assert ex.default_filename(g, "councils", "csv", TODAY) == "peer-challenges_councils_stroud_2026-11-22.csv"
    assert len(ex.default_filename(ex.Filters(councils=[f"c{i}" for i in range(3)], search="y"), fmt="csv")) < 130


# ---- the command line -----------------------------------------------------------------------------


def test_cli_writes_brentwood_csv(tmp_path):
    out = tmp_path / "brentwood.csv"
    result = subprocess.run(
        [sys.executable, "-m", "peer_challenges", "export", "--council", "brentwood", "--format", "csv", "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "wrote 9 recommendations" in result.stderr
    df = read_csv(out.read_bytes())
    assert len(df) == 9
    assert df["source_url"].str.startswith("https://").all()
    assert df["latest_status"].value_counts().to_dict() == {"in_progress": 7, "complete": 2}


def test_cli_gives_the_same_rows_in_all_three_formats(tmp_path):
    for fmt in ex.FORMATS:
        assert main(["export", "--council", "brentwood", "--format", fmt, "-o", str(tmp_path / f"b.{fmt}")]) == 0
    page_rows = ex.filtered_table(BRENTWOOD)
    shown = rows_of(ex.shown_frame(page_rows))
    assert rows_of(read_csv((tmp_path / "b.csv").read_bytes())) == shown
    _, xrows = read_xlsx_sheet((tmp_path / "b.xlsx").read_bytes(), "Data")
    assert [[norm(v) for v in r] for r in xrows] == shown
    pt = pq.read_table(tmp_path / "b.parquet")
    assert [[norm(v) for v in r.values()] for r in pt.to_pylist()] == rows_of(page_rows)


def test_cli_filters_and_table(tmp_path):
    out = tmp_path / "x.csv"
    assert main(["export", "--council", "stroud", "--from-year", "2019", "--to-year", "2019", "--status", "complete",
                 "-o", str(out)]) == 0
    assert read_csv(out.read_bytes())["number"].tolist() == ["CRD1", "CRD2", "CRD5"]
    assert main(["export", "--table", "challenges", "--council", "brentwood", "-o", str(out)]) == 0
    assert len(read_csv(out.read_bytes())) == 2
    assert main(["export", "--council", "brentwood", "-o", str(tmp_path)]) == 0  # a folder: named after filters
    assert any(p.name.startswith("peer-challenges_brentwood_") for p in tmp_path.iterdir())


def test_record_kind_filter_on_the_page_path_and_the_command_line(tmp_path, capsys):
    """Stroud's records are 8 recommendations (2019) and 5 inferred from the text (2022): the record-kind
    filter takes either, in the table, its description, the file name and the equivalent command."""
    inferred = ex.Filters(councils=["stroud"], kinds=["inferred"])
    df = ex.filtered_table(inferred)
    assert len(df) == 5 and set(df["record_kind"]) == {"inferred"} and set(df["challenge_month"]) == {"2022-03"}
    assert len(ex.filtered_table(ex.Filters(councils=["stroud"], kinds=["recommendation", "inferred"]))) == 13
    assert ex.describe(inferred, {"stroud": "Stroud District Council"}) == \
        "Council: Stroud District Council; Record kind: Recommendation inferred from the text"
    assert ex.default_filename(inferred, today=TODAY) == "peer-challenges_recommendations_stroud_inferred_2026-11-22.csv"
    assert "--kind inferred" in ex.cli_command(inferred)
    # progress updates follow their recommendation's kind; tables of challenges or councils ignore it
    assert set(ex.filtered_table(inferred, "updates")["challenge_id"]) <= {"stroud-2022-03"}
    assert ex.ignored_filters(inferred, "challenges") == ["Record kind"]
    resolved = ex.resolve_filters({"kinds": ["Headings", "heading_or_group", "chapter"]}, councils=[], topics=[])
    assert resolved.filters.kinds == ("heading_or_group",) and resolved.ignored == [("Record kind", "chapter")]
    out = tmp_path / "x.csv"
    assert main(["export", "--council", "stroud", "--kind", "inferred", "-o", str(out)]) == 0
    assert read_csv(out.read_bytes())["record_kind"].tolist() == ["inferred"] * 5
    assert main(["export", "--kind", "chapter", "-o", str(out)]) == 2
    assert "unknown record kind 'chapter' (expected one of: recommendation, placeholder" in capsys.readouterr().err


def test_cli_rejects_bad_input(tmp_path, capsys):
    assert main(["export", "--council", "brentwod", "--status", "done", "-o", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert "unknown council 'brentwod' (did you mean brentwood" in err
    assert "unknown latest status 'done'" in err
    assert main(["export", "--council", "brentwood", "-o", str(tmp_path / "x.txt")]) == 2
    assert "--format" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_xlsx_cover_says_what_the_records_are_on_the_fixture(on_fixture):
    # the fixture's 106 recommendation records: 79 recommendations, Tower Hamlets' 18 headings, Fylde's 9
    # placeholders (as the Explore page says); Brentwood's 9 are all recommendations
    every = ex.filtered_table(ex.Filters())
    wb = openpyxl.load_workbook(io.BytesIO(ex.to_xlsx_bytes(every, ex.Filters(), table="recommendations")))
    assert [r[0] for r in wb["Cover"].iter_rows(values_only=True)][1].startswith(
        "This workbook holds the 106 records (79 recommendations, 18 headings and 9 placeholders) that matched")
    brentwood = ex.filtered_table(BRENTWOOD)
    wb = openpyxl.load_workbook(io.BytesIO(ex.to_xlsx_bytes(brentwood, BRENTWOOD, table="recommendations")))
    assert [r[0] for r in wb["Cover"].iter_rows(values_only=True)][1].startswith(
        "This workbook holds the 9 recommendations that matched")
