"""Errors that carry a user-facing message (printed without a traceback by the CLI)."""


class UserError(Exception):
    """A problem with input that the user can fix; ``str(err)`` is the whole message."""
