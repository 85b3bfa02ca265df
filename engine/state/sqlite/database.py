"""One SQLite connection (WAL) shared by every part of the store, and its transactions.

The connection is in autocommit mode: each write outside ``transaction()`` commits at
once, because the store is the record a crash must not lose and the pipeline orders its
writes (pending row, actions, done row) so a crash at any line leaves something the next
pass can finish without repeating a visible effect.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from introgate.state.sqlite.migrations import MIGRATIONS

Params = Sequence[Any] | Mapping[str, Any]


def now() -> str:
    """The timestamp every row stores: UTC, to the second, ISO 8601."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class Database:
    """Safe to open from the daemon and the CLI at the same time (WAL)."""

    def __init__(self, path: Path) -> None:
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    def close(self) -> None:
        self._db.close()

    def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        return self._db.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        self._db.executemany(sql, rows)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Several writes that commit together or not at all."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _migrate(self) -> None:
        # two processes (daemon and CLI) may open a new store at once: each migration
        # checks whether it is still due inside its own write transaction
        with self.transaction():
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
        for version, (name, migrate) in enumerate(MIGRATIONS, start=1):
            with self.transaction():
                done = self._db.execute(
                    "SELECT 1 FROM schema_migrations WHERE name = ?", (name,)
                ).fetchone()
                if done:
                    continue
                migrate(self._db)
                self._db.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, now()),
                )
