"""SQLite state store (WAL): checkpoints, processed messages, drafts ledger, audit log.

Every write commits at once: the store is the record a crash must not lose, and the
pipeline orders its writes (pending row, actions, done row) so a crash at any line
leaves something the next pass can finish without repeating a visible effect.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from introgate.backends.base import Checkpoint
from introgate.mail import MessageRef
from introgate.state.migrations import MIGRATIONS


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class ProcessedRecord:
    account: str
    message_key: str
    folder: str
    message_id: str | None
    status: str
    network: str | None
    kind: str | None
    requester: str | None
    has_note: bool | None
    decision: str | None
    actions: list[dict[str, Any]]
    error: str | None
    processed_at: str
    attempts: int = 0


MAX_ATTEMPTS = 3
# a failed message waits this long before its next try, so a passing fault (quota, a
# server restart) does not use up every attempt within seconds of IDLE-driven passes
RETRY_SPACING = timedelta(minutes=10)
# rows that need no more work now: pending ones are redone at once, failed ones are
# retried after RETRY_SPACING until MAX_ATTEMPTS
_SETTLED = (
    "(status NOT IN ('pending', 'failed') OR (status = 'failed' AND "
    f"(attempts >= {MAX_ATTEMPTS} OR processed_at > :retry_before)))"
)


def _retry_before() -> str:
    return (datetime.now(UTC) - RETRY_SPACING).isoformat(timespec="seconds")


@dataclass(frozen=True)
class DraftRecord:
    draft_id: str
    request_id: str
    account: str
    person_key: str
    network: str | None
    requester: str | None
    profile_url: str | None
    language: str | None
    recipient: str | None
    subject: str | None
    notification_message_id: str | None
    source_folder: str | None
    source_key: str | None
    status: str
    created_at: str
    updated_at: str


class StateStore:
    """One SQLite file; safe to open from the daemon and the CLI at the same time (WAL)."""

    def __init__(self, path: Path) -> None:
        self.path = path
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

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema -----------------------------------------------------------------

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
                    (version, name, _now()),
                )

    def schema_version(self) -> int:
        row = self._db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- checkpoints ------------------------------------------------------------

    def checkpoint(self, account: str, folder: str) -> Checkpoint | None:
        row = self._db.execute(
            "SELECT uidvalidity, last_uid, highest_modseq FROM checkpoints "
            "WHERE account = ? AND folder = ?",
            (account, folder),
        ).fetchone()
        if row is None:
            return None
        return Checkpoint(row[0], row[1], row[2])

    def save_checkpoint(self, account: str, folder: str, checkpoint: Checkpoint) -> None:
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
                _now(),
            ),
        )

    # -- processed messages -----------------------------------------------------

    def done_keys(self, account: str, folder: str) -> set[str]:
        """Keys of messages in ``folder`` that need no more work (anything but pending)."""
        rows = self._db.execute(
            "SELECT message_key FROM processed WHERE account = ? AND folder = ? "
            "AND status != 'pending'",
            (account, folder),
        )
        return {row[0] for row in rows}

    def done_among(self, account: str, refs: Sequence[MessageRef]) -> set[str]:
        """State keys among ``refs`` that need no more work (anything but pending)."""
        done: set[str] = set()
        keys = [ref.state_key for ref in refs]
        for start in range(0, len(keys), 500):
            batch = keys[start : start + 500]
            marks = ",".join(f":k{i}" for i in range(len(batch)))
            rows = self._db.execute(
                f"SELECT message_key FROM processed WHERE account = :account "  # noqa: S608
                f"AND {_SETTLED} AND message_key IN ({marks})",
                {"account": account, "retry_before": _retry_before()}
                | {f"k{i}": key for i, key in enumerate(batch)},
            )
            done.update(row[0] for row in rows)
        return done

    def has_processed(self, account: str, folder: str) -> bool:
        """Whether any message of this folder was ever looked at (first pass or not)."""
        row = self._db.execute(
            "SELECT 1 FROM processed WHERE account = ? AND folder = ? LIMIT 1", (account, folder)
        ).fetchone()
        return row is not None

    def processed(self, account: str, ref: MessageRef) -> ProcessedRecord | None:
        row = self._db.execute(
            "SELECT * FROM processed WHERE account = ? AND message_key = ?",
            (account, ref.state_key),
        ).fetchone()
        return _processed(row) if row else None

    def message_id_done(self, account: str, message_id: str) -> bool:
        """True when a message with this Message-ID was fully handled (UIDVALIDITY resync)."""
        row = self._db.execute(
            f"SELECT 1 FROM processed WHERE account = :account "  # noqa: S608
            f"AND message_id = :message_id AND {_SETTLED} LIMIT 1",
            {"account": account, "message_id": message_id, "retry_before": _retry_before()},
        ).fetchone()
        return row is not None

    def pending(self, account: str) -> list[ProcessedRecord]:
        rows = self._db.execute(
            "SELECT * FROM processed WHERE account = ? AND status = 'pending'", (account,)
        )
        return [_processed(row) for row in rows]

    def record(
        self,
        account: str,
        ref: MessageRef,
        *,
        status: str,
        message_id: str | None = None,
        network: str | None = None,
        kind: str | None = None,
        requester: str | None = None,
        has_note: bool | None = None,
        decision: str | None = None,
        actions: Sequence[dict[str, Any]] = (),
        error: str | None = None,
    ) -> None:
        """Insert or replace the row of one message (status pending/done/skipped/failed).

        A ``failed`` row counts its attempts, so a lasting failure stops being retried.
        """
        previous = self._db.execute(
            "SELECT attempts FROM processed WHERE account = ? AND message_key = ?",
            (account, ref.state_key),
        ).fetchone()
        attempts = (previous[0] if previous else 0) + (1 if status == "failed" else 0)
        self._db.execute(
            "INSERT OR REPLACE INTO processed (account, message_key, folder, message_id, status, "
            "network, kind, requester, has_note, decision, actions, error, processed_at, "
            "attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                account,
                ref.state_key,
                ref.folder,
                message_id,
                status,
                network,
                kind,
                requester,
                None if has_note is None else int(has_note),
                decision,
                json.dumps(list(actions), ensure_ascii=False),
                error,
                _now(),
                attempts,
            ),
        )

    def retry_due(self, account: str, folder: str) -> list[MessageRef]:
        """Failed messages of ``folder`` that get another try on this pass."""
        rows = self._db.execute(
            "SELECT message_key FROM processed WHERE account = ? AND folder = ? "
            "AND status = 'failed' AND attempts < ? AND processed_at <= ?",
            (account, folder, MAX_ATTEMPTS, _retry_before()),
        )
        return [MessageRef(folder, row[0][len(folder) + 1 :]) for row in rows]

    def record_many_skipped(
        self, account: str, skipped: Sequence[tuple[MessageRef, str | None]], reason: str
    ) -> None:
        """Mark (message, Message-ID) pairs as seen without acting (backfill, resync).

        The Message-ID is kept so a later UIDVALIDITY change still recognises them.
        """
        with self.transaction():
            self._db.executemany(
                "INSERT OR IGNORE INTO processed (account, message_key, folder, message_id, "
                "status, error, processed_at) VALUES (?, ?, ?, ?, 'skipped', ?, ?)",
                [
                    (account, ref.state_key, ref.folder, message_id, reason, _now())
                    for ref, message_id in skipped
                ],
            )

    # -- first-pass backfill ----------------------------------------------------

    def backfill_cutoff(self, account: str, folder: str) -> tuple[datetime, bool] | None:
        """The age limit of a folder's first pass, and whether that pass completed."""
        row = self._db.execute(
            "SELECT cutoff, finished FROM backfill WHERE account = ? AND folder = ?",
            (account, folder),
        ).fetchone()
        return (datetime.fromisoformat(row[0]), bool(row[1])) if row else None

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

    def recent_processed(
        self, account: str | None = None, limit: int = 50
    ) -> list[ProcessedRecord]:
        if account is None:
            rows = self._db.execute(
                "SELECT * FROM processed ORDER BY processed_at DESC LIMIT ?", (limit,)
            )
        else:
            rows = self._db.execute(
                "SELECT * FROM processed WHERE account = ? ORDER BY processed_at DESC LIMIT ?",
                (account, limit),
            )
        return [_processed(row) for row in rows]

    # -- audit ------------------------------------------------------------------

    def audit(
        self, account: str, ref: MessageRef | None, action: str, detail: dict[str, Any]
    ) -> None:
        self._db.execute(
            "INSERT INTO audit (at, account, message_key, action, detail) VALUES (?, ?, ?, ?, ?)",
            (
                _now(),
                account,
                ref.state_key if ref else None,
                action,
                json.dumps(detail, ensure_ascii=False, default=str),
            ),
        )

    def audit_log(self, account: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        query = "SELECT * FROM audit"
        args: tuple[Any, ...] = ()
        if account is not None:
            query += " WHERE account = ?"
            args = (account,)
        query += " ORDER BY id DESC LIMIT ?"
        rows = self._db.execute(query, (*args, limit))
        return [dict(row) | {"detail": json.loads(row["detail"])} for row in rows]

    # -- drafts ledger ----------------------------------------------------------

    def record_draft(self, draft: DraftRecord) -> None:
        self._db.execute(
            "INSERT OR IGNORE INTO drafts (draft_id, request_id, account, person_key, network, "
            "requester, profile_url, language, recipient, subject, notification_message_id, "
            "source_folder, source_key, status, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                draft.draft_id,
                draft.request_id,
                draft.account,
                draft.person_key,
                draft.network,
                draft.requester,
                draft.profile_url,
                draft.language,
                draft.recipient,
                draft.subject,
                draft.notification_message_id,
                draft.source_folder,
                draft.source_key,
                draft.status,
                draft.created_at,
                draft.updated_at,
            ),
        )

    def draft(self, draft_id: str) -> DraftRecord | None:
        row = self._db.execute("SELECT * FROM drafts WHERE draft_id = ?", (draft_id,)).fetchone()
        return DraftRecord(**dict(row)) if row else None

    def find_drafts(self, prefix: str) -> list[DraftRecord]:
        """Drafts whose id starts with ``prefix`` (users type short ids)."""
        rows = self._db.execute(
            "SELECT * FROM drafts WHERE draft_id LIKE ? ESCAPE '\\' ORDER BY created_at",
            (prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",),
        )
        return [DraftRecord(**dict(row)) for row in rows]

    def drafts(self, status: str | None = None) -> list[DraftRecord]:
        if status is None:
            rows = self._db.execute("SELECT * FROM drafts ORDER BY created_at")
        else:
            rows = self._db.execute(
                "SELECT * FROM drafts WHERE status = ? ORDER BY created_at", (status,)
            )
        return [DraftRecord(**dict(row)) for row in rows]

    def set_draft_status(self, draft_id: str, status: str) -> None:
        self._db.execute(
            "UPDATE drafts SET status = ?, updated_at = ? WHERE draft_id = ?",
            (status, _now(), draft_id),
        )

    def last_asked(self, person_keys: Sequence[str]) -> datetime | None:
        """When any of these person keys was last asked for an introduction."""
        if not person_keys:
            return None
        marks = ",".join("?" for _ in person_keys)
        row = self._db.execute(
            f"SELECT MAX(created_at) FROM drafts WHERE person_key IN ({marks})",  # noqa: S608
            tuple(person_keys),
        ).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    # -- known people cache -----------------------------------------------------

    def known_person(self, person_key: str) -> tuple[bool, str | None, datetime] | None:
        row = self._db.execute(
            "SELECT known, source, checked_at FROM known_people WHERE person_key = ?",
            (person_key,),
        ).fetchone()
        if row is None:
            return None
        return bool(row[0]), row[1], datetime.fromisoformat(row[2])

    def remember_person(self, person_key: str, known: bool, source: str | None) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO known_people (person_key, known, source, checked_at) "
            "VALUES (?, ?, ?, ?)",
            (person_key, int(known), source, _now()),
        )

    # -- passes (health) --------------------------------------------------------

    def start_pass(self, account: str) -> int:
        cursor = self._db.execute(
            "INSERT INTO passes (account, started_at) VALUES (?, ?)", (account, _now())
        )
        return int(cursor.lastrowid or 0)

    def finish_pass(
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
            (_now(), scanned, processed, failed, drafted, error, pass_id),
        )

    def last_passes(self) -> list[dict[str, Any]]:
        """Per account: the newest pass and the newest error."""
        rows = self._db.execute(
            "SELECT p.* FROM passes p JOIN (SELECT account, MAX(id) AS id FROM passes "
            "GROUP BY account) last ON p.id = last.id ORDER BY p.account"
        )
        result = []
        for row in rows:
            error_row = self._db.execute(
                "SELECT started_at, error FROM passes WHERE account = ? AND error IS NOT NULL "
                "ORDER BY id DESC LIMIT 1",
                (row["account"],),
            ).fetchone()
            result.append(
                dict(row)
                | {
                    "last_error": error_row["error"] if error_row else None,
                    "last_error_at": error_row["started_at"] if error_row else None,
                }
            )
        return result

    def counts(self, account: str) -> dict[str, int]:
        rows = self._db.execute(
            "SELECT status, COUNT(*) FROM processed WHERE account = ? GROUP BY status", (account,)
        )
        return {row[0]: row[1] for row in rows}


def _processed(row: sqlite3.Row) -> ProcessedRecord:
    data = dict(row)
    data["actions"] = json.loads(data["actions"] or "[]")
    data["has_note"] = None if data["has_note"] is None else bool(data["has_note"])
    return ProcessedRecord(**data)
