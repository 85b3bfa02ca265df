"""Named schema migrations; each runs once, in its own transaction, in this order."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = tuple[str, Callable[[sqlite3.Connection], None]]


_INITIAL = """
        CREATE TABLE checkpoints (
            account TEXT NOT NULL,
            folder TEXT NOT NULL,
            uidvalidity INTEGER,
            last_uid INTEGER,
            highest_modseq INTEGER,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (account, folder)
        );
        -- one row per message introgate has looked at. Status 'pending' means the
        -- actions were started but not confirmed (a crash): the next pass redoes them,
        -- and every action is idempotent.
        CREATE TABLE processed (
            account TEXT NOT NULL,
            message_key TEXT NOT NULL,
            folder TEXT NOT NULL,
            message_id TEXT,
            status TEXT NOT NULL,
            network TEXT,
            kind TEXT,
            requester TEXT,
            has_note INTEGER,
            decision TEXT,
            actions TEXT NOT NULL DEFAULT '[]',
            error TEXT,
            processed_at TEXT NOT NULL,
            PRIMARY KEY (account, message_key)
        );
        CREATE INDEX processed_message_id ON processed (account, message_id);
        CREATE TABLE drafts (
            draft_id TEXT PRIMARY KEY,          -- the draft's Message-ID, derived from the request
            request_id TEXT NOT NULL,
            account TEXT NOT NULL,
            person_key TEXT NOT NULL,
            network TEXT,
            requester TEXT,
            profile_url TEXT,
            language TEXT,
            recipient TEXT,
            subject TEXT,
            notification_message_id TEXT,
            source_folder TEXT,
            source_key TEXT,
            status TEXT NOT NULL,               -- drafted, sent, dismissed, allowed
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX drafts_person ON drafts (person_key, created_at);
        CREATE INDEX drafts_request ON drafts (request_id);
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            account TEXT NOT NULL,
            message_key TEXT,
            action TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE known_people (
            person_key TEXT PRIMARY KEY,
            known INTEGER NOT NULL,
            source TEXT,
            checked_at TEXT NOT NULL
        );
        CREATE TABLE passes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            account TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            scanned INTEGER NOT NULL DEFAULT 0,
            processed INTEGER NOT NULL DEFAULT 0,
            failed INTEGER NOT NULL DEFAULT 0,
            drafted INTEGER NOT NULL DEFAULT 0,
            error TEXT
        );
"""


def _run_script(db: sqlite3.Connection, script: str) -> None:
    # executescript() would commit on its own; statements run one by one stay inside the
    # migration's transaction, so a failed migration leaves the schema as it was.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _initial(db: sqlite3.Connection) -> None:
    _run_script(db, _INITIAL)


def _attempts(db: sqlite3.Connection) -> None:
    # a failed message (disk full, server said NO) is tried again on later passes, a few times
    db.execute("ALTER TABLE processed ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0")


def _status_index(db: sqlite3.Connection) -> None:
    # every pass asks for pending and retryable rows: without this, a 10-year mailbox's
    # 100,000 processed rows are read on each pass
    db.execute("CREATE INDEX processed_status ON processed (account, status, folder)")


def _backfill(db: sqlite3.Connection) -> None:
    # the first pass's age limit holds until that pass completes, even when it is
    # interrupted (Ctrl-C, a dropped connection) and resumed by later passes
    db.execute(
        "CREATE TABLE backfill (account TEXT NOT NULL, folder TEXT NOT NULL, "
        "cutoff TEXT NOT NULL, finished INTEGER NOT NULL, PRIMARY KEY (account, folder))"
    )


_REQUESTS = """
        CREATE TABLE requests (
            request_id TEXT PRIMARY KEY,        -- the drafts' X-Introgate-Request id
            account TEXT NOT NULL,
            network TEXT NOT NULL,
            requester TEXT NOT NULL,
            folded_name TEXT NOT NULL,
            profile_key TEXT,
            profile_url TEXT,
            address TEXT,
            note TEXT,
            source_folder TEXT,
            source_key TEXT,
            notification_message_id TEXT,
            draft_id TEXT,
            state TEXT NOT NULL,                -- see state/requests.py RequestState
            requested_at TEXT NOT NULL,
            asked_at TEXT,
            introduced_by TEXT,
            introduction TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX requests_state ON requests (account, state, network);
        CREATE INDEX requests_profile ON requests (network, profile_key);
        CREATE INDEX requests_name ON requests (network, folded_name);
        CREATE INDEX requests_draft ON requests (draft_id);
        CREATE TABLE request_history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            request_id TEXT NOT NULL REFERENCES requests (request_id),
            at TEXT NOT NULL,
            from_state TEXT,                    -- NULL: the record was created
            to_state TEXT NOT NULL,
            cause TEXT NOT NULL,
            detail TEXT
        );
        CREATE INDEX request_history_request ON request_history (request_id, id)
