"""The Maildir backend keeps every message exactly once and marks it the way Dovecot reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from introgate.backends import FolderRole
from introgate.backends.maildir import MaildirBackend
from introgate.config import FolderSettings
from introgate.errors import BackendError
from introgate.mail import DRAFT, FLAGGED, SEEN, MessageRef

MAIL = (
    b"From: Anna <anna@example.com>\r\nMessage-ID: <m1@example.com>\r\nSubject: hi\r\n\r\nbody\r\n"
)


def deliver(
    backend: MaildirBackend, raw: bytes = MAIL, name: str = "1700000000.1.host"
) -> MessageRef:
    path = backend.root / "new" / name
    path.write_bytes(raw)
    return MessageRef("INBOX", name)


def files_of(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_scan_lists_new_and_cur_messages_oldest_first(maildir: MaildirBackend) -> None:
    deliver(maildir, name="200.b.host")
    older = maildir.root / "cur" / "100.a.host:2,S"
    older.write_bytes(MAIL)
    import os

    os.utime(older, (1, 1))
    refs = maildir.scan("INBOX", None).refs
    assert refs == [MessageRef("INBOX", "100.a.host"), MessageRef("INBOX", "200.b.host")]


def test_reading_headers_does_not_mark_seen(maildir: MaildirBackend) -> None:
    ref = deliver(maildir)
    [item] = maildir.fetch_headers([ref])
    assert item.raw.endswith(b"\r\n\r\n") and b"body" not in item.raw
    assert item.flags == frozenset()
    assert files_of(maildir.root).count("new/1700000000.1.host") == 1
    [full] = maildir.fetch_full([ref])
    assert full.raw == MAIL


def test_label_uses_dovecot_keyword_letters_and_file(maildir: MaildirBackend) -> None:
    ref = deliver(maildir)
    maildir.add_label(ref, "introgate/unexplained")
    maildir.add_label(ref, "introgate/known")
    maildir.add_label(ref, "introgate/unexplained")  # idempotent
    keywords = (maildir.root / "dovecot-keywords").read_text()
    assert keywords == "0 introgate/unexplained\n1 introgate/known\n"
    assert (maildir.root / "cur" / "1700000000.1.host:2,ab").is_file()
    assert maildir.labels_of(ref) == {"introgate/unexplained", "introgate/known"}


def test_flags_are_added_never_removed(maildir: MaildirBackend) -> None:
    ref = deliver(maildir)
    maildir.set_flags(ref, [SEEN])
    maildir.set_flags(ref, [FLAGGED])
    [item] = maildir.fetch_headers([ref])
    assert item.flags == {SEEN, FLAGGED}


def test_move_keeps_one_copy_and_carries_labels_by_name(maildir: MaildirBackend) -> None:
    other = deliver(maildir, name="1.other.host")
    maildir.add_label(other, "first")  # takes letter a in INBOX
    ref = deliver(maildir)
    maildir.add_label(ref, "introgate/unexplained")  # letter b in INBOX
    archive = maildir.folder_for(FolderRole.ARCHIVE)
    maildir.move(ref, archive)
    assert maildir.scan("INBOX", None).refs == [other]
    moved = MessageRef(archive, ref.key)
    assert maildir.scan(archive, None).refs == [moved]
    # in Archive the same label has its own letter, a
    assert maildir.labels_of(moved) == {"introgate/unexplained"}
    assert (maildir.root / ".Archive" / "cur" / "1700000000.1.host:2,a").is_file()
    everything = files_of(maildir.root)
    assert sum("1700000000.1.host" in f for f in everything) == 1


def test_append_stores_draft_with_draft_flag_in_cur(maildir: MaildirBackend) -> None:
    drafts = maildir.folder_for(FolderRole.DRAFTS)
    maildir.append(drafts, MAIL, [DRAFT, SEEN])
    [path] = (maildir.root / ".Drafts" / "cur").iterdir()
    assert path.name.endswith(":2,DS")
    assert maildir.find_by_message_id(drafts, "<m1@example.com>") == [
        MessageRef(drafts, path.name.split(":2,")[0])
    ]
    assert not list((maildir.root / ".Drafts" / "tmp").iterdir())


def test_remove_draft_moves_it_to_trash_not_away(maildir: MaildirBackend) -> None:
    drafts = maildir.folder_for(FolderRole.DRAFTS)
    maildir.append(drafts, MAIL, [DRAFT])
    [ref] = maildir.scan(drafts, None).refs
    maildir.remove_draft(ref)
    assert maildir.scan(drafts, None).refs == []
    assert len(maildir.scan("Trash", None).refs) == 1


def test_config_overrides_folder_names(tmp_path: Path) -> None:
    backend = MaildirBackend(tmp_path, FolderSettings(archive="Archiv", drafts="Entwürfe"))
    backend.ensure_folder("INBOX")
    assert backend.folder_for(FolderRole.ARCHIVE) == "Archiv"
    assert backend.folder_for(FolderRole.DRAFTS) == "Entwürfe"
    assert not (tmp_path / ".Archiv").exists()  # asking creates nothing (dry runs ask too)
    backend.append("Archiv", MAIL)
    assert (tmp_path / ".Archiv" / "cur").is_dir()


def test_message_gone_meanwhile_is_left_out_and_acting_on_it_says_so(
    maildir: MaildirBackend,
) -> None:
    ref = deliver(maildir)
    (maildir.root / "new" / ref.key).unlink()
    assert maildir.fetch_headers([ref]) == []
    with pytest.raises(BackendError, match="no longer in INBOX"):
        maildir.add_label(ref, "x")


def test_invalid_label_and_folder_names_are_refused(maildir: MaildirBackend) -> None:
    ref = deliver(maildir)
    with pytest.raises(BackendError, match="not a valid IMAP keyword"):
        maildir.add_label(ref, "two words")
    with pytest.raises(BackendError, match="invalid folder name"):
        maildir.move(ref, "../escape")
    assert maildir.scan("INBOX", None).refs == [ref]


def test_move_never_overwrites_a_copy_already_in_the_target(maildir: MaildirBackend) -> None:
    ref = deliver(maildir, name="k1")
    restored = b"From: backup@example.com\r\nSubject: restored copy\r\n\r\nold\r\n"
    (maildir.root / ".Archive" / "cur" / "k1:2,S").write_bytes(restored)
    maildir.move(ref, "Archive")
    archived = maildir.fetch_full(maildir.scan("Archive", None).refs)
    assert sorted(item.raw for item in archived) == sorted([MAIL, restored])
    assert maildir.scan("INBOX", None).refs == []


def test_keyword_file_waits_for_another_writers_lock(maildir: MaildirBackend) -> None:
    ref = deliver(maildir)
    lock = maildir.root / "dovecot-keywords.lock"
    lock.write_text("")
    import threading

    threading.Timer(0.2, lock.unlink).start()
    maildir.add_label(ref, "introgate/known")
    assert maildir.labels_of(ref) == {"introgate/known"}
    assert not lock.exists()


def test_headers_of_an_lf_message_stop_at_its_first_blank_line(maildir: MaildirBackend) -> None:
    raw = b"From: a@example.com\nSubject: lf\n\nbody line\r\n\r\nsecret second part\r\n"
    ref = deliver(maildir, raw)
    [item] = maildir.fetch_headers([ref])
    assert item.raw == b"From: a@example.com\nSubject: lf\n\n"
