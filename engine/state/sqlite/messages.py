"""Processed messages in SQLite."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from introgate.mail import MessageRef
from introgate.state import messages
from introgate.state.messages import ProcessedRecord, ProcessedStatus
from introgate.state.sqlite.database import Database, now

_PENDING, _FAILED = ProcessedStatus.PENDING.value, ProcessedStatus.FAILED.value
# rows that need no more work now: pending ones are redone at once, failed ones are
# retried after RETRY_SPACING until MAX_ATTEMPTS
_SETTLED = (
    f"(status NOT IN ('{_PENDING}', '{_FAILED}') OR (status = '{_FAILED}' AND "
    "(attempts >= :max_attempts OR processed_at > :retry_before)))"
)
_BATCH = 500  # keys per IN (...) query, below SQLite's limit of bound parameters


def _retry_before() -> str:
    return (datetime.now(UTC) - messages.RETRY_SPACING).isoformat(timespec="seconds")


def _settled_params() -> dict[str, Any]:
    return {"max_attempts": messages.MAX_ATTEMPTS, "retry_before": _retry_before()}


class SqliteProcessedMessages:
    def __init__(self, db: Database) -> None:
        self._db = db

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
        self._db.execute(
            "INSERT OR REPLACE INTO processed (account, message_key, folder, message_id, status, "
            "network, kind, requester, has_note, decision, actions, error, processed_at, "
            "attempts, pass_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            # a failed row counts one more attempt than the row it replaces
            "COALESCE((SELECT attempts FROM processed WHERE account = ? AND message_key = ?), 0)"
            " + ?, ?)",
            (
                account,
                ref.state_key,
                ref.folder,
                message_id,
                status.value,
                network,
                kind,
                requester,
                None if has_note is None else int(has_note),
                decision,
                json.dumps(list(actions), ensure_ascii=False) if actions else "[]",
                error,
                now(),
                account,
                ref.state_key,
                int(status == ProcessedStatus.FAILED),
                pass_id,
            ),
        )

    def record_many_skipped(
        self, account: str, skipped: Sequence[tuple[MessageRef, str | None]], reason: str
    ) -> None:
        with self._db.transaction():
            self._db.executemany(
                "INSERT OR IGNORE INTO processed (account, message_key, folder, message_id, "
                "status, error, processed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        account,
                        ref.state_key,
                        ref.folder,
                        message_id,
                        ProcessedStatus.SKIPPED.value,
                        reason,
                        now(),
                    )
                    for ref, message_id in skipped
                ],
            )

    def get(self, account: str, ref: MessageRef) -> ProcessedRecord | None:
        row = self._db.execute(
            "SELECT * FROM processed WHERE account = ? AND message_key = ?",
            (account, ref.state_key),
        ).fetchone()
        return _processed(row) if row else None

    def with_message_id(self, account: str, message_id: str) -> list[ProcessedRecord]:
        rows = self._db.execute(
            "SELECT * FROM processed WHERE account = ? AND message_id = ? "
            "ORDER BY processed_at DESC, rowid DESC",
            (account, message_id),
        )
        return [_processed(row) for row in rows]

    def settled_among(self, account: str, refs: Sequence[MessageRef]) -> set[str]:
        return self._settled(account, "message_key", [ref.state_key for ref in refs])

    def message_id_settled(self, account: str, message_id: str) -> bool:
        row = self._db.execute(
            f"SELECT 1 FROM processed WHERE account = :account "  # noqa: S608
            f"AND message_id = :message_id AND {_SETTLED} LIMIT 1",
            {"account": account, "message_id": message_id} | _settled_params(),
        ).fetchone()
        return row is not None

    def settled_message_ids(self, account: str, message_ids: Sequence[str]) -> set[str]:
        return self._settled(account, "message_id", list(dict.fromkeys(message_ids)))

    def _settled(self, account: str, column: str, values: list[str]) -> set[str]:
        """The ``values`` of ``column`` (a key or a Message-ID) on rows needing no more work."""
        settled: set[str] = set()
        for start in range(0, len(values), _BATCH):
            batch = values[start : start + _BATCH]
            marks = ",".join(f":v{i}" for i in range(len(batch)))
            rows = self._db.execute(
                f"SELECT DISTINCT {column} FROM processed WHERE account = :account "  # noqa: S608
                f"AND {_SETTLED} AND {column} IN ({marks})",
                {"account": account}
                | _settled_params()
                | {f"v{i}": value for i, value in enumerate(batch)},
            )
            settled.update(row[0] for row in rows)
        return settled

    def seen_folder(self, account: str, folder: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM processed WHERE account = ? AND folder = ? LIMIT 1", (account, folder)
        ).fetchone()
        return row is not None

    def pending(self, account: str) -> list[ProcessedRecord]:
        rows = self._db.execute(
            "SELECT * FROM processed WHERE account = ? AND status = ?",
            (account, ProcessedStatus.PENDING.value),
        )
        return [_processed(row) for row in rows]

    def retry_due(self, account: str, folder: str) -> list[MessageRef]:
        rows = self._db.execute(
            "SELECT message_key FROM processed WHERE account = ? AND folder = ? "
            "AND status = ? AND attempts < ? AND processed_at <= ?",
            (
                account,
                folder,
                ProcessedStatus.FAILED.value,
                messages.MAX_ATTEMPTS,
                _retry_before(),
            ),
        )
        return [MessageRef(folder, row[0][len(folder) + 1 :]) for row in rows]

    def given_up(self, account: str) -> list[ProcessedRecord]:
        rows = self._db.execute(
            "SELECT * FROM processed WHERE account = ? AND status = ? AND attempts >= ? "
            "ORDER BY processed_at, message_key",
            (account, ProcessedStatus.FAILED.value, messages.MAX_ATTEMPTS),
        )
        return [_processed(row) for row in rows]

    def counts(self, account: str) -> dict[ProcessedStatus, int]:
        rows = self._db.execute(
            "SELECT status, COUNT(*) FROM processed WHERE account = ? GROUP BY status", (account,)
        )
        return {ProcessedStatus(row[0]): row[1] for row in rows}


def _processed(row: sqlite3.Row) -> ProcessedRecord:
    data = dict(row)
    data["status"] = ProcessedStatus(data["status"])
    data["actions"] = json.loads(data["actions"] or "[]")
    data["has_note"] = None if data["has_note"] is None else bool(data["has_note"])
    return ProcessedRecord(**data)
