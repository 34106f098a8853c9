"""Issue 2: the dataset — contract tests on the built Parquet, known answers, build behaviour.

Tests marked live_data run on the live dataset (data/, or PEER_CHALLENGES_LIVE_DATA): the contract, keys,
relationships, the seed councils' known answers and invariants. Known answers of other councils are checked on
the frozen fixture dataset (tests/fixtures/dataset), and the build's error handling on a copy of it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from peer_challenges.store.build import build
from peer_challenges.store.db import connect, run_query
from peer_challenges.store.contract import DERIVED_TABLES, TABLES
from peer_challenges.domain.vocab import COUNCIL_TYPES, REGIONS, STATUSES
from tests.conftest import FIXTURE_DATASET, LIVE_DATA, copy_inputs, require_facts

ROOT = Path(__file__).resolve().parents[2]
DATA = LIVE_DATA
D = dt.date
live_data = pytest.mark.live_data


@pytest.fixture(scope="module")
def db():
    conn = connect(DATA)
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def fx(fixture_data):
    """The frozen fixture dataset."""
    conn = connect(fixture_data)
    yield conn
    conn.close()


def one(db, sql, *params):
    return db.execute(sql, list(params)).fetchone()


# ---- data contract (DESIGN.md: names are fixed; types as in schema.TABLES)
DESIGN_COLUMNS = {
    "councils": "council_id name ons_code council_type region",
    "challenges": "challenge_id council_id kind onsite_start onsite_end report_published action_plan_approved "
                  "progress_review_onsite progress_review_published people_met meetings_held recommendations_total",
    "recommendations": "recommendation_id challenge_id council_id number title text core_theme topics accountable "
                       "responsible target_raw target_date target_precision",
    "updates": "update_id recommendation_id as_of as_of_precision status rag revised_target note source_id",
    "sources": "source_id url title kind published",
    "progress_snapshots": "snapshot_id challenge_id as_of as_of_precision unit total complete in_progress "
                          "not_started rag_green rag_amber rag_red source_id",
    # DESIGN.md round 2 (issue 12)
    "council_register": "council_id gss_code name council_type region valid_from valid_to successor_ids "
                        "predecessor_ids",
}


@live_data
@pytest.mark.parametrize("table", list(TABLES))
def test_tables_have_the_contract_columns_and_types(db, table):
    described = {r[0]: r[1] for r in db.execute(f"DESCRIBE {table}").fetchall()}
    for col in DESIGN_COLUMNS[table].split():
        assert col in described, f"{table}.{col} missing"
    for col, typ in TABLES[table].items():
        assert described[col] == typ, f"{table}.{col}: {described[col]} != {typ}"


KEYS = {"councils": "council_id", "challenges": "challenge_id", "recommendations": "recommendation_id",
        "updates": "update_id", "sources": "source_id", "progress_snapshots": "snapshot_id",
        "recommendation_status": "recommendation_id", "council_register": "council_id"}


@live_data
@pytest.mark.parametrize("table,key", list(KEYS.items()))
def test_keys_unique_and_not_null(db, table, key):
    n, distinct, nulls = one(db, f"SELECT count(*), count(DISTINCT {key}), count(*) - count({key}) FROM {table}")
    assert nulls == 0 and n == distinct


@pytest.mark.parametrize("sql", [
    "SELECT count(*) FROM councils WHERE council_type NOT IN ({types})",
    "SELECT count(*) FROM councils WHERE region NOT IN ({regions})",
    "SELECT count(*) FROM updates WHERE status IS NOT NULL AND status NOT IN ({statuses})",
    "SELECT count(*) FROM updates WHERE rag IS NOT NULL AND rag NOT IN ('red', 'amber', 'green')",
    "SELECT count(*) FROM progress_snapshots WHERE unit NOT IN ('recommendations', 'actions')",
    "SELECT count(*) FROM recommendations WHERE target_date IS NOT NULL AND target_precision NOT IN ('day','month','quarter','season','year')",
    "SELECT count(*) FROM recommendations WHERE (target_date IS NULL) <> (target_precision IS NULL)",
    "SELECT count(*) FROM updates WHERE (as_of IS NULL) <> (as_of_precision IS NULL)",
    "SELECT count(*) FROM challenges WHERE (onsite_start IS NULL) <> (onsite_start_precision IS NULL)",
    "SELECT count(*) FROM recommendation_status WHERE slippage_bucket NOT IN ('on_time','late','open_overdue','open_not_due','no_target','unknown')",
    "SELECT count(*) FROM recommendations WHERE core_theme IS NOT NULL AND core_theme NOT IN ('Local priorities and outcomes','Organisational and place leadership','Governance and culture','Financial planning and management','Capacity for improvement','Council-requested focus')",
    "SELECT count(*) FROM challenges WHERE kind IS NULL",
    "SELECT count(*) FROM challenges WHERE (onsite_start IS NULL) <> (challenge_month IS NULL)",
])
@live_data
def test_accepted_values(db, sql):
    sql = sql.format(
        types=", ".join(f"'{t}'" for t in COUNCIL_TYPES), regions=", ".join(f"'{r}'" for r in REGIONS),
        statuses=", ".join(f"'{s}'" for s in STATUSES),
    )
    assert one(db, sql)[0] == 0


@pytest.mark.parametrize("child,fk,parent,pk", [
    ("updates", "recommendation_id", "recommendations", "recommendation_id"),
    ("recommendations", "challenge_id", "challenges", "challenge_id"),
    ("challenges", "council_id", "councils", "council_id"),
    ("progress_snapshots", "challenge_id", "challenges", "challenge_id"),
    ("sources", "challenge_id", "challenges", "challenge_id"),
    ("updates", "source_id", "sources", "source_id"),
    ("recommendations", "source_id", "sources", "source_id"),
    ("progress_snapshots", "source_id", "sources", "source_id"),
])
@live_data
def test_relationships(db, child, fk, parent, pk):
    orphans = one(db, f"SELECT count(*) FROM {child} c WHERE c.{fk} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.{pk} = c.{fk})")[0]
    assert orphans == 0


@live_data
def test_recommendation_council_matches_its_challenge(db):
    assert one(db, "SELECT count(*) FROM recommendations r JOIN challenges c USING (challenge_id) WHERE r.council_id <> c.council_id")[0] == 0


# ---- coverage
@live_data
def test_one_council_per_source_folder_and_one_challenge_per_source_file(db):
    files = sorted((DATA / "sources").glob("*/*.yaml"))
    assert files, f"no source files under {DATA / 'sources'}"
    assert one(db, "SELECT count(*) FROM councils")[0] == len({p.parent.name for p in files})
    assert one(db, "SELECT count(*) FROM challenges")[0] == len(files)
    built = {f"{c}/{m or 'unknown'}" for c, m in db.execute("SELECT council_id, challenge_month FROM challenges").fetchall()}
    assert built == {f"{p.parent.name}/{p.name[:7]}" for p in files}


@live_data
def test_every_council_and_challenge_in_the_facts_is_present(db):
    """Every challenge collected in ../shared/facts has its council and challenge here (councils added by hand
    since may have no facts file)."""
    keys = {p.name.split(".")[0] for p in require_facts().glob("*__*.json")}
    built = {f"{c}__{m or 'unknown'}" for c, m in db.execute("SELECT council_id, challenge_month FROM challenges").fetchall()}
    assert keys and keys <= built, sorted(keys - built)[:10]


def test_fixture_dataset_totals(fx):
    """The frozen fixture's known answers (tests/fixtures/dataset/README.md)."""
    counts = {t: one(fx, f"SELECT count(*) FROM {t}")[0] for t in TABLES}
    assert counts == {"councils": 14, "challenges": 18, "recommendations": 106, "updates": 47, "sources": 74,
                      "council_register": 365,  # a copy of data/register: every English council since 2014
                      "progress_snapshots": 8}
    assert one(fx, "SELECT count(DISTINCT challenge_id), count(*) FILTER (WHERE record_flag = 'heading_or_group') "
                   "FROM recommendations") == (13, 18)
    assert one(fx, "SELECT count(recommendations_total), sum(recommendations_total), count(progress_review_onsite) "
                   "FROM challenges") == (7, 72, 10)


