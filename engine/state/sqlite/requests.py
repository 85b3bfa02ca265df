"""The requests ledger in SQLite: one row per request, one history row per change."""

from __future__ import annotations

import sqlite3
from dataclasses import astuple, fields

from introgate.state.requests import NEXT, RequestChange, RequestRecord, RequestState
from introgate.state.sqlite.database import Database, now

_COLUMNS = [f.name for f in fields(RequestRecord)]


class SqliteRequestLedger:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, record: RequestRecord, cause: str) -> bool:
        with self._db.transaction():
            added = self._db.execute(
                f"INSERT OR IGNORE INTO requests ({', '.join(_COLUMNS)}) "  # noqa: S608
                f"VALUES ({', '.join('?' for _ in _COLUMNS)})",
                tuple(v.value if isinstance(v, RequestState) else v for v in astuple(record)),
            ).rowcount
            if added:
                self._history(record.request_id, record.created_at, None, record.state, cause)
        return bool(added)

    def get(self, request_id: str) -> RequestRecord | None:
        row = self._db.execute(
            "SELECT * FROM requests WHERE request_id = ?", (request_id,)
        ).fetchone()
        return _record(row) if row else None

    def find(self, prefix: str) -> list[RequestRecord]:
        rows = self._db.execute(
            "SELECT * FROM requests WHERE request_id LIKE ? ESCAPE '\\' ORDER BY requested_at",
            (prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",),
        )
        return [_record(row) for row in rows]

    def records(
        self,
        states: frozenset[RequestState] | None = None,
        network: str | None = None,
        since: str | None = None,
    ) -> list[RequestRecord]:
        where: list[str] = []
        params: list[str] = []
        if states is not None:
            where.append(f"state IN ({', '.join('?' for _ in states)})")
            params.extend(sorted(s.value for s in states))
        if network is not None:
            where.append("network = ?")
            params.append(network.lower())
        if since is not None:
            where.append("requested_at >= ?")
            params.append(since)
        sql = "SELECT * FROM requests"
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self._db.execute(sql + " ORDER BY requested_at, request_id", params)
        return [_record(row) for row in rows]

    def states(
        self, account: str, states: frozenset[RequestState]
    ) -> dict[str, tuple[RequestState, str | None]]:
        marks = ", ".join("?" for _ in states)
        rows = self._db.execute(
            "SELECT request_id, state, draft_id FROM requests "  # noqa: S608 - only marks
            f"WHERE account = ? AND state IN ({marks}) ORDER BY requested_at, request_id",
            (account, *sorted(s.value for s in states)),
        )
        return {row[0]: (RequestState(row[1]), row[2]) for row in rows}

    def move(
        self,
        request_id: str,
        to: RequestState,
        cause: str,
        detail: str | None = None,
        *,
        at: str | None = None,
        introduced_by: str | None = None,
        introduction: str | None = None,
    ) -> bool:
        at = at or now()
        with self._db.transaction():
            row = self._db.execute(
                "SELECT state FROM requests WHERE request_id = ?", (request_id,)
            ).fetchone()
            if row is None:
                return False
            current = RequestState(row["state"])
            if to not in NEXT[current]:
                return False
            self._db.execute(
                "UPDATE requests SET state = ?, updated_at = ?, "
                "introduced_by = COALESCE(?, introduced_by), "
                "introduction = COALESCE(?, introduction) WHERE request_id = ?",
                (to.value, at, introduced_by, introduction, request_id),
            )
            self._history(request_id, at, current, to, cause, detail)
        return True

    def attach_draft(
        self, request_id: str, draft_id: str | None, asked_at: str, address: str | None = None
    ) -> None:
        self._db.execute(
            "UPDATE requests SET draft_id = COALESCE(draft_id, ?), "
            "asked_at = COALESCE(asked_at, ?), address = COALESCE(address, ?) "
            "WHERE request_id = ?",
            (draft_id, asked_at, address.lower() if address else None, request_id),
        )

    def unsettled(self, account: str) -> list[RequestRecord]:
        rows = self._db.execute(
            "SELECT * FROM requests WHERE account = ? AND state IN (?, ?) "
            "AND acted_state IS NOT state ORDER BY updated_at, request_id",
            (account, RequestState.INTRODUCED.value, RequestState.NO_ANSWER.value),
        )
        return [_record(row) for row in rows]

    def mark_acted(self, request_id: str, state: RequestState) -> None:
        self._db.execute(
            "UPDATE requests SET acted_state = ? WHERE request_id = ?", (state.value, request_id)
        )

    def history(self, request_id: str) -> list[RequestChange]:
        rows = self._db.execute(
            "SELECT * FROM request_history WHERE request_id = ? ORDER BY id", (request_id,)
        )
        return [
            RequestChange(
                request_id=row["request_id"],
                at=row["at"],
                from_state=RequestState(row["from_state"]) if row["from_state"] else None,
                to_state=RequestState(row["to_state"]),
                cause=row["cause"],
                detail=row["detail"],
            )
            for row in rows
        ]

    def last_causes(self) -> dict[str, str]:
        rows = self._db.execute(
            "SELECT request_id, cause FROM request_history WHERE id IN "
            "(SELECT MAX(id) FROM request_history GROUP BY request_id)"
        )
        return {row["request_id"]: row["cause"] for row in rows}

    def changes(self) -> int:
        row = self._db.execute("SELECT MAX(id) AS newest FROM request_history").fetchone()
        return int(row["newest"] or 0)

    def undo(self, request_id: str, causes: frozenset[str], cause: str) -> RequestState | None:
        at = now()
        with self._db.transaction():
            row = self._db.execute(
                "SELECT r.state, h.from_state, h.to_state, h.cause FROM requests r "
                "JOIN request_history h ON h.request_id = r.request_id "
                "WHERE r.request_id = ? ORDER BY h.id DESC LIMIT 1",
                (request_id,),
            ).fetchone()
            if row is None or row["cause"] not in causes or not row["from_state"]:
                return None
            if row["to_state"] != row["state"]:
                return None
            current, back = RequestState(row["state"]), RequestState(row["from_state"])
            self._db.execute(
                "UPDATE requests SET state = ?, updated_at = ? WHERE request_id = ?",
                (back.value, at, request_id),
            )
            self._history(request_id, at, current, back, cause)
        return back

    def _history(
        self,
        request_id: str,
        at: str,
        from_state: RequestState | None,
        to: RequestState,
        cause: str,
        detail: str | None = None,
    ) -> None:
        self._db.execute(
            "INSERT INTO request_history (request_id, at, from_state, to_state, cause, detail) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (request_id, at, from_state.value if from_state else None, to.value, cause, detail),
        )


def _record(row: sqlite3.Row) -> RequestRecord:
    acted = row["acted_state"]
    return RequestRecord(
        **{name: row[name] for name in _COLUMNS}
        | {
            "state": RequestState(row["state"]),
            "acted_state": RequestState(acted) if acted else None,
        }
    )
