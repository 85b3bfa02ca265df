"""The health record of passes in SQLite."""

from __future__ import annotations

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
    ) -> None:
        self._db.execute(
            "UPDATE passes SET finished_at = ?, scanned = ?, processed = ?, failed = ?, "
            "drafted = ?, error = ? WHERE id = ?",
            (now(), scanned, processed, failed, drafted, error, pass_id),
        )

    def latest(self) -> list[PassHealth]:
        rows = self._db.execute(
            "SELECT p.* FROM passes p JOIN (SELECT account, MAX(id) AS id FROM passes "
            "GROUP BY account) last ON p.id = last.id ORDER BY p.account"
        ).fetchall()
        result = []
        for row in rows:
            error_row = self._db.execute(
                "SELECT started_at, error FROM passes WHERE account = ? AND error IS NOT NULL "
                "ORDER BY id DESC LIMIT 1",
                (row["account"],),
            ).fetchone()
            result.append(
                PassHealth(
                    account=row["account"],
                    started_at=row["started_at"],
                    finished_at=row["finished_at"],
                    scanned=row["scanned"],
                    processed=row["processed"],
                    failed=row["failed"],
                    drafted=row["drafted"],
                    error=row["error"],
                    last_error=error_row["error"] if error_row else None,
                    last_error_at=error_row["started_at"] if error_row else None,
                )
            )
        return result
