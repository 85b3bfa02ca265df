"""Checkpoints and first-pass backfill limits in SQLite."""

from __future__ import annotations

from datetime import datetime

from introgate.checkpoint import Checkpoint
from introgate.state.checkpoints import Backfill
from introgate.state.sqlite.database import Database, now


class SqliteCheckpoints:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, account: str, folder: str) -> Checkpoint | None:
        row = self._db.execute(
            "SELECT uidvalidity, last_uid, highest_modseq FROM checkpoints "
            "WHERE account = ? AND folder = ?",
            (account, folder),
        ).fetchone()
        if row is None:
            return None
        return Checkpoint(row[0], row[1], row[2])

    def save(self, account: str, folder: str, checkpoint: Checkpoint) -> None:
        self._db.execute(
            "INSERT INTO checkpoints (account, folder, uidvalidity, last_uid, highest_modseq, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account, folder) DO UPDATE SET "
            "uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid, "
            "highest_modseq = excluded.highest_modseq, updated_at = excluded.updated_at",
            (
                account,
                folder,
                checkpoint.uidvalidity,
                checkpoint.last_uid,
                checkpoint.highest_modseq,
                now(),
            ),
        )

    def backfill(self, account: str, folder: str) -> Backfill | None:
        row = self._db.execute(
            "SELECT cutoff, finished FROM backfill WHERE account = ? AND folder = ?",
            (account, folder),
        ).fetchone()
        return Backfill(datetime.fromisoformat(row[0]), bool(row[1])) if row else None

    def start_backfill(self, account: str, folder: str, cutoff: datetime) -> None:
        self._db.execute(
            "INSERT OR IGNORE INTO backfill (account, folder, cutoff, finished) "
            "VALUES (?, ?, ?, 0)",
            (account, folder, cutoff.isoformat(timespec="seconds")),
        )

    def finish_backfill(self, account: str, folder: str) -> None:
        self._db.execute(
            "UPDATE backfill SET finished = 1 WHERE account = ? AND folder = ?", (account, folder)
        )
