"""Serving a dataset from object storage: ``DATA_DIR=s3://bucket/prefix``.

One ``RemoteDataset`` per process and URL keeps a local copy of the version it serves and watches for newer
ones. A check (at start, then every PEER_CHALLENGES_POLL_SECONDS, default 30, in a background thread) reads
``<prefix>/manifest.json`` (a conditional GET: unchanged costs one 304), and for a new version:

1. fetches each file the manifest lists into ``<cache>/objects/``, named by the object's ETag and SHA-256, so
   a file already there (an unchanged table, a restart) is not downloaded again; each download is checked
   against the manifest's size and SHA-256;
2. links the files into ``<cache>/versions/.incoming-<version>-<pid>/`` and runs the checks the app runs on a
   local folder (store.db.check_folder: every table readable, the contract's columns, the shared macros fit)
   plus the manifest's row counts;
3. renames that folder to ``<cache>/versions/<version>/`` and only then serves it: ``data_dir()`` returns the
   new folder, so every cache keyed on the data folder starts afresh.

Anything that fails keeps the version already served (or, at start, the last good version left in the cache
by an earlier run) and is reported by ``status()`` - the app's /health. A version rejected for its content
(half-published, corrupt, failing the checks) is not fetched again until the manifest changes.

The cache folder (PEER_CHALLENGES_CACHE_DIR, default ~/.cache/peer-challenges) is the only place written to.
Each process needs its own: a lock file says so when two share one.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from peer_challenges.domain.errors import UserError
from peer_challenges.domain.paths import register_remote
from peer_challenges.store import manifest as mf
from peer_challenges.store.db import DataError, check_folder
from peer_challenges.store.objectstore import ENDPOINT_VARS, Bucket, RemoteError, parse_s3_url

POLL_ENV = "PEER_CHALLENGES_POLL_SECONDS"
CACHE_ENV = "PEER_CHALLENGES_CACHE_DIR"
DEFAULT_POLL_SECONDS = 30.0
RETRY_SECONDS = 5.0  # while nothing can be served, try again this soon
FIRST_FETCH_WAIT = 300.0  # a page waits at most this long for the first download
VERIFIED = ".verified.json"


class RemoteDataError(DataError):
    """The dataset in object storage cannot be served (none published, unreachable, every version rejected)."""


class VersionRejected(RemoteDataError):
    """A published version is not fit to serve: half-published, corrupt or failing the data checks."""


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def poll_seconds(env=None) -> float:
    value = (os.environ if env is None else env).get(POLL_ENV, "")
    try:
        return float(value) if value.strip() else DEFAULT_POLL_SECONDS
    except ValueError:
        raise UserError(f"{POLL_ENV}={value!r} is not a number of seconds") from None


def cache_root(env=None) -> Path:
    env = os.environ if env is None else env
    if env.get(CACHE_ENV):
        return Path(env[CACHE_ENV]).expanduser()
    base = Path(env["XDG_CACHE_HOME"]).expanduser() if env.get("XDG_CACHE_HOME") else Path.home() / ".cache"
    return base / "peer-challenges"


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "x"


def _source_folder_name(url: str) -> str:
    """One cache folder per bucket, prefix and endpoint (two stores may both have a bucket called 'data')."""
    endpoint = next((os.environ[v] for v in ENDPOINT_VARS if os.environ.get(v)), "aws")
    tag = hashlib.sha256(f"{endpoint}\n{url}".encode()).hexdigest()[:8]
    return f"{_safe(url.removeprefix('s3://'))[:80]}-{tag}"


def _object_name(name: str, entry: dict) -> str:
    """The cache's name for a file of a version: its ETag and SHA-256 (the same content published again, or an
    unchanged table in a new version, is found under the same name)."""
    return f"{_safe(entry.get('etag') or 'no-etag')}-{entry['sha256'][:16]}{Path(name).suffix}"


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


@dataclass
class Served:
    version: str
    folder: Path
    published_at: str | None
    since: str
    rows: dict[str, int]
    from_cache: bool = False  # the last good version of an earlier run, served because the store could not be read


@dataclass
class Counters:
    downloaded: int = 0  # objects fetched from the store
    reused: int = 0  # objects found in the cache (same ETag and SHA-256)
    checks: int = 0
    versions_served: list[str] = field(default_factory=list)


class RemoteDataset:
    """The dataset at one s3:// URL as this process serves it. ``refresh()`` makes one check (the poll thread
    calls it); ``folder()`` is the local folder of the version served; ``status()`` says how things stand."""

    def __init__(self, url: str, *, cache: Path | None = None, poll: float | None = None, bucket: Bucket | None = None):
        self.location = parse_s3_url(url)
        self.url = self.location.url
        self.poll_seconds = poll_seconds() if poll is None else float(poll)
        self.cache = Path(cache or cache_root()) / _source_folder_name(self.url)
        self._bucket = bucket
        self.current: Served | None = None
        self.previous: str | None = None
        self.rejected: dict | None = None
        self.last_check: str | None = None
        self.last_error: str | None = None
        self.counters = Counters()
        self._seen_etag: str | None = None  # manifest ETag last acted on (served, or rejected for its content)
        self._lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._first = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock_file = None

    # ---- public
    @property
    def bucket(self) -> Bucket:
        if self._bucket is None:
            self._bucket = Bucket(self.location)
        return self._bucket

    def folder(self, wait: float = FIRST_FETCH_WAIT) -> Path:
        current = self.current
        if current is not None:
            return current.folder
        if self._thread is None:
            self.refresh()
        else:
            self._first.wait(wait)
        current = self.current
        if current is None:
            raise RemoteDataError(f"the dataset at {self.url} cannot be served: {self.last_error or 'the first download is still running'}")
        return current.folder

    def refresh(self) -> bool:
        """One check of the store; True when a new version is now served. Never raises: failures are kept in
        ``last_error`` / ``rejected`` and the version already served stays."""
        with self._lock:
            started = _now()
            try:
                self._hold_cache()
                changed = self._check()
                self.last_error = None
                return changed
            except UserError as exc:
                self.last_error = str(exc)
            except Exception as exc:  # a full disk, a bug: report it, keep serving, try again next time
                self.last_error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            finally:
                self.last_check = started
                self.counters.checks += 1
                if self.current is None:
                    self._serve_last_good()
                self._first.set()
            return False

    def start(self) -> None:
        """Check now and then every poll_seconds, in a daemon thread (idempotent)."""
        with self._start_lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name=f"dataset-poll {self.url}", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    def status(self) -> dict:
        cur = self.current
        problem = self.last_error or self.rejected or (cur is not None and cur.from_cache)
        state = "unavailable" if cur is None else "degraded" if problem else "ok"
        return {
            "status": state,
            "source": self.url,
            "endpoint": self._endpoint(),
            "version": cur.version if cur else None,
            "published_at": cur.published_at if cur else None,
            "serving_since": cur.since if cur else None,
            "served_from_earlier_run": bool(cur and cur.from_cache),
            "folder": str(cur.folder) if cur else None,
            "tables": dict(cur.rows) if cur else {},
            "last_check": self.last_check,
            "last_check_ok": self.last_error is None,
            "last_error": self.last_error,
            "rejected": self.rejected,
            "poll_seconds": self.poll_seconds,
            "checks": self.counters.checks,
            "cache": {"folder": str(self.cache), "objects_downloaded": self.counters.downloaded,
                      "objects_reused": self.counters.reused},
        }

    # ---- the check
    def _run(self) -> None:
        while not self._stop.is_set():
            self.refresh()
            if self.current is not None and self.poll_seconds <= 0:
                return
            self._stop.wait(self.poll_seconds if self.current is not None else min(self.poll_seconds or RETRY_SECONDS, RETRY_SECONDS))

    def _endpoint(self) -> str:
        if self._bucket is not None:
            return self._bucket.settings.where
        return next((os.environ[v] for v in ENDPOINT_VARS if os.environ.get(v)), "AWS S3")

    def _hold_cache(self) -> None:
        if self._lock_file is not None:
            return
        self.cache.mkdir(parents=True, exist_ok=True)
        handle = open(self.cache / ".lock", "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            other = handle.read().strip() or "?"
            handle.close()
            raise RemoteDataError(f"the cache folder {self.cache} is in use by another process (pid {other}); "
                                  f"give each app process its own {CACHE_ENV}") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock_file = handle

    def _check(self) -> bool:
        where = self.location.url_of(self.location.key(mf.MANIFEST))
        try:
            raw, etag = self.bucket.get_bytes(mf.MANIFEST, if_none_match=self._seen_etag)
        except FileNotFoundError:
            raise RemoteDataError(f"no dataset is published at {self.url}: {where} does not exist at {self._endpoint()} "
                                  f"(publish one with: python -m peer_challenges publish {self.url})") from None
        if raw is None:  # 304: the manifest already served or rejected
            return False
        try:
            manifest = mf.parse(raw, where)
        except mf.ManifestError as exc:
            self._reject(etag, None, str(exc))
        version = manifest["version"]
        if self.current is not None and version == self.current.version:
            self._seen_etag = etag
            self.rejected = None
            return False
        try:
            folder, rows = self._materialize(manifest)
        except VersionRejected as exc:
            self._reject(etag, version, str(exc))
        self._serve(Served(version, folder, manifest.get("published_at"), _now(), rows))
        self._seen_etag = etag
        return True

    def _reject(self, etag: str | None, version: str | None, reason: str):
        self._seen_etag = etag  # not fetched again until the manifest changes
        self.rejected = {"version": version, "reason": reason, "at": _now()}
        raise VersionRejected(f"published version {version or '?'} rejected, "
                              + (f"still serving {self.current.version}: " if self.current else "nothing to serve: ") + reason)

    def _materialize(self, manifest: dict) -> tuple[Path, dict[str, int]]:
        """The verified local folder of this version (fetching what the cache lacks)."""
        version = manifest["version"]
        versions = self.cache / "versions"
        final = versions / version
        if (final / VERIFIED).exists():
            return final, json.loads((final / VERIFIED).read_text())["rows"]
        versions.mkdir(parents=True, exist_ok=True)
        incoming = versions / f".incoming-{version}-{os.getpid()}"
        shutil.rmtree(incoming, ignore_errors=True)
        incoming.mkdir()
        try:
            for name, entry in manifest["files"].items():
                _link_or_copy(self._object(version, name, entry), incoming / name)
            try:
                rows = check_folder(incoming)
            except DataError as exc:
                raise VersionRejected(f"version {version} fails the data checks: {exc}") from None
            wrong = {t: (rows.get(t), e["rows"]) for name, e in manifest["files"].items()
                     if "rows" in e for t in [name.removesuffix(".parquet")] if rows.get(t) != e["rows"]}
            if wrong:
                raise VersionRejected(f"version {version}: row counts differ from the manifest (read, manifest): {wrong}")
            (incoming / mf.MANIFEST).write_bytes(mf.dumps(manifest))
            (incoming / VERIFIED).write_text(json.dumps({"rows": rows, "verified_at": _now()}))
            try:
                incoming.rename(final)
            except OSError:  # another run finished the same version first
                if not (final / VERIFIED).exists():
                    raise
            return final, rows
        finally:
            shutil.rmtree(incoming, ignore_errors=True)

    def _object(self, version: str, name: str, entry: dict) -> Path:
        """The cached copy of one file of a version, downloaded only when the cache has no object with its
        ETag and SHA-256."""
        objects = self.cache / "objects"
        objects.mkdir(parents=True, exist_ok=True)
        path = objects / _object_name(name, entry)
        if path.exists() and path.stat().st_size == entry["size"]:
            self.counters.reused += 1
            return path
        part = objects / f".{path.name}.{os.getpid()}.part"
        key = entry["key"]
        try:
            etag, size, sha = self.bucket.download(key, part)
            if (size, sha) != (entry["size"], entry["sha256"]):
                raise VersionRejected(
                    f"version {version}: {name} is corrupt - {self.location.url_of(self.location.key(key))} has {size} bytes "
                    f"with SHA-256 {sha[:12]}…, the manifest says {entry['size']} bytes, {entry['sha256'][:12]}… "
                    f"(ETag {etag}, manifest {entry.get('etag')})")
            os.replace(part, path)
        except FileNotFoundError:
            raise VersionRejected(f"version {version} is incomplete (half-published?): "
                                  f"{self.location.url_of(self.location.key(key))} does not exist") from None
        finally:
            part.unlink(missing_ok=True)
        self.counters.downloaded += 1
        return path

    # ---- serving
    def _serve(self, served: Served) -> None:
        if self.current is not None and self.current.version != served.version:
            self.previous = self.current.version
        self.current = served
        self.rejected = None
        self.counters.versions_served.append(served.version)
        (self.cache / "last-good.json").write_text(json.dumps(
            {"version": served.version, "published_at": served.published_at, "verified_at": served.since}))
        self._prune()

    def _serve_last_good(self) -> None:
        try:
            info = json.loads((self.cache / "last-good.json").read_text())
            folder = self.cache / "versions" / info["version"]
            rows = json.loads((folder / VERIFIED).read_text())["rows"]
        except (OSError, ValueError, KeyError):
            return
        self.current = Served(info["version"], folder, info.get("published_at"), _now(), rows, from_cache=True)

    def _prune(self) -> None:
        """Keep the version served and the one before (a page run that began on it may still be reading);
        remove other versions, the objects no kept version uses, and leftovers of interrupted downloads."""
        versions = self.cache / "versions"
        keep = {v for v in (self.current.version if self.current else None, self.previous) if v}
        used: set[str] = set()
        for d in versions.iterdir():
            if d.name in keep:
                try:
                    files = json.loads((d / mf.MANIFEST).read_text())["files"]
                    used |= {_object_name(name, entry) for name, entry in files.items()}
                except (OSError, ValueError, KeyError):
                    pass
            elif not d.name.startswith(".incoming-") or time.time() - d.stat().st_mtime > 3600:
                shutil.rmtree(d, ignore_errors=True)
        for obj in (self.cache / "objects").iterdir():
            stale_part = obj.name.endswith(".part") and time.time() - obj.stat().st_mtime > 3600
            if stale_part or (not obj.name.endswith(".part") and obj.name not in used):
                obj.unlink(missing_ok=True)


# ---- one dataset per URL in this process; DATA_DIR=s3://... resolves through here

_datasets: dict[str, RemoteDataset] = {}
_registry = threading.Lock()


def dataset(url: str) -> RemoteDataset:
    key = parse_s3_url(url).url
    with _registry:
        if key not in _datasets:
            _datasets[key] = RemoteDataset(key)
        return _datasets[key]


def resolve(url: str) -> Path:
    """The local folder of the version served for ``url`` (domain.paths.data_dir calls this)."""
    ds = dataset(url)
    if ds.current is None and ds.poll_seconds > 0:
        ds.start()
    return ds.folder()


def status(url: str) -> dict:
    """How the dataset at ``url`` stands in this process (starting its checks if nothing has yet)."""
    ds = dataset(url)
    if ds.counters.checks == 0:
        ds.start() if ds.poll_seconds > 0 else ds.refresh()
    return ds.status()


def close_all() -> None:
    with _registry:
        for ds in _datasets.values():
            ds.close()
        _datasets.clear()


def install() -> None:
    register_remote("s3", resolve)


__all__ = ["RemoteDataset", "RemoteDataError", "RemoteError", "VersionRejected", "dataset", "resolve", "status",
           "install", "close_all", "cache_root", "poll_seconds"]