"""

# what a request already in the drafts ledger stands at
_STATE_OF_DRAFT = {
    "drafted": "asked",
    "sending": "asked",
    "sent": "question_sent",
    "dismissed": "dismissed",
    "allowed": "known",
    "withdrawn": "introduced",
}


def _requests(db: sqlite3.Connection) -> None:
    # requests become records of their own; those already asked get theirs from the ledger
    from introgate.people import profile_key  # late: people imports the state package

    _run_script(db, _REQUESTS)
    rows = db.execute("SELECT * FROM drafts ORDER BY created_at").fetchall()
    for row in rows:
        state = _STATE_OF_DRAFT.get(row["status"], "asked")
        person = row["person_key"] or ""
        folded = person[len("name:") :] if person.startswith("name:") else ""
        added = db.execute(
            "INSERT OR IGNORE INTO requests (request_id, account, network, requester, "
            "folded_name, profile_key, profile_url, address, source_folder, source_key, "
            "notification_message_id, draft_id, state, requested_at, asked_at, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row["request_id"],
                row["account"],
                (row["network"] or "").lower(),
                row["requester"] or "",
                folded,
                profile_key(row["profile_url"]) if row["profile_url"] else None,
                row["profile_url"],
                row["recipient"],
                row["source_folder"],
                row["source_key"],
                row["notification_message_id"],
                row["draft_id"],
                state,
                row["created_at"],
                row["created_at"],
                row["created_at"],
                row["updated_at"],
            ),
        ).rowcount
        if added:
            db.execute(
                "INSERT INTO request_history (request_id, at, from_state, to_state, cause) "
                "VALUES (?, ?, NULL, ?, ?)",
                (
                    row["request_id"],
                    row["updated_at"],
                    state,
                    f"from the drafts ledger ({row['status']})",
                ),
            )


def _request_follow_up(db: sqlite3.Connection) -> None:
    # the last state the rules acted on: a pass stopped between acting and recording
    # finishes the job on the next pass, and never starts it twice
    db.execute("ALTER TABLE requests ADD COLUMN acted_state TEXT")
    db.execute("CREATE INDEX requests_unsettled ON requests (account, state, acted_state)")


def _pass_ids(db: sqlite3.Connection) -> None:
    # what a pass changed is found by its id (`undo --pass`, `explain --uid`), and a pass's
    # numbers mean the same for IMAP and Maildir: what the folders hold, what was looked at
    db.execute("ALTER TABLE passes ADD COLUMN in_folders INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE audit ADD COLUMN pass_id INTEGER")
    db.execute("CREATE INDEX audit_pass ON audit (pass_id)")
    db.execute("CREATE INDEX audit_message ON audit (account, message_key)")
    db.execute("ALTER TABLE processed ADD COLUMN pass_id INTEGER")


def _recognition_drift(db: sqlite3.Connection) -> None:
    # mail from a network that its file no longer describes, and the days of recognised
    # requests: how a user learns that a network changed its mails (introgate status)
    _run_script(
        db,
        """
        CREATE TABLE not_understood (
            account TEXT NOT NULL,
            message_key TEXT NOT NULL,
            network TEXT NOT NULL,
            subject TEXT NOT NULL,
            mail_date TEXT,
            seen_at TEXT NOT NULL,
            PRIMARY KEY (account, message_key)
        );
        CREATE INDEX not_understood_network ON not_understood (network, mail_date);
        CREATE TABLE request_days (
            account TEXT NOT NULL,
            message_key TEXT NOT NULL,
            network TEXT NOT NULL,
            day TEXT NOT NULL,
            PRIMARY KEY (account, message_key)
        );
        CREATE INDEX request_days_network ON request_days (network, day)
        """,
    )


def _request_mutual(db: sqlite3.Connection) -> None:
    # the review page shows how many contacts a requester shares with the user
    db.execute("ALTER TABLE requests ADD COLUMN mutual_connections INTEGER")


MIGRATIONS: list[Migration] = [
    ("0001_initial", _initial),
    ("0002_retry_attempts", _attempts),
    ("0003_status_index", _status_index),
    ("0004_backfill", _backfill),
    ("0005_requests", _requests),
    ("0006_request_follow_up", _request_follow_up),
    ("0007_pass_ids", _pass_ids),
    ("0008_recognition_drift", _recognition_drift),
    ("0009_request_mutual", _request_mutual),
]
