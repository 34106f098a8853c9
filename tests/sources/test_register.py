"""Known answers on the committed council register (data/register/councils.csv) and its validation."""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from peer_challenges.devtools import register as generator
from peer_challenges.domain.errors import UserError
from peer_challenges.sources.register import in_force, load_register

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
REGISTER = DATA / "register" / "councils.csv"


@pytest.fixture(scope="module")
def rows():
    return load_register(DATA)


def _by_type(rows, day):
    live = set(in_force(rows, day))
    return Counter(r["council_type"] for r in rows if r["council_id"] in live)


def test_in_force_on_2026_12_01(rows):
    assert len(in_force(rows, date(2026, 12, 1))) == 317
    assert _by_type(rows, date(2026, 12, 1)) == {
        "county": 21, "district": 164, "metropolitan": 36, "london_borough": 33, "unitary": 63}


def test_in_force_on_2021_04_01_is_the_lookup(rows):
    assert len(in_force(rows, date(2021, 4, 1))) == 333
    assert _by_type(rows, date(2021, 4, 1)) == {
        "county": 24, "district": 181, "metropolitan": 36, "london_borough": 33, "unitary": 59}
    # the day before, Northamptonshire's county and seven districts were still in force
    assert _by_type(rows, date(2021, 3, 31)) == {
        "county": 25, "district": 188, "metropolitan": 36, "london_borough": 33, "unitary": 57}


def test_in_force_at_the_start_of_the_register(rows):
    # 27 counties + 326 lower-tier councils (201 districts, 36 metropolitan, 33 London incl. the City, 56 unitary)
    assert len(in_force(rows, date(2014, 4, 1))) == 353
    assert _by_type(rows, date(2014, 4, 1)) == {
        "county": 27, "district": 201, "metropolitan": 36, "london_borough": 33, "unitary": 56}


def test_sui_generis_councils_keep_their_types(rows):
    by_code = {r["gss_code"]: r for r in rows}
    assert by_code["E09000001"]["council_type"] == "london_borough"
    assert by_code["E06000053"]["council_type"] == "unitary"
    assert {by_code[c]["type_basis"] for c in ("E09000001", "E06000053")} == {"assigned (sui generis)"}


def test_somerset_council_predecessors(rows):
    by_id = {r["council_id"]: r for r in rows}
    somerset = by_id["somerset"]
    assert somerset["gss_code"] == "E06000066" and somerset["valid_from"] == date(2023, 4, 1)
    names = {by_id[p]["name"] for p in somerset["predecessor_ids"]}
    assert names == {"Somerset County Council", "Mendip", "Sedgemoor", "South Somerset District Council",
                     "Somerset West and Taunton"}
    assert {by_id[p]["gss_code"] for p in somerset["predecessor_ids"]} == {
        "E10000027", "E07000187", "E07000188", "E07000189", "E07000246"}
    swt = by_id["somerset-west-and-taunton"]
    assert (swt["valid_from"], swt["valid_to"]) == (date(2019, 4, 1), date(2023, 4, 1))
    assert set(swt["predecessor_ids"]) == {"taunton-deane", "west-somerset"}


def test_dorset_county_council_successors(rows):
    by_code = {r["gss_code"]: r for r in rows}
    dorset_cc = by_code["E10000009"]
    assert dorset_cc["valid_to"] == date(2019, 4, 1)
    assert set(dorset_cc["successor_ids"]) == {"bcp", "dorset"}
    assert {by_code["E06000058"]["council_id"], by_code["E06000059"]["council_id"]} == {"bcp", "dorset"}


def test_every_council_of_our_facts_is_in_the_register():
    ids = pq.read_table(DATA / "councils.parquet", columns=["council_id"]).column("council_id").to_pylist()
    rows = load_register(DATA, ids)  # chiltern-and-south-bucks through aliases.yaml
    assert {"chiltern", "south-bucks"} <= {r["council_id"] for r in rows}


def test_rows_have_the_documented_shape(rows):
    assert len({r["council_id"] for r in rows}) == len({r["gss_code"] for r in rows}) == len(rows)
    assert all(r["region"] for r in rows)
    assert set(rows[0]) == {"council_id", "gss_code", "name", "council_type", "region", "valid_from", "valid_to",
                            "successor_ids", "predecessor_ids", "region_basis", "type_basis", "source"}


def test_the_register_is_reproducible(capsys):
    assert generator.main(["--check"]) == 0, capsys.readouterr().err


# ---------------------------------------------------------------------------------------- validation errors
def _copy(tmp_path, edit=None) -> Path:
    """A data folder holding a copy of the register; edit(rows) may change the rows (list of dicts)."""
    folder = tmp_path / "data"
    shutil.copytree(DATA / "register", folder / "register")
    if edit:
        path = folder / "register" / "councils.csv"
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            fields, records = reader.fieldnames, list(reader)
        edit(records)
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(records)
    return folder


def test_a_council_not_in_the_register_is_named(tmp_path):
    folder = _copy(tmp_path)
    with pytest.raises(UserError) as err:
        load_register(folder, ["brentwood", "atlantis-borough", "chiltern-and-south-bucks"])
    message = str(err.value)
    assert "atlantis-borough" in message and "councils.csv" in message
    assert "brentwood" not in message and "chiltern-and-south-bucks" not in message


def test_a_duplicate_gss_code_names_file_row_and_field(tmp_path):
    def edit(records):
        records[4]["gss_code"] = records[3]["gss_code"]

    with pytest.raises(UserError) as err:
        load_register(_copy(tmp_path, edit))
    message = str(err.value)
    assert "councils.csv row 5 (line 6), field gss_code: duplicate" in message
    assert "also row 4" in message


def test_a_bad_date_names_file_row_and_field(tmp_path):
    def edit(records):
        records[9]["valid_from"] = "2014-13-01"

    with pytest.raises(UserError) as err:
        load_register(_copy(tmp_path, edit))
    assert "councils.csv row 10 (line 11), field valid_from: '2014-13-01' is not a date" in str(err.value)


def test_valid_to_must_be_after_valid_from(tmp_path):
    def edit(records):
        row = next(r for r in records if r["council_id"] == "bournemouth")
        row["valid_from"] = "2019-04-01"

    with pytest.raises(UserError, match=r"field valid_to: 2019-04-01 is not after valid_from 2019-04-01"):
        load_register(_copy(tmp_path, edit))


def test_a_non_reciprocal_successor_link_is_reported(tmp_path):
    def edit(records):
        row = next(r for r in records if r["council_id"] == "bcp")
        row["predecessor_ids"] = "bournemouth;christchurch;dorset-county"  # poole dropped

    with pytest.raises(UserError) as err:
        load_register(_copy(tmp_path, edit))
    message = str(err.value)
    assert "field successor_ids: 'bcp' does not list 'poole' in its predecessor_ids" in message


def test_a_type_outside_the_vocabulary_is_reported(tmp_path):
    def edit(records):
        records[0]["council_type"] = "parish"

    with pytest.raises(UserError, match=r"row 1 \(line 2\), field council_type: 'parish' is not one of"):
        load_register(_copy(tmp_path, edit))


def test_check_fails_when_the_committed_file_differs(tmp_path, capsys):
    folder = _copy(tmp_path, lambda records: records[0].update(name="Hartlepool (edited)"))
    assert generator.main(["--check", "--data", str(folder)]) == 1
    assert "Hartlepool (edited)" in capsys.readouterr().err
