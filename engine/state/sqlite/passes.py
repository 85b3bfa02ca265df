"""The health record of passes in SQLite."""

from __future__ import annotations

import sqlite3

from introgate.state.passes import PassHealth
from introgate.state.sqlite.database import Database, now


class SqlitePassLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    def start(self, account: str) -> int:
        cursor = self._db.execute(
            "INSERT INTO passes (account, started_at) VALUES (?, ?)", (account, now())
        )
        return int(cursor.lastrowid or 0)

    def finish(
        self,
        pass_id: int,
        *,
        scanned: int,
        processed: int,
        failed: int,
        drafted: int,
        error: str | None,
        in_folders: int = 0,
    ) -> None:
        self._db.execute(
            "UPDATE passes SET finished_at = ?, scanned = ?, processed = ?, failed = ?, "
            "drafted = ?, error = ?, in_folders = ? WHERE id = ?",
            (now(), scanned, processed, failed, drafted, error, in_folders, pass_id),
        )

    def latest(self) -> list[PassHealth]:
        rows = self._db.execute(
            "SELECT p.* FROM passes p JOIN (SELECT account, MAX(id) AS id FROM passes "
            "GROUP BY account) last ON p.id = last.id ORDER BY p.account"
        ).fetchall()
        return [self._health(row) for row in rows]

    def get(self, pass_id: int) -> PassHealth | None:
        row = self._db.execute("SELECT * FROM passes WHERE id = ?", (pass_id,)).fetchone()
        return self._health(row) if row else None

    def _health(self, row: sqlite3.Row) -> PassHealth:
        error_row = self._db.execute(
            "SELECT started_at, finished_at, error FROM passes WHERE account = ? "
            "AND error IS NOT NULL AND id <= ? ORDER BY id DESC LIMIT 1",
            (row["account"], row["id"]),
        ).fetchone()
        return PassHealth(
            account=row["account"],
            started_at=row["started_at"],
            finished_at=row["finished_at"],
            scanned=row["scanned"],
            processed=row["processed"],
            failed=row["failed"],
            drafted=row["drafted"],
            error=row["error"],
            last_error=error_row["error"] if error_row else None,
            last_error_at=(error_row["finished_at"] or error_row["started_at"])
            if error_row
            else None,
            pass_id=row["id"],
            in_folders=row["in_folders"],
        )
