"""The `serve` command (argparse still in peer_challenges.app.serve: moving here)."""

from peer_challenges.app.serve import register  # noqa: F401
