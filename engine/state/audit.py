"""The audit log: every change introgate made to a mailbox or a draft, with its detail."""

from __future__ import annotations

from typing import Any, Protocol

from introgate.mail import MessageRef


class AuditLog(Protocol):
    """Append-only; nothing in introgate reads it back, it is there for the user."""

    def record(
        self, account: str, ref: MessageRef | None, action: str, detail: dict[str, Any]
    ) -> None: ...
