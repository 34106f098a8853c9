"""Where the data lives: DATA_DIR (environment variable) or the repository's data/ folder."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from peer_challenges import PROJECT_ROOT

QUERIES_DIR = PROJECT_ROOT / "queries"


def data_dir() -> Path:
    value = os.environ.get("DATA_DIR")
    return _resolved(value, os.getcwd() if value else None) if value else PROJECT_ROOT / "data"


@lru_cache(maxsize=64)
def _resolved(value: str, cwd: str | None) -> Path:
    # resolve() asks the file system on every call, and the pages ask for the folder on every query
    return Path(value).expanduser().resolve()