@live_data
def test_priority_councils_present(db):
    ids = {r[0] for r in db.execute("SELECT council_id FROM councils").fetchall()}
    assert {"breckland", "brentwood", "castle-point", "bcp", "stroud"} <= ids


def test_unknown_visit_date_is_kept_not_guessed(fx):
    row = one(fx, "SELECT challenge_month, onsite_start FROM challenges WHERE challenge_id = 'kensington-and-chelsea-unknown'")
    assert row == (None, None)


# ---- known answers from the seeds
@live_data
def test_brentwood_2024(db):
    rows = db.execute("""SELECT r.number, r.target_date, s.latest_status, s.latest_as_of
                         FROM recommendations r JOIN recommendation_status s USING (recommendation_id)
                         WHERE r.challenge_id = 'brentwood-2024-03' ORDER BY r.seq""").fetchall()
    assert len(rows) == 9
    assert [r[1] for r in rows] == [D(2024, 10, 31), D(2024, 12, 31), D(2024, 5, 31), D(2024, 9, 30), D(2025, 1, 31),
                                    D(2024, 11, 30), D(2024, 6, 30), D(2024, 11, 30), D(2024, 10, 31)]
    assert [r[0] for r in rows if r[2] == "complete"] == ["3", "7"]
    assert sum(r[2] == "in_progress" for r in rows) == 7
    assert all(r[3] is None for r in rows)  # the page does not date its status column: unknown, not guessed
    assert one(db, "SELECT accountable, responsible, target_raw FROM recommendations WHERE challenge_id = 'brentwood-2024-03' AND number = '7'") == (
        "Chief Executive", "Interim Director of Resources (s151)", "Jun 24")


