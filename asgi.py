"""The dashboard as an ASGI app: app.py plus the /health route (peer_challenges/app/health.py).

Started by ``python -m peer_challenges.app.serve`` (``streamlit run asgi.py``: Streamlit finds ``app`` below and
serves it with its own uvicorn runner, so every ``--server.*`` option works as for app.py). Kept beside app.py
so Streamlit reads the same .streamlit/config.toml.
"""

import streamlit as st

from peer_challenges.app import health

app = st.App("app.py", routes=health.routes(), lifespan=health.lifespan)
