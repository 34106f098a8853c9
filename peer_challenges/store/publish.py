"""Publishing a built dataset to object storage as one new version: ``python -m peer_challenges publish s3://…``.

The folder is checked first with the checks the app makes before serving (store.db.check_folder), so a broken
build is never published. Then every table (and taxonomy.yaml when there is one) is uploaded under
``<prefix>/versions/<version>/``, each upload confirmed by a HEAD of its size, then that version's manifest is
written beside them, and last of all ``<prefix>/manifest.json``: the single write that switches readers to
the new version. Until it lands readers keep the old manifest, whose files are never overwritten (every
version has its own keys), so nobody sees a mixture. Old versions beyond ``keep`` are deleted afterwards
(never the new one or the one it replaces).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from peer_challenges.domain.errors import UserError
from peer_challenges.store import manifest as mf
from peer_challenges.store.db import DataError, check_folder
from peer_challenges.store.objectstore import Bucket, parse_s3_url

MIN_KEEP = 2


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def describe(folder: Path) -> dict[str, dict]:
    """size, sha256 and (tables) row count of every file a version is made of, after the data checks."""
    folder = Path(folder)
    try:
        rows = check_folder(folder)
    except DataError as exc:
        raise UserError(f"not publishing {folder}: it fails the checks the app makes before serving data: {exc}") from None
    files = {}
    for name in mf.TABLE_FILES + tuple(n for n in mf.OPTIONAL_FILES if (folder / n).exists()):
        path = folder / name
        files[name] = {"size": path.stat().st_size, "sha256": sha256_file(path)}
        if name in mf.TABLE_FILES:
            files[name]["rows"] = rows[name.removesuffix(".parquet")]
    return files


def current_manifest(bucket: Bucket) -> tuple[dict | None, str | None]:
    """(the manifest readers are served now, or None; a note when it exists but cannot be read)."""
    try:
        raw, _ = bucket.get_bytes(mf.MANIFEST)
    except FileNotFoundError:
        return None, None
    try:
        return mf.parse(raw, bucket.location.url_of(bucket.location.key(mf.MANIFEST))), None
    except mf.ManifestError as exc:
        return None, f"the current manifest is unreadable and will be replaced ({exc})"


def publish(folder: Path, url: str, *, keep: int = 3, force: bool = False, bucket: Bucket | None = None,
            log=lambda *a: None) -> dict:
    """Upload the dataset in ``folder`` to ``url`` as a new version; returns what was done. When the data is
    the same as the version already published (same content id) nothing is uploaded unless ``force``."""
    if keep < MIN_KEEP:
        raise UserError(f"--keep must be at least {MIN_KEEP} (the new version and the one readers may still be on)")
    location = parse_s3_url(url)
    files = describe(folder)
    bucket = bucket or Bucket(location)
    current, note = current_manifest(bucket)
    if note:
        log(f"warning: {note}")
    if current and current["content_id"] == mf.content_id(files) and not force:
        log(f"{location.url} already serves this data as version {current['version']}; nothing uploaded (--force to publish anyway)")
        return {"url": location.url, "version": current["version"], "uploaded": [], "unchanged": True, "pruned": []}
    version = mf.new_version(files)
    uploaded = []
    for name in sorted(files, key=lambda n: (n not in mf.TABLE_FILES, n)):  # tables, then taxonomy.yaml
        entry = files[name]
        entry["key"] = mf.version_key(version, name)
        entry["etag"] = bucket.put_file(entry["key"], Path(folder) / name)
        landed = bucket.head(entry["key"])
        if landed["size"] != entry["size"]:
            raise UserError(f"upload of {name} to {location.url_of(location.key(entry['key']))} landed with {landed['size']} "
                            f"bytes, not {entry['size']}; the published version is unchanged")
        entry["etag"] = entry["etag"] or landed["e_tag"]
        uploaded.append(name)
        log(f"uploaded {name} ({entry['size']:,} bytes{', ' + str(entry['rows']) + ' rows' if 'rows' in entry else ''})")
    body = mf.dumps(mf.make(version, files))
    bucket.put_bytes(mf.version_key(version, mf.MANIFEST), body)
    bucket.put_bytes(mf.MANIFEST, body)  # the switch, written last
    log(f"published version {version} at {location.url} (manifest {location.url_of(location.key(mf.MANIFEST))})")
    pruned = prune(bucket, keep, protect={version, current["version"] if current else ""})
    for v in pruned:
        log(f"deleted old version {v}")
    return {"url": location.url, "version": version, "uploaded": uploaded, "unchanged": False, "pruned": pruned,
            "replaced": current["version"] if current else None}


def prune(bucket: Bucket, keep: int, protect: set[str]) -> list[str]:
    """Delete all but the newest ``keep`` versions (names sort by publication time), never one in ``protect``."""
    by_version: dict[str, list[str]] = {}
    for key in bucket.list_keys(mf.VERSIONS + "/"):
        parts = key.split("/")
        if len(parts) >= 3 and parts[0] == mf.VERSIONS:
            by_version.setdefault(parts[1], []).append(key)
    old = sorted(by_version, reverse=True)[keep:]
    gone = [v for v in old if v not in protect]
    for v in gone:
        bucket.delete(by_version[v])
    return gone
