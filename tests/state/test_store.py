"""The state store remembers what was handled, survives reopening and upgrades itself."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from introgate.backends.base import Checkpoint
from introgate.mail import MessageRef
from introgate.state import StateStore
from introgate.state.migrations import MIGRATIONS


def test_new_store_is_at_latest_schema_and_reopening_migrates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    with StateStore(path) as store:
        assert store.schema_version() == len(MIGRATIONS)
    with StateStore(path) as store:
        assert store.schema_version() == len(MIGRATIONS)
    rows = sqlite3.connect(path).execute("SELECT name FROM schema_migrations").fetchall()
    assert [r[0] for r in rows] == [name for name, _ in MIGRATIONS]


def test_store_uses_write_ahead_log(tmp_path: Path) -> None:
    with StateStore(tmp_path / "s.db"):
        mode = sqlite3.connect(tmp_path / "s.db").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_checkpoint_round_trip_per_account_and_folder(tmp_path: Path) -> None:
    with StateStore(tmp_path / "s.db") as store:
        assert store.checkpoint("a", "INBOX") is None
        store.save_checkpoint("a", "INBOX", Checkpoint(7, 42, 1001))
        store.save_checkpoint("a", "INBOX", Checkpoint(7, 43, 1002))
        store.save_checkpoint("b", "INBOX", Checkpoint(1, 1, None))
    with StateStore(tmp_path / "s.db") as store:
        assert store.checkpoint("a", "INBOX") == Checkpoint(7, 43, 1002)
        assert store.checkpoint("b", "INBOX") == Checkpoint(1, 1, None)


def test_pending_messages_are_not_done_until_recorded_done(tmp_path: Path) -> None:
    ref = MessageRef("INBOX", "k1")
    with StateStore(tmp_path / "s.db") as store:
        store.record("a", ref, status="pending", message_id="<m@x>")
        assert store.done_among("a", [ref]) == set()
        assert [r.message_key for r in store.pending("a")] == ["INBOX/k1"]
        assert not store.message_id_done("a", "<m@x>")
        store.record("a", ref, status="done", message_id="<m@x>", actions=[{"type": "archive"}])
        assert store.done_among("a", [ref, MessageRef("INBOX", "k2")]) == {"INBOX/k1"}
        assert store.pending("a") == []
        assert store.message_id_done("a", "<m@x>")
        record = store.processed("a", ref)
        assert record is not None and record.actions == [{"type": "archive"}]


def test_backfill_marks_many_as_skipped_in_one_go(tmp_path: Path) -> None:
    refs = [MessageRef("INBOX", f"k{i}") for i in range(1200)]
    with StateStore(tmp_path / "s.db") as store:
        store.record_many_skipped("a", [(ref, None) for ref in refs], "older than 30d")
        assert len(store.done_among("a", refs)) == 1200
        assert store.counts("a") == {"skipped": 1200}


def test_pass_history_reports_last_pass_and_last_error(tmp_path: Path) -> None:
    with StateStore(tmp_path / "s.db") as store:
        first = store.start_pass("a")
        store.finish_pass(first, scanned=5, processed=5, failed=0, drafted=1, error="timeout")
        second = store.start_pass("a")
        store.finish_pass(second, scanned=6, processed=1, failed=0, drafted=0, error=None)
        [status] = store.last_passes()
        assert (status["id"], status["scanned"], status["last_error"]) == (second, 6, "timeout")
