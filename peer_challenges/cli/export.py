"""The `export` command (argparse still in peer_challenges.export.tables: moving here)."""

from peer_challenges.export.tables import register  # noqa: F401
