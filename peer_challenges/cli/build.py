"""The `build` command (argparse still in peer_challenges.store.build: moving here)."""

from peer_challenges.store.build import register  # noqa: F401
