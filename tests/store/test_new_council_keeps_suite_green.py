"""Adding a council's source file - the maintainer's main job - keeps the suite green.

A copy of data/sources and data/taxonomy.yaml gets one more council (tests/fixtures/new_council: a made-up
district council with a dated challenge, a progress review, three recommendations with targets, dated statuses
and RAG ratings, and a council-wide snapshot), is built, and every test marked live_data then runs against that
copy in a subprocess (PEER_CHALLENGES_LIVE_DATA, honoured by tests/conftest.py). Tests that pinned a national
total of today's data (councils, challenges, recommendations, medians, shares, "N of M") would fail here; the
live_data tests assert only the seed councils' known answers and invariants, so they must all pass.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time

import pyarrow.parquet as pq
import pytest

from peer_challenges.store.build import build
from peer_challenges.store.contract import TABLES
from tests.conftest import DATA, LIVE_DATA_ENV, ROOT, copy_inputs

NEW_COUNCIL = "middlesbrough"  # in the register, with no source file in data/
NEW_SOURCE = ROOT / "tests" / "fixtures" / "new_council" / "2024-06-corporate-peer-challenge.yaml"
# what the new file adds to each table
ADDED = {"councils": 1, "challenges": 1, "recommendations": 3, "updates": 3, "sources": 2, "progress_snapshots": 1,
         "council_register": 0}  # already registered: the register lists every council in England
MIN_LIVE_TESTS = 150  # about 190 today; a selection that collapses (a lost marker, a collection error) must fail
TIMEOUT = 600


def rows(folder) -> dict[str, int]:
    return {t: pq.ParquetFile(folder / f"{t}.parquet").metadata.num_rows for t in TABLES}


@pytest.fixture(scope="module")
def grown(tmp_path_factory):
    """data/ with the new council's source file added, built into Parquet."""
    folder = copy_inputs(DATA, tmp_path_factory.mktemp("grown") / "data")
    assert not (folder / "sources" / NEW_COUNCIL).exists(), f"{NEW_COUNCIL} is meant to be a council data/ lacks"
    (folder / "sources" / NEW_COUNCIL).mkdir()
    shutil.copy(NEW_SOURCE, folder / "sources" / NEW_COUNCIL / NEW_SOURCE.name)
    build(data=folder, out=folder)
    return folder


def test_the_new_council_is_built_and_changes_the_national_totals(grown):
    before, after = rows(DATA), rows(grown)
    assert after == {t: before[t] + ADDED[t] for t in TABLES}


def test_live_data_tests_pass_with_a_new_council(grown):
    env = {k: v for k, v in os.environ.items() if k != "DATA_DIR"}
    env[LIVE_DATA_ENV] = str(grown)
    cmd = [sys.executable, "-m", "pytest", "-m", "live_data", "-q", "-p", "no:cacheprovider",
           "tests/", "--ignore=tests/browser"]
    start = time.monotonic()
    res = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    took = time.monotonic() - start
    out = res.stdout + res.stderr
    tail = "\n".join(out.splitlines()[-60:])
    assert res.returncode == 0, f"live_data tests fail once a council is added ({' '.join(cmd[2:])}):\n{tail}"
    assert f"live dataset: {grown}" in res.stdout, f"the subprocess did not read the grown copy:\n{tail}"
    summary = re.search(r"(\d+) passed", out)
    assert summary, tail
    passed = int(summary.group(1))
    assert passed >= MIN_LIVE_TESTS, f"only {passed} live_data tests ran:\n{tail}"
    assert not re.search(r"\d+ (failed|error)", out), tail
    print(f"{passed} live_data tests passed on data/ + {NEW_COUNCIL} in {took:.0f} s")
