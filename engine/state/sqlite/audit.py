"""The audit log in SQLite: one row per change, its detail as JSON."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from introgate.mail import MessageRef
from introgate.state.audit import AuditEntry
from introgate.state.sqlite.database import Database, now


class SqliteAuditLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    def record(
        self,
        account: str,
        ref: MessageRef | None,
        action: str,
        detail: dict[str, Any],
        *,
        pass_id: int | None = None,
    ) -> int:
        cursor = self._db.execute(
            "INSERT INTO audit (at, account, message_key, action, detail, pass_id) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                now(),
                account,
                ref.state_key if ref else None,
                action,
                json.dumps(detail, ensure_ascii=False, default=str),
                pass_id,
            ),
        )
        return int(cursor.lastrowid or 0)

    def of_pass(self, pass_id: int) -> list[AuditEntry]:
        rows = self._db.execute("SELECT * FROM audit WHERE pass_id = ? ORDER BY id", (pass_id,))
        return [_entry(row) for row in rows]

    def of_message(self, account: str, message_keys: list[str]) -> list[AuditEntry]:
        if not message_keys:
            return []
        marks = ",".join("?" for _ in message_keys)
        rows = self._db.execute(
            f"SELECT * FROM audit WHERE account = ? AND message_key IN ({marks}) "  # noqa: S608
            "ORDER BY id",
            (account, *message_keys),
        )
        return [_entry(row) for row in rows]

    def about(self, pass_id: int, action: str) -> list[AuditEntry]:
        rows = self._db.execute(
            "SELECT * FROM audit WHERE action = ? AND json_extract(detail, '$.undoes_pass') = ? "
            "ORDER BY id",
            (action, pass_id),
        )
        return [_entry(row) for row in rows]


def _entry(row: sqlite3.Row) -> AuditEntry:
    return AuditEntry(
        entry_id=row["id"],
        at=row["at"],
        account=row["account"],
        message_key=row["message_key"],
        action=row["action"],
        detail=json.loads(row["detail"] or "{}"),
        pass_id=row["pass_id"],
    )
