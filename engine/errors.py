"""Errors a user can act on: each carries readable lines for the CLI to print."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
