"""The `themes` command (argparse still in peer_challenges.domain.taxonomy: moving here)."""

from peer_challenges.domain.taxonomy import register  # noqa: F401
