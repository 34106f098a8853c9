"""Datasets in object storage (issue 16): publishing writes the tables first and the manifest last; a reader
serves only versions that pass its checks, keeps the last good one otherwise and says why; its cache is keyed
by the objects' ETags. Against moto's S3 emulator in this process, on a loopback port."""

from __future__ import annotations

import shutil
import urllib.request
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from moto.server import ThreadedMotoServer

from peer_challenges.devtools.bench.coldstart import free_port
from peer_challenges.domain import paths
from peer_challenges.domain.errors import UserError
from peer_challenges.store import manifest as mf
from peer_challenges.store import remote
from peer_challenges.store.db import connect
from peer_challenges.store.objectstore import Bucket, RemoteError, Settings, parse_s3_url, settings
from peer_challenges.store.publish import describe, publish

DATA = Path(__file__).resolve().parents[2] / "data"
N_FILES = len(mf.TABLE_FILES) + 1  # the tables and taxonomy.yaml



def _env(endpoint: str) -> dict:
    return {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": endpoint}


@pytest.fixture(scope="module")
def endpoint():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


class Recording(Bucket):
    """A Bucket that notes every write and download, in order."""

    def __init__(self, *args):
        super().__init__(*args)
        self.calls: list[tuple[str, str]] = []

    def put_file(self, key, path):
        self.calls.append(("put", key))
        return super().put_file(key, path)

    def put_bytes(self, key, data):
        self.calls.append(("put", key))
        return super().put_bytes(key, data)

    def download(self, key, target):
        self.calls.append(("download", key))
        return super().download(key, target)


@pytest.fixture
def bucket(endpoint) -> Recording:
    """A new empty bucket for each test; the dataset at s3://<bucket>/data."""
    name = f"t-{uuid.uuid4().hex[:12]}"
    with urllib.request.urlopen(urllib.request.Request(f"{endpoint}/{name}", method="PUT"), timeout=10):
        pass
    return Recording(parse_s3_url(f"s3://{name}/data"), settings(_env(endpoint)))


def _reader(bucket, cache: Path) -> remote.RemoteDataset:
    return remote.RemoteDataset(bucket.location.url, cache=cache, poll=0, bucket=bucket)


def _renamed(tmp_path: Path, council_id: str = "stroud", name: str = "Renamed Council") -> Path:
    """data/ with one council renamed: a valid dataset differing in one table."""
    folder = tmp_path / f"data-{uuid.uuid4().hex[:6]}"
    folder.mkdir()
    for f in [*DATA.glob("*.parquet"), DATA / "taxonomy.yaml"]:
        shutil.copy2(f, folder / f.name)
    t = pq.read_table(folder / "councils.parquet")
    names = [name if c == council_id else n for c, n in zip(t["council_id"].to_pylist(), t["name"].to_pylist())]
    pq.write_table(t.set_column(t.schema.get_field_index("name"), "name", pa.array(names, pa.string())),
                   folder / "councils.parquet")
    return folder


# ---- publishing

def test_publish_uploads_every_table_then_the_manifest_last(bucket):
    result = publish(DATA, bucket.location.url, bucket=bucket)
    version = result["version"]
    puts = [key for op, key in bucket.calls if op == "put"]
    assert puts[-1] == mf.MANIFEST, "the manifest readers poll must be the last write"
    assert puts[-2] == mf.version_key(version, mf.MANIFEST)
    assert sorted(puts[:-2]) == sorted(mf.version_key(version, f) for f in [*mf.TABLE_FILES, "taxonomy.yaml"])
    assert all(p.endswith(".parquet") for p in puts[:len(mf.TABLE_FILES)]), "tables first"
    raw, _ = bucket.get_bytes(mf.MANIFEST)
    published = mf.parse(raw, "manifest")
    local = describe(DATA)
    for name, entry in published["files"].items():
        assert (entry["sha256"], entry["size"]) == (local[name]["sha256"], local[name]["size"])
        assert entry["etag"] == bucket.head(entry["key"])["e_tag"]
    assert published["files"]["councils.parquet"]["rows"] == local["councils.parquet"]["rows"] > 0


def test_publishing_the_same_data_again_uploads_nothing(bucket):
    first = publish(DATA, bucket.location.url, bucket=bucket)
    bucket.calls.clear()
    again = publish(DATA, bucket.location.url, bucket=bucket)
    assert again["unchanged"] and again["version"] == first["version"] and not bucket.calls


def test_publish_refuses_a_broken_dataset_and_keeps_only_recent_versions(bucket, tmp_path):
    broken = _renamed(tmp_path)
    (broken / "updates.parquet").write_bytes(b"not parquet")
    with pytest.raises(UserError, match="not publishing .*updates.parquet"):
        publish(broken, bucket.location.url, bucket=bucket)
    assert not bucket.calls, "nothing may be uploaded from a folder that fails the checks"
    versions = [publish(_renamed(tmp_path, name=f"Council {i}"), bucket.location.url, bucket=bucket, keep=2)["version"]
                for i in range(4)]
    left = {k.split("/")[1] for k in bucket.list_keys(mf.VERSIONS + "/")}
    assert len(left) == 2 and versions[-1] in left


# ---- reading

def test_reader_serves_a_published_version_and_a_restart_downloads_nothing(bucket, tmp_path):
    version = publish(DATA, bucket.location.url, bucket=bucket)["version"]
    first = _reader(bucket, tmp_path / "cache")
    assert first.refresh()
    status = first.status()
    assert status["status"] == "ok" and status["version"] == version and status["last_check_ok"]
    assert status["cache"]["objects_downloaded"] == N_FILES
    assert first.folder().name == version and (first.folder() / "taxonomy.yaml").exists()
    assert status["tables"]["councils"] == connect(first.folder()).execute("SELECT count(*) FROM councils").fetchone()[0]
    assert not first.refresh(), "an unchanged manifest is not a new version"
    first.close()

    bucket.calls.clear()
    again = _reader(bucket, tmp_path / "cache")  # a restarted process, same cache folder
    assert again.refresh() and again.folder() == first.folder()
    assert not [c for c in bucket.calls if c[0] == "download"], bucket.calls
    again.close()


def test_a_new_version_fetches_only_the_objects_whose_etag_is_new(bucket, tmp_path):
    v1 = publish(DATA, bucket.location.url, bucket=bucket)["version"]
    ds = _reader(bucket, tmp_path / "cache")
    ds.refresh()
    old_folder = ds.folder()
    bucket.calls.clear()
    v2 = publish(_renamed(tmp_path), bucket.location.url, bucket=bucket)["version"]
    assert ds.refresh()
    downloads = [key for op, key in bucket.calls if op == "download"]
    assert downloads == [mf.version_key(v2, "councils.parquet")], downloads
    assert ds.status()["version"] == v2 and ds.folder() != old_folder
    assert ds.counters.reused == N_FILES - 1
    assert old_folder.exists(), "the version before stays on disk (a page run may still read it)"
    publish(_renamed(tmp_path, name="Third"), bucket.location.url, bucket=bucket)
    ds.refresh()
    assert not old_folder.exists(), f"{v1} should be pruned once two newer versions exist"
    ds.close()


def test_nothing_published_is_unavailable_with_a_reason(bucket, tmp_path):
    ds = _reader(bucket, tmp_path / "cache")
    assert not ds.refresh()
    status = ds.status()
    assert status["status"] == "unavailable" and status["version"] is None
    assert "no dataset is published" in status["last_error"] and "manifest.json" in status["last_error"]
    with pytest.raises(remote.RemoteDataError, match="no dataset is published"):
        ds.folder()
    ds.close()


def _served_then(bucket, tmp_path, damage) -> tuple[remote.RemoteDataset, str, str]:
    """A reader serving v1; then v2 published and damaged by ``damage(v2)``; then one check."""
    v1 = publish(DATA, bucket.location.url, bucket=bucket)["version"]
    ds = _reader(bucket, tmp_path / "cache")
    ds.refresh()
    v2 = publish(_renamed(tmp_path), bucket.location.url, bucket=bucket)["version"]
    damage(v2)
    assert not ds.refresh()
    return ds, v1, v2


def _assert_kept(ds, v1, v2, reason: str):
    status = ds.status()
    assert status["version"] == v1 and ds.folder().name == v1, "the last good version must stay served"
    assert status["status"] == "degraded" and not status["last_check_ok"]
    assert status["rejected"]["version"] == v2 and reason in status["rejected"]["reason"], status["rejected"]
    assert f"still serving {v1}" in status["last_error"]
    downloads = ds.counters.downloaded
    ds.refresh()  # the same manifest again: not fetched again, still reported
    assert ds.counters.downloaded == downloads and ds.status()["rejected"]["version"] == v2
    ds.close()


def test_half_published_version_is_not_served(bucket, tmp_path):
    ds, v1, v2 = _served_then(bucket, tmp_path, lambda v2: bucket.delete([mf.version_key(v2, "councils.parquet")]))
    _assert_kept(ds, v1, v2, "incomplete")


def test_corrupt_table_is_not_served(bucket, tmp_path):
    ds, v1, v2 = _served_then(bucket, tmp_path, lambda v2: bucket.put_bytes(mf.version_key(v2, "councils.parquet"),
                                                                           b"PAR1 corrupted in transit PAR1"))
    _assert_kept(ds, v1, v2, "corrupt")


def test_unreadable_table_whose_checksum_matches_fails_the_data_checks(bucket, tmp_path):
    """A manifest that describes a broken file exactly (sizes and SHA-256 agree): the data checks catch it."""
    def publish_garbage(v2):
        raw, _ = bucket.get_bytes(mf.MANIFEST)
        m = mf.parse(raw, "m")
        garbage = b"this is not a parquet file" * 10
        key = mf.version_key(m["version"], "councils.parquet")
        m["files"]["councils.parquet"].update(sha256=__import__("hashlib").sha256(garbage).hexdigest(), size=len(garbage),
                                              etag=bucket.put_bytes(key, garbage))
        bucket.put_bytes(mf.MANIFEST, mf.dumps(mf.make(m["version"], m["files"])))

    ds, v1, v2 = _served_then(bucket, tmp_path, publish_garbage)
    _assert_kept(ds, v1, v2, "fails the data checks")


def test_a_manifest_that_is_not_json_is_rejected(bucket, tmp_path):
    ds, v1, _ = _served_then(bucket, tmp_path, lambda v2: bucket.put_bytes(mf.MANIFEST, b"{half a manifest"))
    status = ds.status()
    assert status["version"] == v1 and "not valid JSON" in status["rejected"]["reason"]
    ds.close()


def test_restart_with_the_store_unreachable_serves_the_last_good_version(bucket, tmp_path):
    version = publish(DATA, bucket.location.url, bucket=bucket)["version"]
    ds = _reader(bucket, tmp_path / "cache")
    ds.refresh()
    ds.close()
    dead = f"http://127.0.0.1:{free_port()}"
    offline = remote.RemoteDataset(bucket.location.url, cache=tmp_path / "cache", poll=0,
                                   bucket=Bucket(bucket.location, Settings(dead, "us-east-1", False, "testing", "testing")))
    # same cache folder name: it is keyed on the endpoint in the environment, which this test does not set
    assert not offline.refresh()
    status = offline.status()
    assert status["version"] == version and status["served_from_earlier_run"] and status["status"] == "degraded"
    assert dead in status["last_error"] and "manifest.json" in status["last_error"]
    offline.close()


def test_two_processes_may_not_share_a_cache_folder(bucket, tmp_path):
    publish(DATA, bucket.location.url, bucket=bucket)
    one, two = _reader(bucket, tmp_path / "cache"), _reader(bucket, tmp_path / "cache")
    assert one.refresh()
    assert not two.refresh() and "in use by another process" in two.status()["last_error"]
    one.close()
    two.close()


def test_data_dir_is_the_local_folder_of_the_version_served(bucket, tmp_path, monkeypatch, endpoint):
    version = publish(DATA, bucket.location.url, bucket=bucket)["version"]
    for k, v in {**_env(endpoint), "DATA_DIR": bucket.location.url + "/", remote.CACHE_ENV: str(tmp_path / "c"),
                 remote.POLL_ENV: "0"}.items():
        monkeypatch.setenv(k, v)
    try:
        folder = paths.data_dir()
        assert folder.name == version and folder.is_dir()
        assert paths.data_source() == bucket.location.url + "/"
        from peer_challenges.domain.taxonomy import default_taxonomy_path

        assert default_taxonomy_path() == folder / "taxonomy.yaml"
        monkeypatch.setenv("DATA_DIR", "gs://bucket/x")
        with pytest.raises(UserError, match=r"gs:// datasets are not supported.*s3://"):
            paths.data_dir()
    finally:
        remote.close_all()


def test_the_about_page_says_which_published_version_it_reads(bucket, tmp_path, monkeypatch, endpoint, use_data, make_app):
    version = publish(DATA, bucket.location.url, bucket=bucket)["version"]
    for k, v in {**_env(endpoint), remote.CACHE_ENV: str(tmp_path / "c"), remote.POLL_ENV: "0"}.items():
        monkeypatch.setenv(k, v)
    try:
        use_data(bucket.location.url)
        at = make_app("about").run()
        assert not at.exception
        captions = " ".join(c.value for c in at.caption)
        assert f"dataset version `{version}`" in captions and f"from `{bucket.location.url}`" in captions
    finally:
        remote.close_all()


# ---- clear errors

@pytest.mark.parametrize("url", ["s3://", "s3://Bad_Bucket/x", "s3://bucket/../x", "http://bucket/x", "s3://bucket/x?y=1",
                                 "s3://key:secret@bucket/x"])
def test_a_bad_s3_url_says_what_is_expected(url):
    with pytest.raises(RemoteError, match="s3://"):
        parse_s3_url(url)


def test_missing_credentials_are_caught_before_any_request():
    with pytest.raises(RemoteError) as err:
        settings({"AWS_ENDPOINT_URL": "http://127.0.0.1:9"})
    text = str(err.value)
    assert "no S3 credentials" in text and "AWS_ACCESS_KEY_ID" in text and "AWS_SKIP_SIGNATURE" in text
    assert "http://127.0.0.1:9" in text
    with pytest.raises(RemoteError, match="no S3 credentials"):  # never a request that goes looking for them
        Bucket(parse_s3_url("s3://some-bucket/x"), Settings("http://127.0.0.1:9", "us-east-1", False))
    with pytest.raises(RemoteError, match="not an endpoint URL"):
        settings({**_env("ftp://x"), "AWS_ENDPOINT_URL": "minio:9000"})


def test_an_unreachable_endpoint_names_the_object_and_the_endpoint():
    dead = f"http://127.0.0.1:{free_port()}"
    b = Bucket(parse_s3_url("s3://some-bucket/live"), settings(_env(dead)))
    with pytest.raises(RemoteError) as err:
        b.get_bytes(mf.MANIFEST)
    assert "s3://some-bucket/live/manifest.json" in str(err.value) and dead in str(err.value)
