"""The `serve` command: start the dashboard (streamlit run app.py, deep links fixed).

Every argument after ``serve`` is passed on to ``streamlit run``; peer_challenges.app.serve.main does
the work (and ``python -m peer_challenges.app.serve`` runs it directly).
"""

from __future__ import annotations

import argparse

from peer_challenges.app.serve import main


def register(subparsers) -> None:
    p = subparsers.add_parser("serve", help="start the dashboard (streamlit run app.py, deep links fixed)",
                              add_help=False)
    p.add_argument("streamlit_args", nargs=argparse.REMAINDER, help="options passed to streamlit run, e.g. --server.port 8502")
    p.set_defaults(func=lambda args: main(args.streamlit_args))
