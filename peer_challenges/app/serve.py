"""Start the dashboard: ``python -m peer_challenges serve [streamlit options]`` (the command is
peer_challenges.cli.serve) or ``python -m peer_challenges.app.serve [streamlit options]``.

Runs ``streamlit run asgi.py``: app.py served by Streamlit's own server with one extra route, ``/health``
(peer_challenges/app/health.py), and one fix. Streamlit keeps a legacy mode for apps that have a
folder called ``pages/`` (the layout the project brief fixes): until some session has run app.py's
``st.navigation``, a visitor who opens a deep link such as ``/council?council=brentwood`` on a freshly
started server gets that page run on its own, without app.py (no page config, no data check, a
sidebar listing file names). Streamlit clears that mode as soon as ``st.navigation`` is called; we
clear it before the server starts, in the same process, so the first shared link works too.
"""

from __future__ import annotations

import sys

from peer_challenges import PROJECT_ROOT


def disable_legacy_pages_mode() -> None:
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def run_pages_through_app_py():
    """For AppTest: keep the legacy mode off on every run (AppTest resets the flag before each run, so
    ``at.switch_page("pages/x.py")`` would otherwise execute pages/x.py without app.py). Returns a
    function that undoes the patch."""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__
    if getattr(original, "_navigation_only", False):  # already patched
        return lambda: None

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    init._navigation_only = True
    PagesManager.__init__ = init

    def undo() -> None:
        PagesManager.__init__ = original
        PagesManager.uses_pages_directory = None

    return undo


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    disable_legacy_pages_mode()
    from streamlit.web import cli as stcli

    sys.argv = ["streamlit", "run", str(PROJECT_ROOT / "asgi.py"), *args]
    return stcli.main()


if __name__ == "__main__":
    sys.exit(main())
