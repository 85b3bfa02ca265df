"""Errors a user can act on: each carries readable lines for the CLI to print."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

# b'...' or [b'...'] inside an exception's text: imaplib and imapclient put the server's
# reply there as a Python bytes repr
_BYTES_REPR = re.compile(r"""\[?(?<![\w])b(['"])((?:\\.|(?!\1).)*)\1\]?""")


class IntrogateError(Exception):
    """A problem the user must fix (bad config, unreachable server): one line, no traceback."""


class ConfigError(IntrogateError):
    """The configuration file or environment is invalid."""


@dataclass(frozen=True)
class FileProblem:
    """One mistake in a file the user edits, placed so an editor can jump to it.

    ``line``/``column`` are None when there is no place in a file to point at (a setting
    from an environment variable, a configured path that does not exist).
    """

    file: Path | str
    line: int | None
    column: int | None
    # where in the file's structure: ``accounts[0].backfill``, ``rule "x": when.kind``
    key: str
    message: str

    def __str__(self) -> str:
        place = str(self.file)
        if self.line is not None:
            place += f":{self.line}:{self.column or 1}"
        return f"{place}: {self.key}: {self.message}" if self.key else f"{place}: {self.message}"

    @property
    def order(self) -> tuple[int, int]:
        """Top to bottom within a file."""
        return (self.line or 0, self.column or 0)


class FileProblems(ConfigError):
    """Config, rule or network files that do not check: every problem found, at once."""

    def __init__(self, problems: list[FileProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


class BackendError(IntrogateError):
    """The mailbox could not be read or changed."""


class ConnectionLost(BackendError):
    """The server went away mid-pass: the pass stops, the daemon reconnects, nothing is lost."""


def readable_error(exc: BaseException, limit: int = 300) -> str:
    """An exception as one line a person reads: the server's words, not a Python repr.

    ``LoginError("b'[AUTHENTICATIONFAILED] Authentication failed.'")`` reads
    ``[AUTHENTICATIONFAILED] Authentication failed.``.
    """
    text = " ".join(_BYTES_REPR.sub(_decoded, str(exc)).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _decoded(match: re.Match[str]) -> str:
    quote, body = match.group(1), match.group(2)
    try:
        value = ast.literal_eval(f"b{quote}{body}{quote}")
    except (ValueError, SyntaxError):
        return match.group(0)
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else match.group(0)
