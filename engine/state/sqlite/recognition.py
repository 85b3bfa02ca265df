"""What recognition did not understand, and the days of recognised requests, in SQLite."""

from __future__ import annotations

from datetime import UTC, date, datetime

from introgate.state.recognition import NotUnderstood
from introgate.state.sqlite.database import Database, now


class SqliteRecognitionLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    def record_not_understood(
        self,
        account: str,
        network: str,
        message_key: str,
        subject: str,
        mail_date: datetime | None,
    ) -> None:
        self._db.execute(
            "INSERT OR IGNORE INTO not_understood (account, message_key, network, subject, "
            "mail_date, seen_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                account,
                message_key,
                network,
                subject[:300],
                _iso(mail_date) if mail_date else None,
                now(),
            ),
        )

    def record_request(self, account: str, network: str, message_key: str, day: date) -> None:
        self._db.execute(
            "INSERT OR IGNORE INTO request_days (account, message_key, network, day) "
            "VALUES (?, ?, ?, ?)",
            (account, message_key, network, day.isoformat()),
        )

    def not_understood_counts(self, since: datetime) -> dict[str, int]:
        rows = self._db.execute(
            "SELECT network, COUNT(*) AS n FROM not_understood "
            "WHERE COALESCE(mail_date, seen_at) >= ? GROUP BY network ORDER BY network",
            (_iso(since),),
        ).fetchall()
        return {row["network"]: int(row["n"]) for row in rows}

    def newest_not_understood(
        self, network: str, limit: int, since: datetime
    ) -> list[NotUnderstood]:
        rows = self._db.execute(
            "SELECT * FROM not_understood WHERE network = ? "
            "AND COALESCE(mail_date, seen_at) >= ? "
            "ORDER BY COALESCE(mail_date, seen_at) DESC, seen_at DESC LIMIT ?",
            (network, _iso(since), limit),
        ).fetchall()
        return [
            NotUnderstood(
                account=row["account"],
                network=row["network"],
                message_key=row["message_key"],
                subject=row["subject"],
                mail_date=_stamp(row["mail_date"]),
                seen_at=_stamp(row["seen_at"]) or datetime.now(UTC),
            )
            for row in rows
        ]

    def request_days(self) -> dict[str, list[date]]:
        rows = self._db.execute("SELECT network, day FROM request_days ORDER BY day").fetchall()
        days: dict[str, list[date]] = {}
        for row in rows:
            try:
                days.setdefault(row["network"], []).append(date.fromisoformat(row["day"]))
            except ValueError:
                continue
        return days


def _iso(stamp: datetime) -> str:
    """UTC, to the second: the form ``seen_at`` has, so the two compare as text."""
    return stamp.astimezone(UTC).isoformat(timespec="seconds")


def _stamp(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
