"""The SQLite state store: one file, one connection, one object per concern."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

from introgate.state.sqlite.audit import SqliteAuditLog
from introgate.state.sqlite.checkpoints import SqliteCheckpoints
from introgate.state.sqlite.database import Database
from introgate.state.sqlite.drafts import SqliteDraftLedger
from introgate.state.sqlite.messages import SqliteProcessedMessages
from introgate.state.sqlite.passes import SqlitePassLog
from introgate.state.sqlite.people import SqlitePeopleCache
from introgate.state.sqlite.recognition import SqliteRecognitionLog
from introgate.state.sqlite.requests import SqliteRequestLedger


class SqliteStore:
    """Opens (and migrates) the state file; callers use its parts."""

    def __init__(self, path: Path) -> None:
        self._db = Database(path)
        self.checkpoints = SqliteCheckpoints(self._db)
        self.messages = SqliteProcessedMessages(self._db)
        self.drafts = SqliteDraftLedger(self._db)
        self.audit = SqliteAuditLog(self._db)
        self.people = SqlitePeopleCache(self._db)
        self.passes = SqlitePassLog(self._db)
        self.requests = SqliteRequestLedger(self._db)
        self.recognition = SqliteRecognitionLog(self._db)

    def close(self) -> None:
        self._db.close()

    def transaction(self) -> AbstractContextManager[None]:
        """Writes of any parts that commit together (a savepoint inside another one)."""
        return self._db.transaction()

    def problems(self, *, thorough: bool = False) -> list[str]:
        """What SQLite's check finds in the file: [] when it is sound."""
        return self._db.problems(thorough=thorough)

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