@live_data
def test_breckland_2022(db):
    ch = one(db, "SELECT recommendations_total, recommendations_recorded, people_met, people_met_lower_bound, meetings_held, focus_areas, progress_review_onsite, progress_review_onsite_precision FROM challenges WHERE challenge_id = 'breckland-2022-06'")
    assert ch == (10, 10, 90, True, 38, ["Inspiring Communities"], D(2023, 3, 31), "month")
    texts = [r[0] for r in db.execute("SELECT text FROM recommendations WHERE challenge_id = 'breckland-2022-06' ORDER BY seq").fetchall()]
    assert texts[1] == "Consider whether the council needs to raise finance through borrowing in order to meet council priorities."
    assert one(db, "SELECT count(*) FROM recommendations WHERE challenge_id = 'breckland-2022-06' AND core_theme IS NOT NULL AND len(topics) > 0")[0] == 10


@live_data
def test_stroud_2019(db):
    ch = one(db, "SELECT onsite_start, onsite_end, people_met, meetings_held, report_published, recommendations_total FROM challenges WHERE challenge_id = 'stroud-2019-03'")
    assert ch == (D(2019, 3, 26), D(2019, 3, 29), 107, 47, D(2019, 5, 16), 8)
    rows = db.execute("SELECT number, latest_status, completed_on, target_date, revised_target, slippage_days, slippage_bucket FROM recommendation_status WHERE challenge_id = 'stroud-2019-03' ORDER BY seq").fetchall()
    assert [r[0] for r in rows] == [f"CRD{i}" for i in range(1, 9)]
    complete = [r for r in rows if r[1] == "complete"]
    assert [r[0] for r in complete] == ["CRD1", "CRD2", "CRD5"] and all(r[2] <= D(2020, 3, 31) for r in complete)
    open_ = [r for r in rows if r[1] == "in_progress"]
    assert len(open_) == 5 and {(r[3], r[4], r[5], r[6]) for r in open_} == {(D(2020, 3, 31), D(2021, 3, 31), 183, "open_overdue")}
    # the facts' unnumbered senior-management item is CRD1: its 2019 updates are attached, no ninth record
    assert one(db, "SELECT count(*) FROM updates WHERE recommendation_id = 'stroud-2019-03-r01'")[0] == 3


@live_data
def test_bcp_2021_and_castle_point(db):
    assert one(db, "SELECT recommendations_total, peer_team_size, action_plan_approved, progress_review_onsite FROM challenges WHERE challenge_id = 'bcp-2021-11'") == (
        12, 8, D(2022, 4, 13), D(2022, 12, 1))
    assert one(db, "SELECT onsite_start, onsite_end, progress_review_onsite, recommendations_recorded, recommendations_total FROM challenges WHERE challenge_id = 'castle-point-2024-09'") == (
        D(2024, 9, 3), D(2024, 9, 5), D(2025, 11, 18), 5, None)


