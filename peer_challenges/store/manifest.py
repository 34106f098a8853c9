"""The manifest of a published dataset version: which files make it up and how to recognise each.

``<prefix>/manifest.json`` is the one object readers poll. Publishing writes every file of a version under
``<prefix>/versions/<version>/`` first and this manifest last, so a reader sees either the old version or the
new one, never a mixture. For each file it records the object key (relative to the prefix), the size, the
SHA-256 of the content, the ETag the store gave the upload, and for tables the row count.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

from peer_challenges.store.contract import DERIVED_TABLES, TABLES
from peer_challenges.store.objectstore import RemoteError

FORMAT = "peer-challenges-dataset/1"
MANIFEST = "manifest.json"
VERSIONS = "versions"
TABLE_FILES = tuple(f"{t}.parquet" for t in (*TABLES, *DERIVED_TABLES))
OPTIONAL_FILES = ("taxonomy.yaml",)
VERSION = re.compile(r"^[0-9]{8}T[0-9]{6}\.[0-9]{6}Z-[0-9a-f]{12}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")


class ManifestError(RemoteError):
    """The manifest is not one this version of the app can serve (unreadable, incomplete, inconsistent)."""


def content_id(files: dict[str, dict]) -> str:
    """12 hex digits that change when any file's content does (publishing the same data twice gives the same id)."""
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(f"{name}\0{files[name]['sha256']}\n".encode())
    return h.hexdigest()[:12]


def new_version(files: dict[str, dict], now: dt.datetime | None = None) -> str:
    """``<UTC time to the microsecond>-<content id>``: sorts by publication time (two publications in one second
    still sort in order, which pruning relies on), and says whether two versions hold the same data."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return f"{now.astimezone(dt.timezone.utc):%Y%m%dT%H%M%S.%fZ}-{content_id(files)}"


def version_key(version: str, name: str) -> str:
    return f"{VERSIONS}/{version}/{name}"


def make(version: str, files: dict[str, dict], published_at: dt.datetime | None = None) -> dict:
    published_at = published_at or dt.datetime.now(dt.timezone.utc)
    return {
        "format": FORMAT,
        "version": version,
        "content_id": content_id(files),
        "published_at": published_at.astimezone(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "files": {name: files[name] for name in sorted(files)},
    }


def dumps(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")


def parse(raw: bytes, where: str) -> dict:
    """The manifest in ``raw`` checked for everything a reader relies on; ManifestError saying what is wrong."""
    try:
        m = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"{where} is not valid JSON ({exc})") from None
    if not isinstance(m, dict) or m.get("format") != FORMAT:
        raise ManifestError(f"{where} is not a dataset manifest (format {m.get('format') if isinstance(m, dict) else None!r}, "
                            f"expected {FORMAT!r})")
    version = m.get("version")
    if not isinstance(version, str) or not VERSION.match(version):
        raise ManifestError(f"{where}: version {version!r} is not <YYYYMMDDTHHMMSS.ffffffZ>-<12 hex digits>")
    files = m.get("files")
    if not isinstance(files, dict):
        raise ManifestError(f"{where}: no 'files' mapping")
    missing = [f for f in TABLE_FILES if f not in files]
    if missing:
        raise ManifestError(f"{where} (version {version}) lacks tables {missing}")
    for name, entry in files.items():
        if name not in TABLE_FILES and name not in OPTIONAL_FILES:
            raise ManifestError(f"{where}: unexpected file {name!r}")
        if not isinstance(entry, dict):
            raise ManifestError(f"{where}: entry for {name} is not a mapping")
        key, size, sha = entry.get("key"), entry.get("size"), entry.get("sha256")
        if key != version_key(version, name):
            raise ManifestError(f"{where}: {name} is at {key!r}, expected {version_key(version, name)!r} "
                                "(a version's files live under versions/<version>/)")
        if not isinstance(size, int) or size <= 0:
            raise ManifestError(f"{where}: {name} has size {size!r}")
        if not isinstance(sha, str) or not SHA256.match(sha):
            raise ManifestError(f"{where}: {name} has no sha256")
        if name in TABLE_FILES and not isinstance(entry.get("rows"), int):
            raise ManifestError(f"{where}: table {name} has no row count")
    if m.get("content_id") != content_id(files):
        raise ManifestError(f"{where}: content_id {m.get('content_id')!r} does not match its files")
    return m
