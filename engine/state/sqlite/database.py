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

from introgate.state.sqlite.health import (
    RESTORE_HINT,
    StateFileError,
    check_path,
    explain_sqlite_error,
    problems,
)
from introgate.state.sqlite.migrations import MIGRATIONS

Params = Sequence[Any] | Mapping[str, Any]


# how long a write waits for another process's transaction before the file counts as locked
BUSY_TIMEOUT = 30.0


def now() -> str:
    """The timestamp every row stores: UTC, to the second, ISO 8601."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class Database:
    """Safe to open from the daemon and the CLI at the same time (WAL)."""

    def __init__(self, path: Path) -> None:
        """Open, check and migrate; a broken file raises StateFileError (one line)."""
        in_memory = str(path) == ":memory:"
        if not in_memory:
            check_path(path)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StateFileError(
                    f"state file {path}: cannot create its folder: {exc.strerror or exc}"
                ) from exc
        self._db = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT, isolation_level=None)
        self._depth = 0  # savepoints open inside the current transaction
        try:
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL: a commit is in the WAL when the call returns, safe from a killed
            # process; only a power cut can take back the last commits, and the mailbox
            # remembers those messages itself (the handled keyword, drafts found by their
            # Message-ID), so nothing is done twice. FULL cost a disk flush per commit,
            # several per request of a first pass.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            if not in_memory:
                found = problems(self._db)
                if found:
                    raise StateFileError(
                        f"state file {path} is damaged ({found[0]}): {RESTORE_HINT}"
                    )
            self._migrate()
        except sqlite3.Error as exc:
            self._db.close()
            raise explain_sqlite_error(path, exc) from exc
        except BaseException:
            self._db.close()
            raise

    def problems(self, *, thorough: bool = False) -> list[str]:
        """SQLite's own check of the open file: [] when sound (``thorough``: every index)."""
        return problems(self._db, thorough=thorough)

    def close(self) -> None:
        self._db.close()

    def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        return self._db.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        self._db.executemany(sql, rows)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Several writes that commit together or not at all.

        Inside another transaction it is a savepoint: its writes are undone alone when it
        fails, and commit with the outer one. So a pass can write a whole chunk in one
        commit while each part that writes several rows stays all-or-nothing.
        """
        if self._db.in_transaction:
            self._depth += 1
            name = f"part{self._depth}"
            self._db.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                self._db.execute(f"ROLLBACK TO {name}")
                self._db.execute(f"RELEASE {name}")
                raise
            finally:
                self._depth -= 1
            self._db.execute(f"RELEASE {name}")
            return
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
