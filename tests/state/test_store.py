"""The state store remembers what was handled, survives reopening and upgrades itself."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from introgate.checkpoint import Checkpoint
from introgate.mail import MessageRef
from introgate.state import DraftRecord, DraftStatus, ProcessedStatus, SqliteStore
from introgate.state.sqlite.migrations import MIGRATIONS


def applied_migrations(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT name FROM schema_migrations ORDER BY version").fetchall()
    return [row[0] for row in rows]


def test_new_store_is_at_latest_schema_and_reopening_migrates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    with SqliteStore(path):
        pass
    with SqliteStore(path):
        pass
    assert applied_migrations(path) == [name for name, _ in MIGRATIONS]


def test_store_uses_write_ahead_log(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "s.db"):
        mode = sqlite3.connect(tmp_path / "s.db").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_checkpoint_round_trip_per_account_and_folder(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "s.db") as store:
        assert store.checkpoints.get("a", "INBOX") is None
        store.checkpoints.save("a", "INBOX", Checkpoint(7, 42, 1001))
        store.checkpoints.save("a", "INBOX", Checkpoint(7, 43, 1002))
        store.checkpoints.save("b", "INBOX", Checkpoint(1, 1, None))
    with SqliteStore(tmp_path / "s.db") as store:
        assert store.checkpoints.get("a", "INBOX") == Checkpoint(7, 43, 1002)
        assert store.checkpoints.get("b", "INBOX") == Checkpoint(1, 1, None)


def test_pending_messages_are_not_settled_until_recorded_done(tmp_path: Path) -> None:
    ref = MessageRef("INBOX", "k1")
    with SqliteStore(tmp_path / "s.db") as store:
        messages = store.messages
        messages.record("a", ref, status=ProcessedStatus.PENDING, message_id="<m@x>")
        assert messages.settled_among("a", [ref]) == set()
        assert [r.message_key for r in messages.pending("a")] == ["INBOX/k1"]
        assert not messages.message_id_settled("a", "<m@x>")
        messages.record(
            "a", ref, status=ProcessedStatus.DONE, message_id="<m@x>", actions=[{"type": "archive"}]
        )
        assert messages.settled_among("a", [ref, MessageRef("INBOX", "k2")]) == {"INBOX/k1"}
        assert messages.pending("a") == []
        assert messages.message_id_settled("a", "<m@x>")
        record = messages.get("a", ref)
        assert record is not None
        assert (record.status, record.actions) == (ProcessedStatus.DONE, [{"type": "archive"}])


DIES_AFTER_PENDING_ROW = """
import os, sys
from pathlib import Path
from introgate.mail import MessageRef
from introgate.state import ProcessedStatus, SqliteStore

