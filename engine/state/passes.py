"""The health record of passes, which `introgate status` shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class PassHealth:
    """One pass of an account, with the account's newest error (perhaps of an older pass).

    ``in_folders`` is what the watched folders held, ``scanned`` how many of those the
    pass looked at (new since the last pass, or retried): the same for IMAP and Maildir.
    """

    account: str
    started_at: str
    finished_at: str | None  # None: running, or interrupted
    scanned: int
    processed: int
    failed: int
    drafted: int
    error: str | None
    last_error: str | None
    last_error_at: str | None
    pass_id: int = 0
    in_folders: int = 0


class PassLog(Protocol):
    def start(self, account: str) -> int:
        """Open a pass's row; the id closes it."""
        ...

    def finish(
        self,
        pass_id: int,
        *,
        scanned: int,
        processed: int,
        failed: int,
        drafted: int,
        error: str | None,
        in_folders: int = 0,
    ) -> None: ...

    def latest(self) -> list[PassHealth]:
        """Per account (sorted by name): the newest pass and the newest error."""
        ...

    def get(self, pass_id: int) -> PassHealth | None:
        """One pass by its id (``undo --pass``)."""
        ...
