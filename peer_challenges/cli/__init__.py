"""Command line: ``python -m peer_challenges <command> ...``.

Each command lives in its own module, which exposes ``register(subparsers)``; the parser it adds
sets ``func`` (called with the parsed args, returning an exit code). A ``UserError`` is printed as
one line on stderr with exit code 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from peer_challenges.domain.errors import UserError

# module names that provide commands, in help order
COMMAND_MODULES = [
    "peer_challenges.cli.build",
    "peer_challenges.cli.query",
    "peer_challenges.cli.export",
    "peer_challenges.cli.extract",
    "peer_challenges.cli.import_plan",
    "peer_challenges.cli.synth",
    "peer_challenges.cli.bench",
    "peer_challenges.cli.themes",
    "peer_challenges.cli.serve",
    "peer_challenges.cli.publish",
]


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m peer_challenges", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a command not built yet
            if exc.name == name:
                continue
            raise
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2

