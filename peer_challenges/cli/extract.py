"""The `extract` command (argparse still in peer_challenges.sources.extract: moving here)."""

from peer_challenges.sources.extract import register  # noqa: F401
