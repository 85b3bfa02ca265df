"""The drafts ledger in SQLite."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from introgate.state.drafts import DraftRecord, DraftStatus
from introgate.state.sqlite.database import Database, now


class SqliteDraftLedger:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, draft: DraftRecord) -> None:
        self._db.execute(
            "INSERT OR IGNORE INTO drafts (draft_id, request_id, account, person_key, network, "
            "requester, profile_url, language, recipient, subject, notification_message_id, "
            "source_folder, source_key, status, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                draft.draft_id,
                draft.request_id,
                draft.account,
                draft.person_key,
                draft.network,
                draft.requester,
                draft.profile_url,
                draft.language,
                draft.recipient,
                draft.subject,
                draft.notification_message_id,
                draft.source_folder,
                draft.source_key,
                draft.status.value,
                draft.created_at,
                draft.updated_at,
            ),
        )

    def get(self, draft_id: str) -> DraftRecord | None:
        row = self._db.execute("SELECT * FROM drafts WHERE draft_id = ?", (draft_id,)).fetchone()
        return _draft(row) if row else None

    def find(self, prefix: str) -> list[DraftRecord]:
        rows = self._db.execute(
            "SELECT * FROM drafts WHERE draft_id LIKE ? ESCAPE '\\' ORDER BY created_at",
            (prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",),
        )
        return [_draft(row) for row in rows]

    def records(self, status: DraftStatus | None = None) -> list[DraftRecord]:
        if status is None:
            rows = self._db.execute("SELECT * FROM drafts ORDER BY created_at")
        else:
            rows = self._db.execute(
                "SELECT * FROM drafts WHERE status = ? ORDER BY created_at", (status.value,)
            )
        return [_draft(row) for row in rows]

    def newest_by_request(self, account: str) -> dict[str, tuple[str, DraftStatus]]:
        rows = self._db.execute(
            "SELECT request_id, draft_id, status FROM drafts WHERE account = ? ORDER BY created_at",
            (account,),
        )
        return {row[0]: (row[1], DraftStatus(row[2])) for row in rows}

    def set_status(self, draft_id: str, status: DraftStatus) -> None:
        self._db.execute(
            "UPDATE drafts SET status = ?, updated_at = ? WHERE draft_id = ?",
            (status.value, now(), draft_id),
        )

    def last_asked(self, person_keys: Sequence[str]) -> datetime | None:
        if not person_keys:
            return None
        marks = ",".join("?" for _ in person_keys)
        row = self._db.execute(
            f"SELECT MAX(created_at) FROM drafts WHERE person_key IN ({marks})",  # noqa: S608
            tuple(person_keys),
        ).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None


def _draft(row: sqlite3.Row) -> DraftRecord:
    return DraftRecord(**dict(row) | {"status": DraftStatus(row["status"])})
