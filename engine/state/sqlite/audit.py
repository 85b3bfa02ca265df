"""The audit log in SQLite: one row per change, its detail as JSON."""

from __future__ import annotations

import json
from typing import Any

from introgate.mail import MessageRef
from introgate.state.sqlite.database import Database, now


class SqliteAuditLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    def record(
        self, account: str, ref: MessageRef | None, action: str, detail: dict[str, Any]
    ) -> None:
        self._db.execute(
            "INSERT INTO audit (at, account, message_key, action, detail) VALUES (?, ?, ?, ?, ?)",
            (
                now(),
                account,
                ref.state_key if ref else None,
                action,
                json.dumps(detail, ensure_ascii=False, default=str),
            ),
        )
