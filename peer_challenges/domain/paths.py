"""Where the data lives: DATA_DIR (environment variable) or the repository's data/ folder.

DATA_DIR may also be a URL (``s3://bucket/prefix``). The code that reads such a dataset lives in a higher
layer (peer_challenges.store.remote), which registers itself here with ``register_remote``; ``data_dir()``
then returns the local folder holding the version currently served, so every reader keeps working on a
local Path and a newly published version is a new folder (and so a new cache key everywhere).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from peer_challenges import PROJECT_ROOT
from peer_challenges.domain.errors import UserError

QUERIES_DIR = PROJECT_ROOT / "queries"
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_REMOTE: dict[str, Callable[[str], Path]] = {}


def register_remote(scheme: str, resolver: Callable[[str], Path]) -> None:
    """Let DATA_DIR be a ``<scheme>://`` URL: ``resolver(url)`` returns the local folder to read."""
    _REMOTE[scheme.lower()] = resolver


def url_scheme(value: str | None) -> str | None:
    """The scheme of a URL-shaped DATA_DIR (``s3``), else None (a local folder)."""
    m = _URL.match(value or "")
    return m.group(1).lower() if m else None


def data_source() -> str:
    """What DATA_DIR names as given (a URL, or the local folder), for messages and the health check."""
    value = os.environ.get("DATA_DIR")
    return value if url_scheme(value) else str(data_dir())


def data_dir() -> Path:
    value = os.environ.get("DATA_DIR")
    if not value:
        return PROJECT_ROOT / "data"
    scheme = url_scheme(value)
    if scheme:
        resolver = _REMOTE.get(scheme)
        if resolver is None:
            known = ", ".join(f"{s}://" for s in sorted(_REMOTE)) or "none loaded"
            raise UserError(f"DATA_DIR={value}: {scheme}:// datasets are not supported here (supported: {known}); "
                            "use a local folder or an s3://bucket/prefix URL")
        return resolver(value)
    return _resolved(value, os.getcwd())


@lru_cache(maxsize=64)
def _resolved(value: str, cwd: str | None) -> Path:
    # resolve() asks the file system on every call, and the pages ask for the folder on every query
    return Path(value).expanduser().resolve()
