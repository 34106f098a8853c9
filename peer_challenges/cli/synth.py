"""The `synth` command (argparse still in peer_challenges.devtools.synth: moving here)."""

from peer_challenges.devtools.synth import register  # noqa: F401
