"""Where the data lives: DATA_DIR (environment variable) or the repository's data/ folder."""

from __future__ import annotations

import os
from pathlib import Path

from peer_challenges import PROJECT_ROOT

QUERIES_DIR = PROJECT_ROOT / "queries"


def data_dir() -> Path:
    value = os.environ.get("DATA_DIR")
    return Path(value).expanduser().resolve() if value else PROJECT_ROOT / "data"
