"""The synthetic national dataset: valid, in the contract's shape, deterministic, visibly synthetic."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from peer_challenges.store import db as data
from peer_challenges.devtools import synth
from peer_challenges.cli import main
from peer_challenges.store.contract import DERIVED_TABLES, TABLES

ROOT = Path(__file__).resolve().parents[2]
ALL = list(TABLES) + list(DERIVED_TABLES)
SCALE = 0.05  # 16 councils, ~33 challenges: every challenge is also built through the real build


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("synth") / "seed-1"
    manifest = synth.synth(SCALE, out, seed=1)
    return out, manifest


def test_every_challenge_passes_the_build_and_the_row_counts_add_up(tiny):
    out, manifest = tiny
    rows = {t: pq.ParquetFile(out / f"{t}.parquet").metadata.num_rows for t in ALL}
    assert rows["councils"] == 16 == manifest["rows"]["councils"]
    # at this scale the sample is every challenge: each went through SourceFile validation + build.collect
    assert manifest["sample_validated_challenges"] == rows["challenges"]
    recs_per_challenge = pc.value_counts(pq.read_table(out / "recommendations.parquet")["challenge_id"])
    counts = [v["counts"] for v in recs_per_challenge.to_pylist()]
    assert min(counts) >= 5 and max(counts) <= 18
    assert rows["recommendation_status"] == rows["recommendations"]
    assert rows["updates"] > rows["recommendations"]  # quarterly history, not one status each


def test_same_columns_and_types_as_the_committed_data(tiny):
    out, _ = tiny
    for table in ALL:
        ours = pq.read_schema(out / f"{table}.parquet")
        committed = pq.read_schema(ROOT / "data" / f"{table}.parquet")
        assert ours.names == committed.names, table
        assert [str(f.type) for f in ours] == [str(f.type) for f in committed], table


def test_the_app_queries_run_on_it(tiny):
    out, _ = tiny
    conn = data.connect(out)
    try:
        status = data.run_query("recommendation_status", conn=conn)
        summary = data.run_query("council_summary", conn=conn)
        timeliness = data.run_query("process_timeliness", conn=conn)
        themes = data.run_query("theme_counts", conn=conn, level="core")
    finally:
        conn.close()
    assert len(summary) == 16
    assert len(timeliness) == pq.ParquetFile(out / "challenges.parquet").metadata.num_rows
    # a realistic mix: every status and most slippage buckets occur
    assert {"complete", "in_progress", "not_started", "delayed"} <= set(status["latest_status"].dropna())
    assert {"on_time", "late", "open_overdue", "open_not_due", "no_target"} <= set(status["slippage_bucket"])
    assert set(themes["theme"]) <= set(synth.CORE_THEMES)


def test_everything_is_marked_synthetic(tiny):
    out, _ = tiny
    councils = pq.read_table(out / "councils.parquet").to_pylist()
    challenges = pq.read_table(out / "challenges.parquet", columns=["synthetic"]).to_pylist()
    assert all(c["synthetic"] for c in councils) and all(c["synthetic"] for c in challenges)
    assert all(c["name"].startswith("Synthetic ") for c in councils)
    assert all(c["council_id"].startswith("synthetic-council-") for c in councils)


def test_same_seed_gives_identical_parquet_and_another_seed_differs(tiny, tmp_path):
    out, _ = tiny
    again, other = tmp_path / "again", tmp_path / "other"
    assert main(["synth", "--scale", str(SCALE), "--seed", "1", "--out", str(again), "--sample", "0"]) == 0
    assert main(["synth", "--scale", str(SCALE), "--seed", "2", "--out", str(other), "--sample", "0"]) == 0
    for table in ALL:
        assert (out / f"{table}.parquet").read_bytes() == (again / f"{table}.parquet").read_bytes(), table
    assert not pq.read_table(out / "updates.parquet").equals(pq.read_table(other / "updates.parquet"))


def test_scale_one_has_englands_council_mix():
    gen = synth.generate(1, seed=3)
    councils = gen.tables["councils"]
    assert councils.num_rows == 317
    assert Counter(councils["council_type"].to_pylist()) == {
        "district": 164, "unitary": 62, "metropolitan": 36, "london_borough": 33, "county": 21, "other": 1}
    regions = Counter(councils["region"].to_pylist())
    assert regions["London"] == 33 and regions["South East"] == 70 and len(regions) == 9
    assert 550 <= gen.tables["challenges"].num_rows <= 720  # about two challenges per council


def test_validation_catches_rows_the_build_would_not_make():
    gen = synth.generate(0.02, seed=1)
    recs = gen.tables["recommendations"]
    wrong = pa.array(["Q5 2020/21"] + recs["target_raw"].to_pylist()[1:], pa.string())
    gen.tables["recommendations"] = recs.set_column(recs.column_names.index("target_raw"), "target_raw", wrong)
    with pytest.raises(AssertionError, match="target_raw"):
        synth.check_columns(gen)
    with pytest.raises(Exception):
        synth.validate_sample(gen, sample=1)


def test_the_app_shows_the_synthetic_banner(tiny, monkeypatch, make_app):
    import streamlit as st

    out, _ = tiny
    monkeypatch.setenv("DATA_DIR", str(out))
    data.reset_default_connection()
    st.cache_data.clear()
    st.cache_resource.clear()
    # the default page (overview) opened as a reader would open the app's address. (AppTest drops
    # what app.py draws before page.run() after at.switch_page, so the banner is checked on the
    # page the app opens on; in a browser it shows on every page.)
    at = make_app().run()
    assert not at.exception
    assert at.title[0].value and any("Synthetic data" in w.value for w in at.warning)
    # and not on the real data
    monkeypatch.delenv("DATA_DIR")
    data.reset_default_connection()
    at = make_app().run()
    assert not at.exception
    assert not any("Synthetic data" in w.value for w in at.warning)


def test_explore_draws_the_first_thousand_rows_and_counts_them_all(tiny, use_data, make_app):
    """At scale the explore page draws only the first 1,000 rows; the metric, the caption and the
    downloads cover every matching row (the tiny dataset has 1,345 updates)."""
    import io

    import pandas as pd

    from peer_challenges.export import tables as ex

    out, manifest = tiny
    updates = manifest["rows"]["updates"]
    assert updates > 1000
    use_data(out)
    at = make_app("explore", {"table": "updates"}).run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Matching rows"] == f"{updates:,}"
    assert len(at.dataframe[0].value) == 1000
    assert any(f"shows the first 1,000 of the {updates:,} progress updates" in c.value for c in at.caption)
    assert not any(b.proto.disabled for b in at.get("download_button"))
    # the downloads are made on request from every matching row (the same code as the export command)
    full = ex.filtered_table(ex.Filters(), "updates")
    assert len(full) == updates
    assert len(pd.read_csv(io.BytesIO(ex.to_csv_bytes(full)))) == updates
