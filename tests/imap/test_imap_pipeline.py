"""Whole passes against a real Dovecot: labels, archive, drafts, resyncs and crashes."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from email.parser import BytesHeaderParser
from pathlib import Path

import pytest

from introgate.backends.imap import ImapBackend
from introgate.config import FolderSettings, Settings, load_settings
from introgate.errors import ConnectionLost
from introgate.mail import SEEN, MessageRef
from introgate.pipeline import Engine, PassReport
from introgate.state import SqliteStore

from .conftest import imap_settings, plain_message, request, write_imap_config
from .dovecot import Dovecot


def open_backend(server: Dovecot) -> ImapBackend:
    backend = ImapBackend("work", imap_settings(server), FolderSettings())
    backend.connect()
    return backend


def mailbox(server: Dovecot) -> dict[str, list[tuple[str, frozenset[str]]]]:
    """Every folder's (Message-ID, flags) pairs, read over a fresh connection."""
    with ImapBackend("check", imap_settings(server), FolderSettings()) as backend:
        result = {}
        for folder in ("INBOX", "Archive", "Drafts", "Trash"):
            items = backend.fetch_headers(backend.scan(folder, None).refs)
            result[folder] = [(mid_of(i.raw), i.flags) for i in items]
        return result


def message_ids(box: dict[str, list[tuple[str, frozenset[str]]]], *folders: str) -> Counter[str]:
    return Counter(mid for folder in folders for mid, _flags in box[folder])


def run(settings: Settings, backend: ImapBackend) -> PassReport:
    engine = Engine.load(settings)
    with SqliteStore(settings.state.path) as store:
        return engine.run(settings.accounts[0], backend, store)


@pytest.fixture
def settings(dovecot: Dovecot, tmp_path: Path) -> Settings:
    return load_settings(write_imap_config(tmp_path / "introgate.toml", dovecot))


def mid_of(raw: bytes) -> str:
    return " ".join(str(BytesHeaderParser().parsebytes(raw)["Message-ID"]).split())


def test_request_is_labelled_archived_and_drafted_once_and_nothing_is_marked_read(
    dovecot: Dovecot, settings: Settings
) -> None:
    stranger = request(1)
    noted = request(2, note="Hi Alex, we met at the Berlin meetup last week.")
    ordinary = plain_message(subject="Invoice", sender="jana@kunde.example")
    for raw in (stranger, noted, ordinary):
        dovecot.deliver(raw)
    backend = open_backend(dovecot)
    report = run(settings, backend)
    again = run(settings, backend)
    backend.close()
    box = mailbox(dovecot)
    assert [len(report.decisions), report.drafted, report.failed] == [3, 1, 0]
    assert again.decisions == []
    assert box["INBOX"] == [
        (mid_of(noted), frozenset({"introgate/introduced", "$IntrogateHandled"})),
        (mid_of(ordinary), frozenset()),
    ]
    assert box["Archive"] == [
        (mid_of(stranger), frozenset({"introgate/unexplained", "$IntrogateHandled"}))
    ]
    [(draft_id, draft_flags)] = box["Drafts"]
    assert draft_flags == {"\\Draft", SEEN}
    with SqliteStore(settings.state.path) as store:
        assert [d.draft_id for d in store.drafts.records()] == [draft_id]


def test_changed_uidvalidity_handles_nothing_twice(dovecot: Dovecot, settings: Settings) -> None:
    dovecot.deliver(request(1, note="Hello, we spoke on the phone yesterday."))
    dovecot.deliver(plain_message())
    backend = open_backend(dovecot)
    first = run(settings, backend)
    backend.close()
    dovecot.set_uidvalidity("INBOX", 777)
    newcomer = request(3)
    dovecot.deliver(newcomer)
    backend = open_backend(dovecot)
    second = run(settings, backend)
    third = run(settings, backend)
    backend.close()
    box = mailbox(dovecot)
    assert len(first.decisions) == 2
    assert [d.message_id for d in second.decisions] == [mid_of(newcomer)]
    assert third.decisions == []
    assert len(box["Drafts"]) == 1
    assert all(count == 1 for count in message_ids(box, "INBOX", "Archive").values())


class KilledBeforeMove(ImapBackend):
    """Kills the server's IMAP process just before the ``kill_at``-th move, as a crash would."""

    def __init__(self, server: Dovecot, kill_at: int) -> None:
        super().__init__("work", imap_settings(server), FolderSettings())
        self.server = server
        self.kill_at = kill_at
        self.moves = 0

    def move(self, ref: MessageRef, folder: str) -> None:
        self.moves += 1
        if self.moves == self.kill_at:
            self.server.kick()
        super().move(ref, folder)


