"""The `bench` command (argparse still in peer_challenges.devtools.bench: moving here)."""

from peer_challenges.devtools.bench import register  # noqa: F401
