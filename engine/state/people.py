"""What was found out about a person (earlier correspondence), so it is not asked again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class RememberedPerson:
    known: bool
    source: str | None  # where they were found ("correspondence"), None when not found
    checked_at: datetime


class PeopleCache(Protocol):
    """Answers of slow look-ups (mailbox searches), keyed by a person key."""

    def get(self, person_key: str) -> RememberedPerson | None: ...

    def remember(self, person_key: str, known: bool, source: str | None) -> None: ...