def test_connection_killed_mid_pass_and_server_restarted_leaves_everything_once(
    dovecot: Dovecot, settings: Settings
) -> None:
    requests = [request(n) for n in range(12)]
    for raw in requests:
        dovecot.deliver(raw)
    for n in range(3):
        dovecot.deliver(plain_message(subject=f"ordinary {n}"))
    crashing = KilledBeforeMove(dovecot, kill_at=5)
    crashing.connect()
    with pytest.raises(ConnectionLost):
        run(settings, crashing)
    dovecot.restart()
    backend = open_backend(dovecot)
    resumed = run(settings, backend)
    backend.close()
    box = mailbox(dovecot)
    everything = message_ids(box, "INBOX", "Archive")
    assert everything == Counter(
        {mid_of(raw): 1 for raw in requests} | {mid: 1 for mid, _ in box["INBOX"]}
    )
    assert {mid_of(raw) for raw in requests} == {mid for mid, _ in box["Archive"]}
    assert len(box["INBOX"]) == 3
    drafts = message_ids(box, "Drafts")
    assert (len(drafts), set(drafts.values())) == (12, {1})
    assert resumed.failed == 0
    with SqliteStore(settings.state.path) as store:
        assert store.messages.pending("work") == []
        assert len(store.drafts.records()) == 12


def test_mail_skipped_as_too_old_stays_skipped_after_a_uidvalidity_change(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    config = write_imap_config(tmp_path / "introgate.toml", dovecot)
    config.write_text(config.read_text().replace('backfill = "all"', 'backfill = "30d"'))
    settings = load_settings(config)
    year_ago = time.time() - 400 * 86400
    for n in range(3):
        os.utime(dovecot.deliver(request(n)), (year_ago, year_ago))  # INTERNALDATE = mtime
    backend = open_backend(dovecot)
    first = run(settings, backend)
    backend.close()
    dovecot.set_uidvalidity("INBOX", 4242)
    backend = open_backend(dovecot)
    second = run(settings, backend)
    backend.close()
    assert (first.skipped, first.decisions) == (3, [])
    assert (second.skipped_resync, second.decisions) == (3, [])
    box = mailbox(dovecot)
    assert box["Drafts"] == [] and len(box["INBOX"]) == 3


def test_stopping_in_the_middle_of_a_resync_resyncs_again_next_time(
    dovecot: Dovecot, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("introgate.pipeline.CHUNK", 1)
    introduced = request(1, note="Hello, we spoke on the phone yesterday.")
    dovecot.deliver(introduced)
    dovecot.deliver(request(2, note="We met at the meetup in Hamburg last week."))
    backend = open_backend(dovecot)
    run(settings, backend)
    backend.close()
    dovecot.set_uidvalidity("INBOX", 999)
    stop = threading.Event()
    backend = open_backend(dovecot)
    with SqliteStore(settings.state.path) as store:
        stopped = Engine.load(settings).run(
            settings.accounts[0], backend, store, stop=stop, progress=lambda *_: stop.set()
        )
        assert stopped.interrupted
        resumed = Engine.load(settings).run(settings.accounts[0], backend, store)
    backend.close()
    assert stopped.decisions == [] and resumed.decisions == []  # both were handled before
    assert (stopped.skipped_resync, resumed.skipped_resync) == (1, 1)


def without_message_id(raw: bytes) -> bytes:
    head, _, body = raw.partition(b"\n\n")
    lines = [line for line in head.split(b"\n") if not line.lower().startswith(b"message-id:")]
    return b"\n".join(lines) + b"\n\n" + body


def test_old_mail_without_message_ids_stays_skipped_after_a_uidvalidity_change(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    config = write_imap_config(tmp_path / "introgate.toml", dovecot)
    config.write_text(config.read_text().replace('backfill = "all"', 'backfill = "30d"'))
    settings = load_settings(config)
    year_ago = time.time() - 400 * 86400
    for n in range(6):
        os.utime(dovecot.deliver(without_message_id(request(n))), (year_ago, year_ago))
    backend = open_backend(dovecot)
    first = run(settings, backend)
    backend.close()
    dovecot.set_uidvalidity("INBOX", 4343)
    backend = open_backend(dovecot)
    second = run(settings, backend)
    backend.close()
    assert (first.skipped, first.skipped_resync, first.decisions) == (6, 0, [])
    assert (second.skipped, second.skipped_resync, second.decisions) == (0, 6, [])
    box = mailbox(dovecot)
    assert (box["Drafts"], box["Archive"], len(box["INBOX"])) == ([], [], 6)


def test_a_deleted_state_re_archives_nothing_the_user_moved_back(
    dovecot: Dovecot, settings: Settings
) -> None:
    for n in range(3):
        dovecot.deliver(request(n))
    backend = open_backend(dovecot)
    first = run(settings, backend)
    archived = backend.scan("Archive", None).refs
    for ref in archived[:2]:  # the user disagrees with two of them
        backend.move(ref, "INBOX")
    backend.close()
    settings.state.path.unlink()
    for suffix in ("-wal", "-shm"):
        settings.state.path.with_name(settings.state.path.name + suffix).unlink(missing_ok=True)
    backend = open_backend(dovecot)
    again = run(settings, backend)
    backend.close()
    box = mailbox(dovecot)
    assert (first.drafted, len(archived)) == (3, 3)
    assert (again.decisions, again.skipped_resync) == ([], 2)
    assert (len(box["INBOX"]), len(box["Archive"]), len(box["Drafts"])) == (2, 1, 3)
