"""The `publish` command: upload a built dataset to object storage as one new version.

``python -m peer_challenges publish s3://bucket/prefix [--data-dir DIR] [--keep N] [--force]``. The connection
comes from the usual environment variables (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_REGION); peer_challenges.store.publish does the work (tables first, the manifest last).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from peer_challenges import PROJECT_ROOT
from peer_challenges.domain.paths import url_scheme
from peer_challenges.store.publish import publish


def _default_folder() -> Path:
    value = os.environ.get("DATA_DIR")
    return Path(value).expanduser() if value and not url_scheme(value) else PROJECT_ROOT / "data"


def _run(args) -> int:
    folder = args.data_dir or _default_folder()
    log = (lambda *a: None) if args.json else (lambda *a: print(*a, flush=True))
    result = publish(folder, args.url, keep=args.keep, force=args.force, log=log)
    if args.json:
        print(json.dumps(result, indent=2))
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("publish", help="upload a built dataset to s3://bucket/prefix as a new version (tables first, manifest last)")
    p.add_argument("url", help="where to publish, s3://bucket/prefix (the app reads it with DATA_DIR=the same URL)")
    p.add_argument("--data-dir", type=Path, default=None,
                   help="the built dataset to publish (default: DATA_DIR when it is a local folder, else data/)")
    p.add_argument("--keep", type=int, default=3, help="versions to keep in the bucket, the new one included (default 3, at least 2)")
    p.add_argument("--force", action="store_true", help="publish even when the data equals the version already published")
    p.add_argument("--json", action="store_true", help="print what was done as JSON")
    p.set_defaults(func=_run)
