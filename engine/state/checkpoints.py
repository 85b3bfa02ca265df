"""Checkpoints: how far each folder was read, and the age limit of its first pass."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from introgate.checkpoint import Checkpoint


@dataclass(frozen=True)
class Backfill:
    """The age limit of a folder's first pass; it holds until that pass completes."""

    cutoff: datetime
    finished: bool


class Checkpoints(Protocol):
    """Where the next pass over a folder starts."""

    def get(self, account: str, folder: str) -> Checkpoint | None: ...

    def save(self, account: str, folder: str, checkpoint: Checkpoint) -> None: ...

    def backfill(self, account: str, folder: str) -> Backfill | None:
        """The first pass's age limit, if that pass has started."""
        ...

    def start_backfill(self, account: str, folder: str, cutoff: datetime) -> None:
        """Record the first pass's age limit; a limit already recorded is kept."""
        ...

    def finish_backfill(self, account: str, folder: str) -> None: ...