store = SqliteStore(Path(sys.argv[1]))
store.messages.record("a", MessageRef("INBOX", "k1"), status=ProcessedStatus.PENDING)
os._exit(9)  # the process dies: no close, no cleanup
"""


def test_a_row_written_just_before_the_process_dies_is_there_after_restart(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.sqlite3"
    died = subprocess.run([sys.executable, "-c", DIES_AFTER_PENDING_ROW, str(path)], check=False)
    assert died.returncode == 9
    with SqliteStore(path) as store:
        assert [r.message_key for r in store.messages.pending("a")] == ["INBOX/k1"]


def test_backfill_marks_many_as_skipped_in_one_go(tmp_path: Path) -> None:
    refs = [MessageRef("INBOX", f"k{i}") for i in range(1200)]
    with SqliteStore(tmp_path / "s.db") as store:
        store.messages.record_many_skipped("a", [(ref, None) for ref in refs], "older than 30d")
        assert len(store.messages.settled_among("a", refs)) == 1200
        assert store.messages.counts("a") == {ProcessedStatus.SKIPPED: 1200}


def test_pass_history_reports_last_pass_and_last_error(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "s.db") as store:
        first = store.passes.start("a")
        store.passes.finish(first, scanned=5, processed=5, failed=0, drafted=1, error="timeout")
        second = store.passes.start("a")
        store.passes.finish(second, scanned=6, processed=1, failed=0, drafted=0, error=None)
        [status] = store.passes.latest()
        assert (status.account, status.scanned, status.error, status.last_error) == (
            "a",
            6,
            None,
            "timeout",
        )


# -- a state file written before statuses were enums --------------------------------------

PROCESSED_CODES = {"pending", "done", "failed", "skipped"}
DRAFT_CODES = {"drafted", "sending", "sent", "dismissed", "allowed", "withdrawn"}


def state_file_with_string_codes(path: Path) -> None:
    """A state file as the store has always written it: migrated, rows with plain codes."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute(
        "CREATE TABLE schema_migrations "
        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    for version, (name, migrate) in enumerate(MIGRATIONS, start=1):
        migrate(db)
        db.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01T00:00:00+00:00')",
            (version, name),
        )
    for code in sorted(PROCESSED_CODES):
        db.execute(
            "INSERT INTO processed (account, message_key, folder, status, processed_at) "
            "VALUES ('a', ?, 'INBOX', ?, '2026-01-01T00:00:00+00:00')",
            (f"INBOX/{code}", code),
        )
    for code in sorted(DRAFT_CODES):
        db.execute(
            "INSERT INTO drafts (draft_id, request_id, account, person_key, status, created_at, "
            "updated_at) VALUES (?, 'r', 'a', 'p', ?, '2026-01-01T00:00:00+00:00', "
            "'2026-01-01T00:00:00+00:00')",
            (f"<{code}@introgate>", code),
        )
    db.close()


def stored_codes(path: Path, table: str) -> set[str]:
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute(f"SELECT DISTINCT status FROM {table}")}  # noqa: S608


def test_an_existing_state_file_reads_back_every_status_and_keeps_its_codes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.sqlite3"
    state_file_with_string_codes(path)
    with SqliteStore(path) as store:
        counts = store.messages.counts("a")
        assert counts == dict.fromkeys(ProcessedStatus, 1)
        for status in ProcessedStatus:
            record = store.messages.get("a", MessageRef("INBOX", status.value))
            assert record is not None and record.status is status
        drafts = {record.draft_id: record.status for record in store.drafts.records()}
        assert drafts == {f"<{status.value}@introgate>": status for status in DraftStatus}
        # writing through the new store stores the same codes
        store.messages.record("a", MessageRef("INBOX", "new"), status=ProcessedStatus.DONE)
        store.drafts.set_status("<drafted@introgate>", DraftStatus.SENT)
        store.drafts.add(
            DraftRecord(
                draft_id="<new@introgate>",
                request_id="r2",
                account="a",
                person_key="q",
                network=None,
                requester=None,
                profile_url=None,
                language=None,
                recipient=None,
                subject=None,
                notification_message_id=None,
                source_folder=None,
                source_key=None,
                status=DraftStatus.DRAFTED,
                created_at="2026-01-02T00:00:00+00:00",
                updated_at="2026-01-02T00:00:00+00:00",
            )
        )
    assert applied_migrations(path) == [name for name, _ in MIGRATIONS]
    assert {s.value for s in ProcessedStatus} == PROCESSED_CODES
    assert {s.value for s in DraftStatus} == DRAFT_CODES
    assert stored_codes(path, "processed") == PROCESSED_CODES
    assert stored_codes(path, "drafts") == DRAFT_CODES


def test_a_failed_part_of_a_transaction_is_undone_alone(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "state.sqlite3") as store:
        with store.transaction():
            store.messages.record("a", MessageRef("INBOX", "1"), status=ProcessedStatus.DONE)
            try:
                with store.transaction():
                    store.messages.record(
                        "a", MessageRef("INBOX", "2"), status=ProcessedStatus.DONE
                    )
                    raise RuntimeError("this part fails")
            except RuntimeError:
                pass
            store.messages.record("a", MessageRef("INBOX", "3"), status=ProcessedStatus.DONE)
        kept = store.messages.settled_among("a", [MessageRef("INBOX", str(n)) for n in (1, 2, 3)])
    assert kept == {"INBOX/1", "INBOX/3"}
