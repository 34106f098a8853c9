"""Talking to an S3-compatible object store (AWS S3, MinIO, the moto emulator): parsing ``s3://bucket/prefix``,
reading the connection settings from the usual AWS environment variables, and the handful of calls the
dataset reader (store.remote) and the publisher (store.publish) make, through obstore.

Every failure becomes a ``RemoteError`` (a UserError) whose message names the object and the endpoint that
were tried. Missing credentials are caught before any request is made: obstore would otherwise go looking for
EC2 instance credentials on the network, which is slow and wrong everywhere but on EC2 (set
PEER_CHALLENGES_S3_INSTANCE_CREDENTIALS=1 there).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from peer_challenges.domain.errors import UserError

BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
PREFIX_PART = re.compile(r"^[A-Za-z0-9._=+-]+$")
ENDPOINT_VARS = ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "AWS_ENDPOINT")
CREDENTIAL_SOURCES = (
    "AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (optionally AWS_SESSION_TOKEN)",
    "AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (EKS / web identity)",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or AWS_CONTAINER_CREDENTIALS_FULL_URI (ECS)",
    "AWS_SKIP_SIGNATURE=true (a public bucket, read only)",
    "PEER_CHALLENGES_S3_INSTANCE_CREDENTIALS=1 (EC2 instance metadata)",
)
CHUNK = 8 * 1024 * 1024


class RemoteError(UserError):
    """The object store could not be reached, refused us, or the URL / settings are wrong."""


class S3Location(NamedTuple):
    """Where a dataset lives: ``s3://<bucket>/<prefix>`` (the prefix may be empty); ``url`` is its canonical
    spelling (no trailing slash, no empty segments)."""

    bucket: str
    prefix: str

    @property
    def url(self) -> str:
        return "/".join(p for p in (f"s3://{self.bucket}", self.prefix) if p)

    def url_of(self, key: str) -> str:
        return f"s3://{self.bucket}/{key}"

    def key(self, name: str) -> str:
        """The object key of ``name`` (a path relative to the prefix)."""
        return f"{self.prefix}/{name}" if self.prefix else name


def parse_s3_url(url: str) -> S3Location:
    """``s3://bucket`` or ``s3://bucket/some/prefix`` (a trailing slash is ignored); anything else is a
    UserError saying what is expected."""
    expected = "expected s3://<bucket>/<prefix>, e.g. s3://peer-challenges/datasets/live"
    parts = urlsplit(url.strip())
    if parts.scheme.lower() != "s3":
        raise RemoteError(f"{url!r} is not an S3 URL: {expected}")
    if parts.query or parts.fragment or parts.username or parts.password or parts.port:
        raise RemoteError(f"{url!r}: an S3 URL has no query, fragment, user or port ({expected}); "
                          "put the endpoint in AWS_ENDPOINT_URL and the keys in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY")
    bucket = parts.netloc
    if not BUCKET.match(bucket) or ".." in bucket:
        raise RemoteError(f"{url!r}: {bucket!r} is not a valid bucket name (3-63 lower-case letters, digits, "
                          f"dots and hyphens); {expected}")
    segments = [s for s in parts.path.split("/") if s]
    bad = [s for s in segments if s in (".", "..") or not PREFIX_PART.match(s)]
    if bad:
        raise RemoteError(f"{url!r}: prefix part {bad[0]!r} is not allowed (letters, digits and . _ = + - only); {expected}")
    return S3Location(bucket, "/".join(segments))


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    endpoint: str | None  # None: AWS S3 itself
    region: str
    anonymous: bool
    access_key_id: str | None = field(default=None, repr=False)
    secret_access_key: str | None = field(default=None, repr=False)
    session_token: str | None = field(default=None, repr=False)
    ambient: bool = False  # credentials obstore finds itself (web identity, ECS, EC2 metadata), allowed explicitly

    @property
    def where(self) -> str:
        return self.endpoint or f"AWS S3 ({self.region})"


def settings(env=None) -> Settings:
    """The connection settings from the environment (AWS_ENDPOINT_URL, AWS_REGION, the credentials);
    a RemoteError naming the variables looked at when no credentials are given or the endpoint is malformed."""
    env = os.environ if env is None else env
    endpoint = next((env[v].strip() for v in ENDPOINT_VARS if env.get(v, "").strip()), None)
    if endpoint:
        p = urlsplit(endpoint)
        if p.scheme not in ("http", "https") or not p.hostname:
            name = next(v for v in ENDPOINT_VARS if env.get(v, "").strip())
            raise RemoteError(f"{name}={endpoint!r} is not an endpoint URL: expected http(s)://host[:port], "
                              "e.g. http://127.0.0.1:9000 for a local MinIO")
        endpoint = endpoint.rstrip("/")
    region = (env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1").strip()
    anonymous = _truthy(env.get("AWS_SKIP_SIGNATURE"))
    has_keys = bool(env.get("AWS_ACCESS_KEY_ID") and env.get("AWS_SECRET_ACCESS_KEY"))
    has_other = bool(env.get("AWS_WEB_IDENTITY_TOKEN_FILE") or env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
                     or env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")
                     or _truthy(env.get("PEER_CHALLENGES_S3_INSTANCE_CREDENTIALS")))
    if not (has_keys or has_other or anonymous):
        half = [v for v in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY") if env.get(v)]
        detail = f" ({half[0]} is set but not its pair)" if half else ""
        raise RemoteError(
            f"no S3 credentials in the environment{detail} for {Settings(endpoint, region, False).where}. "
            "Looked for: " + "; ".join(CREDENTIAL_SOURCES) + ". (Profiles in ~/.aws are not read.)")
    if has_keys:
        return Settings(endpoint, region, anonymous, env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"],
                        env.get("AWS_SESSION_TOKEN") or None)
    return Settings(endpoint, region, anonymous, ambient=has_other)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:400] if text else type(exc).__name__


class Bucket:
    """One dataset location in one object store. Keys given to its methods are relative to the location's
    prefix (``manifest.json``, ``versions/<v>/councils.parquet``)."""

    def __init__(self, location: S3Location, config: Settings | None = None):
        from obstore.store import S3Store

        self.location = location
        self.settings = config or settings()
        cfg = self.settings
        if not (cfg.access_key_id or cfg.anonymous or cfg.ambient):
            # without this obstore would look for credentials on the network (EC2 instance metadata)
            raise RemoteError(f"no S3 credentials for {location.url} at {cfg.where}: " + "; ".join(CREDENTIAL_SOURCES))
        store_config = {"region": cfg.region}
        if cfg.endpoint:
            store_config["endpoint"] = cfg.endpoint
        if cfg.anonymous:
            store_config["skip_signature"] = True
        if cfg.access_key_id:  # given explicitly, so nothing else is looked for
            store_config.update(access_key_id=cfg.access_key_id, secret_access_key=cfg.secret_access_key)
            if cfg.session_token:
                store_config["session_token"] = cfg.session_token
        client = {"connect_timeout": "5s", "timeout": "300s",
                  "allow_http": bool(self.settings.endpoint and self.settings.endpoint.startswith("http://"))}
        retry = {"max_retries": 3, "retry_timeout": dt.timedelta(seconds=30)}
        try:
            # the store is rooted at the bucket: keys carry the prefix, so messages can name the whole object
            self._store = S3Store(location.bucket, config=store_config, client_options=client, retry_config=retry)
        except Exception as exc:  # an option obstore rejects
            raise RemoteError(f"cannot set up S3 access to {location.url} at {self.settings.where}: {_first_line(exc)}") from None

    # ---- helpers
    def _fail(self, what: str, key: str, exc: BaseException) -> RemoteError:
        return RemoteError(f"could not {what} {self.location.url_of(self.location.key(key))} at "
                           f"{self.settings.where}: {_first_line(exc)}")

    def _errors(self):
        import obstore.exceptions as oe

        return oe

    # ---- calls
    def get_bytes(self, key: str, if_none_match: str | None = None) -> tuple[bytes | None, str | None]:
        """(content, ETag); (None, etag) when ``if_none_match`` is the object's ETag (not modified).
        FileNotFoundError when there is no such object."""
        import obstore

        oe = self._errors()
        options = {"if_none_match": if_none_match} if if_none_match else None
        try:
            result = obstore.get(self._store, self.location.key(key), options=options)
            return bytes(result.bytes()), result.meta.get("e_tag")
        except oe.NotModifiedError:
            return None, if_none_match
        except FileNotFoundError:
            raise
        except Exception as exc:
            raise self._fail("read", key, exc) from None

    def download(self, key: str, target: Path) -> tuple[str | None, int, str]:
        """Stream the object into ``target``; (ETag, size, sha256 of what was written)."""
        import obstore

        digest = hashlib.sha256()
        size = 0
        try:
            result = obstore.get(self._store, self.location.key(key))
            etag = result.meta.get("e_tag")
            with open(target, "wb") as out:
                for chunk in result.stream(min_chunk_size=CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
        except FileNotFoundError:
            raise
        except Exception as exc:
            raise self._fail("download", key, exc) from None
        return etag, size, digest.hexdigest()

    def put_file(self, key: str, path: Path) -> str | None:
        """Upload a local file; its ETag."""
        import obstore

        try:
            return obstore.put(self._store, self.location.key(key), Path(path)).get("e_tag")
        except Exception as exc:
            raise self._fail("upload", key, exc) from None

    def put_bytes(self, key: str, data: bytes) -> str | None:
        import obstore

        try:
            return obstore.put(self._store, self.location.key(key), data, use_multipart=False).get("e_tag")
        except Exception as exc:
            raise self._fail("upload", key, exc) from None

    def head(self, key: str) -> dict:
        """The object's size and ETag; FileNotFoundError when there is none."""
        import obstore

        try:
            meta = obstore.head(self._store, self.location.key(key))
        except FileNotFoundError:
            raise
        except Exception as exc:
            raise self._fail("look up", key, exc) from None
        return {"size": meta["size"], "e_tag": meta.get("e_tag")}

    def list_keys(self, under: str) -> list[str]:
        """Keys (relative to the prefix) of every object under ``under``."""
        import obstore

        root = self.location.key("")
        try:
            found = [m["path"] for batch in obstore.list(self._store, self.location.key(under)) for m in batch]
        except Exception as exc:
            raise self._fail("list", under, exc) from None
        return [k[len(root):] if root and k.startswith(root) else k for k in found]

    def delete(self, keys: list[str]) -> None:
        import obstore

        if not keys:
            return
        try:
            obstore.delete(self._store, [self.location.key(k) for k in keys])
        except Exception as exc:
            raise self._fail("delete", keys[0], exc) from None
