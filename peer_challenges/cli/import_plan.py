"""The `import-plan` command (argparse still in peer_challenges.sources.importplan: moving here)."""

from peer_challenges.sources.importplan import register  # noqa: F401
