"""The known-people cache in SQLite."""

from __future__ import annotations

from datetime import datetime

from introgate.state.people import RememberedPerson
from introgate.state.sqlite.database import Database, now


class SqlitePeopleCache:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, person_key: str) -> RememberedPerson | None:
        row = self._db.execute(
            "SELECT known, source, checked_at FROM known_people WHERE person_key = ?",
            (person_key,),
        ).fetchone()
        if row is None:
            return None
        return RememberedPerson(bool(row[0]), row[1], datetime.fromisoformat(row[2]))

    def remember(self, person_key: str, known: bool, source: str | None) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO known_people (person_key, known, source, checked_at) "
            "VALUES (?, ?, ?, ?)",
            (person_key, int(known), source, now()),
        )
