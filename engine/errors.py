"""Errors a user can act on: each carries one readable line for the CLI to print."""

from __future__ import annotations


class IntrogateError(Exception):
    """A problem the user must fix (bad config, unreachable server): one line, no traceback."""


class ConfigError(IntrogateError):
    """The configuration file or environment is invalid."""


class BackendError(IntrogateError):
    """The mailbox could not be read or changed."""


class ConnectionLost(BackendError):
    """The server went away mid-pass: the pass stops, the daemon reconnects, nothing is lost."""