def test_snapshots_keep_their_unit(fx):
    rows = fx.execute("SELECT unit, total, complete FROM progress_snapshots WHERE challenge_id = 'cheshire-east-2024-03' ORDER BY unit").fetchall()
    assert rows == [("actions", 73, 51), ("recommendations", 18, 4)]


@live_data
def test_every_record_cites_a_source(db):
    assert one(db, "SELECT count(*) FROM updates WHERE source_id IS NULL")[0] == 0
    assert one(db, "SELECT count(*) FROM progress_snapshots WHERE source_id IS NULL")[0] == 0
    assert one(db, "SELECT count(*) FROM challenges c WHERE NOT EXISTS (SELECT 1 FROM sources s WHERE s.challenge_id = c.challenge_id)")[0] == 0


# ---- the query layer
@live_data
def test_run_query_binds_parameters(db):
    df = run_query("recommendation_status", council_id="stroud")
    assert len(df) == 13  # 8 from 2019 + 5 from 2022
    hostile = run_query("recommendation_status", council_id="'; DROP TABLE councils; --")
    assert len(hostile) == 0
    assert len(run_query("council_summary")) == one(db, "SELECT count(*) FROM councils")[0]  # nothing dropped


@live_data
def test_query_cli_json():
    out = subprocess.run([sys.executable, "-m", "peer_challenges", "query", "recommendation_status",
                          "--param", "council_id=brentwood", "--format", "json"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    rows = json.loads(out)
    assert len(rows) == 9 and rows[0]["target_date"] == "2024-10-31"


def test_query_cli_unknown_query_is_a_clear_error():
    res = subprocess.run([sys.executable, "-m", "peer_challenges", "query", "../etc/passwd"], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 2 and "unknown query" in res.stderr and "Traceback" not in res.stderr


# ---- the build
def _tables(folder: Path) -> dict:
    return {t: pq.read_table(folder / f"{t}.parquet") for t in list(TABLES) + list(DERIVED_TABLES)}


@live_data
def test_committed_parquet_equals_a_fresh_build(tmp_path):
    build(DATA, tmp_path)
    fresh, committed = _tables(tmp_path), _tables(DATA)
    for name in fresh:
        assert fresh[name].equals(committed[name]), f"data/{name}.parquet is stale: run python -m peer_challenges build"


@live_data
def test_build_is_deterministic(tmp_path):
    build(DATA, tmp_path / "a")
    build(DATA, tmp_path / "b")
    for p in (tmp_path / "a").glob("*.parquet"):
        assert hashlib.sha256(p.read_bytes()).digest() == hashlib.sha256((tmp_path / "b" / p.name).read_bytes()).digest()


@pytest.fixture(scope="module")
def _built_copy(tmp_path_factory):
    target = copy_inputs(FIXTURE_DATASET, tmp_path_factory.mktemp("built") / "data")
    build(target)
    return target


@pytest.fixture
def data_copy(_built_copy, tmp_path):
    """A private copy of the fixture dataset with freshly built Parquet, to break and rebuild."""
    target = tmp_path / "data"
    shutil.copytree(_built_copy, target)
    return target


def _run_build(folder: Path):
    return subprocess.run([sys.executable, "-m", "peer_challenges", "build", "--data-dir", str(folder)],
                          cwd=ROOT, capture_output=True, text=True)


def _digest(folder: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.parquet")}


@pytest.mark.parametrize("old,new,expected", [
    ("target_raw: Oct 24\n  target: null", "target_raw: Oct 24\n  target: 31/02/2025", "recommendations[0] (number '1').target"),
    ("  people_met: null", "  people_met: lots", "challenge.people_met"),
    ("council_type: district", "council_type: borough", "council.council_type"),
    ("  onsite_start: '2024-03-05'", "  onsite_start: '2024-04-05'", "does not match challenge.onsite_start"),
])
def test_a_broken_source_file_fails_clearly_and_leaves_parquet_untouched(data_copy, old, new, expected):
    path = data_copy / "sources" / "brentwood" / "2024-03-corporate-peer-challenge.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    before = _digest(data_copy)
    res = _run_build(data_copy)
    assert res.returncode != 0
    assert "Traceback" not in res.stderr
    assert "sources/brentwood/2024-03-corporate-peer-challenge.yaml" in res.stderr
    if expected:
        assert expected in res.stderr
    assert _digest(data_copy) == before
    assert not list(data_copy.glob(".build-*")), "temporary build folder left behind"


def test_a_council_missing_from_the_register_fails_the_build_naming_it(data_copy):
    """Every council of the source files must be in data/register/councils.csv: a new one fails the build with
    its id in the message, and the previous Parquet stays as it was."""
    src = ROOT / "tests" / "fixtures" / "new_council" / "2024-06-corporate-peer-challenge.yaml"
    text = src.read_text(encoding="utf-8").replace("council_id: middlesbrough", "council_id: made-up-borough")
    (data_copy / "sources" / "made-up-borough").mkdir()
    (data_copy / "sources" / "made-up-borough" / src.name).write_text(text, encoding="utf-8")
    before = _digest(data_copy)
    res = _run_build(data_copy)
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr
    assert "made-up-borough" in res.stderr and "register" in res.stderr
    assert _digest(data_copy) == before


def test_a_gss_code_that_disagrees_with_the_register_fails_the_build(data_copy):
    path = data_copy / "sources" / "brentwood" / "2024-03-corporate-peer-challenge.yaml"
    text = path.read_text(encoding="utf-8")
    code = "E07000068"  # Brentwood's GSS code
    assert code in text
    path.write_text(text.replace(code, "E07000069"), encoding="utf-8")
    for other in (data_copy / "sources" / "brentwood").glob("*.yaml"):
        other.write_text(other.read_text(encoding="utf-8").replace(code, "E07000069"), encoding="utf-8")
    res = _run_build(data_copy)
    assert res.returncode == 2, res.stderr
    assert "council brentwood: ons_code E07000069 in its source files, E07000068 in the register" in res.stderr


def test_the_register_is_built_with_the_councils_that_stand_for_each_row(data_copy):
    conn = connect(data_copy)
    rows = conn.execute("SELECT council_id, facts_council_ids FROM council_register "
                        "WHERE len(facts_council_ids) > 0 ORDER BY council_id").fetchall()
    assert len(rows) == 14 and all(ids == [cid] for cid, ids in rows)  # the fixture's 14 councils
    assert conn.execute("SELECT count(*) FROM council_register").fetchone()[0] == 365


def test_broken_status_names_record_and_field(data_copy):
    path = data_copy / "sources" / "brentwood" / "2024-03-corporate-peer-challenge.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("status: complete", "status: finished", 1), encoding="utf-8")
    res = _run_build(data_copy)
    assert res.returncode == 2
    line = next(l for l in res.stderr.splitlines() if "status" in l and "finished" in l)
    assert "recommendations[2] (number '3').updates[0].status" in line and "complete" in line


def test_invalid_yaml_names_the_line(data_copy):
    path = data_copy / "sources" / "stroud" / "2019-03-corporate-peer-challenge.yaml"
    path.write_text("council: [unclosed\n", encoding="utf-8")
    res = _run_build(data_copy)
    assert res.returncode == 2 and "stroud/2019-03-corporate-peer-challenge.yaml" in res.stderr and "line" in res.stderr


@live_data
def test_sources_are_up_to_date_with_the_facts():
    facts = require_facts()
    res = subprocess.run([sys.executable, "scripts/facts_to_sources.py", "--check", "--facts", str(facts), "--out", str(DATA)],
                         cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_count_by_a_column_of_a_named_query(fx):
    """run_count_by groups a named query's rows by one of its columns with the same bound parameters as
    run_count: the fixture's recommendation records by kind, all and at one council; a column that is not a
    plain name is refused before any SQL is built."""
    from peer_challenges.domain.errors import UserError
    from peer_challenges.store.db import run_count, run_count_by

    kinds = run_count_by("explore__recommendations", "record_kind", conn=fx, limit=5)
    assert kinds == {"recommendation": 74, "inferred": 5, "heading_or_group": 18, "placeholder": 9}
    assert sum(kinds.values()) == run_count("explore__recommendations", conn=fx)
    assert run_count_by("explore__recommendations", "record_kind", conn=fx, councils=["stroud"]) == \
        {"recommendation": 8, "inferred": 5}
    with pytest.raises(UserError, match="not a column name"):
        run_count_by("explore__recommendations", 'record_kind" FROM x; --', conn=fx)
