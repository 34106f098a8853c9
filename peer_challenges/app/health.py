"""The health check each app process answers at ``GET /health``: plain JSON about the data it serves, for load
balancers, container health checks and whoever is on call.

Streamlit (1.67) serves extra HTTP routes through ``st.App(..., routes=...)``; ``asgi.py`` at the repository
root builds the app that way and ``python -m peer_challenges.app.serve`` runs it. Streamlit's own
``/_stcore/health`` still says only whether the server is up.

The answer is 200 while the process serves a dataset ("ok", or "degraded": serving, but the last check of the
store failed, a newer version was rejected, or the version is the last good one of an earlier run) and 503
when it has nothing to serve ("unavailable"). Fields: status, source (DATA_DIR), version, published_at,
serving_since, tables (row counts), last_check, last_check_ok, last_error, rejected {version, reason, at},
cache {folder, objects_downloaded, objects_reused}, pid, uptime_seconds, sessions_active.
"""

from __future__ import annotations

import os
import time
from contextlib import asynccontextmanager

from peer_challenges.domain.errors import UserError
from peer_challenges.domain.paths import data_dir, url_scheme
from peer_challenges.store import remote
from peer_challenges.store.db import ALL_TABLES, DataError, check_folder

STARTED = time.time()
_local_checked: dict[tuple, dict] = {}


def _local_status() -> dict:
    """A local DATA_DIR (or data/): the same checks, repeated only when a table file changes."""
    folder = data_dir()
    try:
        stamp = tuple((t, (folder / f"{t}.parquet").stat().st_mtime_ns) for t in ALL_TABLES)
    except OSError:
        stamp = ("missing", time.time())
    key = (str(folder), stamp)
    if key not in _local_checked:
        _local_checked.clear()
        try:
            _local_checked[key] = {"status": "ok", "tables": check_folder(folder), "last_error": None}
        except DataError as exc:
            _local_checked[key] = {"status": "unavailable", "tables": {}, "last_error": str(exc)}
    return {"source": str(folder), "version": "local", "folder": str(folder), **_local_checked[key]}


def _sessions() -> int | None:
    try:
        from streamlit.runtime import Runtime

        return Runtime.instance()._session_mgr.num_active_sessions()
    except Exception:  # not inside a running server (tests), or Streamlit changed its internals
        return None


def report() -> tuple[int, dict]:
    """(HTTP status, body) of the health check; never raises."""
    value = os.environ.get("DATA_DIR")
    if url_scheme(value):
        try:
            body = remote.status(value)
        except UserError as exc:  # a malformed URL
            body = {"status": "unavailable", "source": value, "version": None, "last_error": str(exc)}
    else:
        body = _local_status()
    body.update(pid=os.getpid(), uptime_seconds=round(time.time() - STARTED), sessions_active=_sessions())
    return (503 if body["status"] == "unavailable" else 200), body


async def health_endpoint(request):
    import anyio
    from starlette.responses import JSONResponse

    code, body = await anyio.to_thread.run_sync(report)  # a local check reads the files: not on the event loop
    return JSONResponse(body, status_code=code, headers={"Cache-Control": "no-store"})


def routes() -> list:
    from starlette.routing import Route

    return [Route("/health", health_endpoint, methods=["GET", "HEAD"])]


@asynccontextmanager
async def lifespan(app):
    """At server start: begin fetching an s3:// dataset at once (in its poll thread), so the first visitor
    and /health need not wait for the download to begin."""
    value = os.environ.get("DATA_DIR")
    if url_scheme(value) == "s3":
        try:
            remote.dataset(value).start()
        except UserError:
            pass  # a malformed URL: /health and every page say so
    yield None

