"""Processed messages: one row per message introgate has looked at.

The pipeline writes a ``pending`` row before a message's actions and a ``done`` (or
``failed``) row after them, each committed at once: a crash between the two leaves a
pending row, and the next pass redoes the (idempotent) actions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any, Protocol

from introgate.mail import MessageRef

MAX_ATTEMPTS = 3
# a failed message waits this long before its next try, so a passing fault (quota, a
# server restart) does not use up every attempt within seconds of IDLE-driven passes
RETRY_SPACING = timedelta(minutes=10)


class ProcessedStatus(StrEnum):
    """Where a message stands; the values are what the state file stores."""

    PENDING = "pending"  # actions started, not confirmed: the next pass redoes them
    DONE = "done"
    FAILED = "failed"  # retried on later passes, up to MAX_ATTEMPTS
    SKIPPED = "skipped"  # seen without acting (older than the backfill, resync)


@dataclass(frozen=True)
class ProcessedRecord:
    account: str
    message_key: str
    folder: str
    message_id: str | None
    status: ProcessedStatus
    network: str | None
    kind: str | None
    requester: str | None
    has_note: bool | None
    decision: str | None
    actions: list[dict[str, Any]]
    error: str | None
    processed_at: str
    attempts: int = 0
    pass_id: int | None = None  # the pass that last handled it


class ProcessedMessages(Protocol):
    """What has been handled, so nothing is handled twice and nothing is lost."""

    def record(
        self,
        account: str,
        ref: MessageRef,
        *,
        status: ProcessedStatus,
        message_id: str | None = None,
        network: str | None = None,
        kind: str | None = None,
        requester: str | None = None,
        has_note: bool | None = None,
        decision: str | None = None,
        actions: Sequence[dict[str, Any]] = (),
        error: str | None = None,
        pass_id: int | None = None,
    ) -> None:
        """Insert or replace one message's row; a ``failed`` row counts an attempt."""
        ...

    def record_many_skipped(
        self, account: str, skipped: Sequence[tuple[MessageRef, str | None]], reason: str
    ) -> None:
        """Mark (message, identity) pairs as seen without acting (backfill, resync).

        The identity (the Message-ID, or a content fingerprint for a message without one)
        is kept so a later UIDVALIDITY change still recognises them.
        """
        ...

    def get(self, account: str, ref: MessageRef) -> ProcessedRecord | None: ...

    def with_message_id(self, account: str, message_id: str) -> list[ProcessedRecord]:
        """Every row of the message with this identity (it may have moved), newest first."""
        ...

    def settled_among(self, account: str, refs: Sequence[MessageRef]) -> set[str]:
        """State keys among ``refs`` that need no more work now."""
        ...

    def message_id_settled(self, account: str, message_id: str) -> bool:
        """Whether a message with this identity needs no more work (UIDVALIDITY resync).

        The identity is its Message-ID or, for a message without one, its content
        fingerprint (``sha256:...``, see ``introgate.facts.content_fingerprint``).
        """
        ...

    def settled_message_ids(self, account: str, message_ids: Sequence[str]) -> set[str]:
        """The identities among ``message_ids`` that ``message_id_settled`` would say yes to,
        asked together for a chunk of messages."""
        ...

    def seen_folder(self, account: str, folder: str) -> bool:
        """Whether any message of this folder was ever looked at (first pass or not)."""
        ...

    def pending(self, account: str) -> list[ProcessedRecord]:
        """Messages whose actions were started and not confirmed (a crash)."""
        ...

    def retry_due(self, account: str, folder: str) -> list[MessageRef]:
        """Failed messages of ``folder`` that get another try on this pass."""
        ...

    def given_up(self, account: str) -> list[ProcessedRecord]:
        """Failed messages that used up their attempts: left alone for good, shown by status."""
        ...

    def counts(self, account: str) -> dict[ProcessedStatus, int]: ...
