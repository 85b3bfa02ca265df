"""The health record of passes, which `introgate status` shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class PassHealth:
    """An account's newest pass, and its newest error (perhaps of an older pass)."""

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
    ) -> None: ...

    def latest(self) -> list[PassHealth]:
        """Per account (sorted by name): the newest pass and the newest error."""
        ...
