"""The audit log: every change introgate made to a mailbox or a draft, with its detail.

Append-only. It is there for the user, and it is what `undo --pass` and `explain --uid`
read back: each entry names the pass that made it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from introgate.mail import MessageRef


@dataclass(frozen=True)
class AuditEntry:
    entry_id: int
    at: str
    account: str
    message_key: str | None  # folder/key where the message was when the change was made
    action: str
    detail: dict[str, Any]
    pass_id: int | None


class AuditLog(Protocol):
    def record(
        self,
        account: str,
        ref: MessageRef | None,
        action: str,
        detail: dict[str, Any],
        *,
        pass_id: int | None = None,
    ) -> int:
        """Append one entry; its id."""
        ...

    def of_pass(self, pass_id: int) -> list[AuditEntry]:
        """What one pass changed, in the order it did it."""
        ...

    def of_message(self, account: str, message_keys: list[str]) -> list[AuditEntry]:
        """Every entry about messages at these keys, oldest first."""
        ...

    def about(self, pass_id: int, action: str) -> list[AuditEntry]:
        """Entries of ``action`` whose detail names ``pass_id`` (e.g. undo records)."""
        ...
