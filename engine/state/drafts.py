"""The drafts ledger: every reply introgate drafted, and what became of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class DraftStatus(StrEnum):
    """What became of a draft; the values are what the state file stores."""

    DRAFTED = "drafted"  # waiting in Drafts for the user
    SENDING = "sending"  # `drafts send` started; a crash leaves it here
    SENT = "sent"
    DISMISSED = "dismissed"
    ALLOWED = "allowed"  # the user let the request through without a reply
    WITHDRAWN = "withdrawn"  # the person introduced themselves first: moved to Trash unsent


@dataclass(frozen=True)
class DraftRecord:
    draft_id: str
    request_id: str
    account: str
    person_key: str
    network: str | None
    requester: str | None
    profile_url: str | None
    language: str | None
    recipient: str | None
    subject: str | None
    notification_message_id: str | None
    source_folder: str | None
    source_key: str | None
    status: DraftStatus
    created_at: str
    updated_at: str


class DraftLedger(Protocol):
    """The drafts introgate made, found by id, by status and by person."""

    def add(self, draft: DraftRecord) -> None:
        """Record a draft; a draft already recorded under its id is kept as it is."""
        ...

    def get(self, draft_id: str) -> DraftRecord | None: ...

    def find(self, prefix: str) -> list[DraftRecord]:
        """Drafts whose id starts with ``prefix`` (users type short ids)."""
        ...

    def records(self, status: DraftStatus | None = None) -> list[DraftRecord]:
        """All drafts, or those with ``status``, oldest first."""
        ...

    def set_status(self, draft_id: str, status: DraftStatus) -> None: ...

    def newest_by_request(self, account: str) -> dict[str, tuple[str, DraftStatus]]:
        """The account's newest draft of each request: request id -> (draft id, status)."""
        ...

    def last_asked(self, person_keys: Sequence[str]) -> datetime | None:
        """When any of these person keys was last asked for an introduction."""
        ...
