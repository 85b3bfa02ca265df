"""The IMAP backend against a real Dovecot: what a user would see in their mail client."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from introgate.backends.base import FolderRole
from introgate.backends.imap import ImapBackend
from introgate.checkpoint import Checkpoint
from introgate.config import FolderSettings
from introgate.errors import BackendError, ConnectionLost
from introgate.mail import DRAFT, FLAGGED, HANDLED, SEEN, MessageRef

from .conftest import imap_settings, plain_message
from .dovecot import Dovecot


def uids(backend: ImapBackend, folder: str) -> list[MessageRef]:
    return list(backend.scan(folder, None).refs)


def test_special_folders_are_found_by_special_use_and_config_overrides_win(
    dovecot: Dovecot,
) -> None:
    with ImapBackend("t", imap_settings(dovecot), FolderSettings()) as plain:
        found = {role: plain.folder_for(role) for role in FolderRole}
    overridden = FolderSettings(drafts="Entwürfe", archive="Ablage/2024", sent="Gesendet")
    with ImapBackend("t", imap_settings(dovecot), overridden) as custom:
        chosen = {role: custom.folder_for(role) for role in FolderRole}
    assert found == {
        FolderRole.DRAFTS: "Drafts",
        FolderRole.ARCHIVE: "Archive",
        FolderRole.SENT: "Sent",
        FolderRole.TRASH: "Trash",
    }
    assert chosen == {
        FolderRole.DRAFTS: "Entwürfe",
        FolderRole.ARCHIVE: "Ablage/2024",
        FolderRole.SENT: "Gesendet",
        FolderRole.TRASH: "Trash",
    }


def test_scan_lists_new_mail_oldest_first_and_then_only_what_arrived_since(
    dovecot: Dovecot, backend: ImapBackend
) -> None:
    for n in range(3):
        dovecot.deliver(plain_message(subject=f"m{n}"))
    first = backend.scan("INBOX", None)
    dovecot.deliver(plain_message(subject="m3"))
    second = backend.scan("INBOX", first.checkpoint)
    third = backend.scan("INBOX", second.checkpoint)
    validity = first.checkpoint.uidvalidity
    assert [r.key for r in first.refs] == [f"{validity}:{n}" for n in (1, 2, 3)]
    assert [r.key for r in second.refs] == [f"{validity}:4"]
    assert third.refs == []
    assert third.checkpoint.last_uid == 4
    assert not second.uidvalidity_changed


def test_a_scan_with_nothing_new_on_a_fresh_connection_is_one_status(
    dovecot: Dovecot, backend: ImapBackend
) -> None:
    for n in range(20):
        dovecot.deliver(plain_message(subject=f"m{n}"))
    checkpoint = backend.scan("INBOX", None).checkpoint
    backend.close()
    backend.connect()
    before = backend.commands_sent
    again = backend.scan("INBOX", checkpoint)
    assert (again.refs, backend.commands_sent - before) == ([], 1)


def test_a_kept_connection_selects_the_folder_on_its_first_scan_and_then_only_syncs(
    dovecot: Dovecot, backend: ImapBackend
) -> None:
    for n in range(20):
        dovecot.deliver(plain_message(subject=f"m{n}"))
    checkpoint = backend.scan("INBOX", None).checkpoint
    backend.close()
    backend.kept_between_passes = True
    backend.connect()
    counts = []
    for _ in range(3):
        before = backend.commands_sent
        assert backend.scan("INBOX", checkpoint).refs == []
        counts.append(backend.commands_sent - before)
    assert counts == [1, 2, 2]  # EXAMINE; then NOOP + UID SEARCH past the checkpoint


def test_a_folder_still_selected_finds_mail_that_arrived_meanwhile(
    dovecot: Dovecot, backend: ImapBackend
) -> None:
    for n in range(3):
        dovecot.deliver(plain_message(subject=f"m{n}"))
    checkpoint = backend.scan("INBOX", None).checkpoint
    before = backend.commands_sent
    assert backend.scan("INBOX", checkpoint).refs == []
    assert backend.commands_sent - before == 2  # NOOP + UID SEARCH past the checkpoint
    dovecot.deliver(plain_message(subject="late"))
    later = backend.scan("INBOX", checkpoint)
    [item] = backend.fetch_headers(later.refs)
    assert b"Subject: late" in item.raw
    assert later.checkpoint.last_uid == (checkpoint.last_uid or 0) + 1


def test_reading_headers_and_bodies_never_marks_mail_read(
    dovecot: Dovecot, backend: ImapBackend
) -> None:
    dovecot.deliver(plain_message(subject="unread one", body="the body text\n"))
    dovecot.deliver(plain_message(subject="read one"), flags="S")
    refs = uids(backend, "INBOX")
    headers = backend.fetch_headers(refs)
    full = backend.fetch_full(refs)
    backend.close()
    backend.connect()
    after = backend.fetch_headers(refs)
    assert [SEEN in item.flags for item in after] == [False, True]
    assert [item.has_body for item in headers + full] == [False, False, True, True]
    assert b"Subject: unread one" in headers[0].raw and b"the body text" not in headers[0].raw
    assert b"the body text" in full[0].raw
    assert headers[0].size == len(full[0].raw)
    internal = headers[0].internal_date
    assert internal is not None and internal.tzinfo is not None
    assert abs(internal - datetime.now(UTC)) < timedelta(minutes=5)


def test_labels_become_keywords_and_flags_are_only_added(
    dovecot: Dovecot, backend: ImapBackend
) -> None:
    dovecot.deliver(plain_message(), flags="S")
    [ref] = uids(backend, "INBOX")
    backend.add_label(ref, "introgate/unexplained")
    backend.add_label(ref, "introgate/unexplained")
    backend.set_flags(ref, [FLAGGED])
    [item] = backend.fetch_headers([ref])
    assert item.flags == {SEEN, FLAGGED, "introgate/unexplained"}


def test_move_leaves_the_message_in_exactly_one_folder(
    dovecot: Dovecot, backend: ImapBackend
) -> None:
    dovecot.deliver(plain_message(message_id="<move-1@example.org>"))
    dovecot.deliver(plain_message(message_id="<stay-1@example.org>"))
    first, second = uids(backend, "INBOX")
    backend.move(first, "Archive")
    backend.move(first, "Archive")  # a retried step after a crash: already gone, no error
    inbox = backend.fetch_headers(uids(backend, "INBOX"))
    archive = backend.fetch_headers(uids(backend, "Archive"))
    assert [b"<stay-1@example.org>" in i.raw for i in inbox] == [True]
    assert [b"<move-1@example.org>" in i.raw for i in archive] == [True]
    assert backend.fetch_headers([second])[0].ref == second


def test_move_into_a_missing_folder_creates_it(dovecot: Dovecot, backend: ImapBackend) -> None:
    dovecot.deliver(plain_message())
    [ref] = uids(backend, "INBOX")
    backend.move(ref, "Requests/2024")
    assert "Requests/2024" in backend.list_folders()
    assert len(uids(backend, "Requests/2024")) == 1


def test_append_find_by_message_id_and_header(dovecot: Dovecot, backend: ImapBackend) -> None:
    raw = plain_message(message_id="<draft-1@introgate>").replace(
        b"Subject:", b"X-Introgate-Request: req-42\nSubject:", 1
    )
    backend.append("Drafts", raw, flags=[DRAFT, SEEN])
    backend.append("Drafts", plain_message(message_id="<xdraft-1@introgate>"))
    [found] = backend.find_by_message_id("Drafts", "<draft-1@introgate>")
    assert backend.find_by_header("Drafts", "X-Introgate-Request", "req-42") == [found]
    assert backend.find_by_message_id("Drafts", "<nothing@introgate>") == []
    assert backend.find_by_message_id("No Such Folder", "<draft-1@introgate>") == []
    [item] = backend.fetch_headers([found])
    assert item.flags == {DRAFT, SEEN}


def test_remove_draft_moves_only_that_draft_to_trash(
    dovecot: Dovecot, backend: ImapBackend
) -> None:
    backend.append("Drafts", plain_message(message_id="<a@introgate>"), flags=[DRAFT])
    backend.append("Drafts", plain_message(message_id="<b@introgate>"), flags=[DRAFT, "\\Deleted"])
    [doomed] = backend.find_by_message_id("Drafts", "<a@introgate>")
    backend.remove_draft(doomed)
    assert backend.find_by_message_id("Drafts", "<a@introgate>") == []
    assert len(backend.find_by_message_id("Drafts", "<b@introgate>")) == 1
    assert len(backend.find_by_message_id("Trash", "<a@introgate>")) == 1
    dovecot.deliver(plain_message())
    [inbox_ref] = uids(backend, "INBOX")
    with pytest.raises(BackendError, match="not in 'Drafts'"):
        backend.remove_draft(inbox_ref)


def test_uidvalidity_change_rescans_everything_and_says_so(
    dovecot: Dovecot, backend: ImapBackend
) -> None:
    dovecot.deliver(plain_message())
    dovecot.deliver(plain_message())
    first = backend.scan("INBOX", None)
    backend.close()
    dovecot.set_uidvalidity("INBOX", 4242)
    backend.connect()
    again = backend.scan("INBOX", first.checkpoint)
    assert again.uidvalidity_changed
    assert [r.key for r in again.refs] == ["4242:1", "4242:2"]
    assert backend.fetch_headers(first.refs) == []  # old keys address nothing


def test_dropped_connection_raises_connection_lost_and_reconnect_works(
    dovecot: Dovecot, backend: ImapBackend
) -> None:
    dovecot.deliver(plain_message())
    checkpoint = Checkpoint()
    dovecot.kick()
    with pytest.raises(ConnectionLost, match="connection lost"):
        backend.scan("INBOX", checkpoint)
    dovecot.restart()
    backend.connect()
    assert len(backend.scan("INBOX", None).refs) == 1


def test_wrong_password_is_a_clear_error_without_the_password(dovecot: Dovecot) -> None:
    settings = imap_settings(dovecot, password="not-the-password")
    with pytest.raises(BackendError) as caught:
        ImapBackend("t", settings, FolderSettings()).connect()
    assert "login refused for user 'introgate'" in str(caught.value)
    assert "not-the-password" not in str(caught.value)


def test_many_messages_are_labelled_and_moved_at_once_and_each_is_in_one_folder(
    dovecot: Dovecot, backend: ImapBackend
) -> None:
    for n in range(6):
        dovecot.deliver(plain_message(message_id=f"<many-{n}@example.org>"))
    refs = uids(backend, "INBOX")
    commands = backend.commands_sent
    assert backend.add_label_many(refs[:4], "introgate/unexplained") == {}
    assert backend.set_flags_many(refs[:2], [FLAGGED]) == {}
    assert backend.commands_sent - commands == 3  # SELECT (writable), then one STORE each
    backend.move(refs[0], "Archive")  # moved before (an interrupted pass): nothing to do
    assert backend.move_many(refs[:4], "Archive") == {}
    inbox = backend.fetch_headers(uids(backend, "INBOX"))
    archive = backend.fetch_headers(uids(backend, "Archive"))
    assert sorted(i.raw.split(b"<many-")[1][:1] for i in inbox) == [b"4", b"5"]
    assert sorted(i.raw.split(b"<many-")[1][:1] for i in archive) == [b"0", b"1", b"2", b"3"]
    assert [i.flags for i in inbox] == [frozenset(), frozenset()]
    assert sorted(len(i.flags) for i in archive) == [1, 1, 2, 2]
    assert all("introgate/unexplained" in i.flags and SEEN not in i.flags for i in archive)


def test_the_handled_mark_carries_each_message_s_first_labels_in_one_store_per_set(
    dovecot: Dovecot, backend: ImapBackend
) -> None:
    for n in range(3):
        dovecot.deliver(plain_message(message_id=f"<marked-{n}@example.org>"))
    refs = uids(backend, "INBOX")
    commands = backend.commands_sent
    label = "introgate/unexplained"
    backend.mark_handled_many(refs, {refs[0]: [label], refs[1]: [label]})
    assert backend.commands_sent - commands == 3  # SELECT (writable), a STORE per keyword set
    assert [i.flags for i in backend.fetch_headers(refs)] == [
        frozenset({HANDLED, label}),
        frozenset({HANDLED, label}),
        frozenset({HANDLED}),
    ]
    assert backend.add_label_many(refs[:2], label) == {}  # the label action finds them set


def test_a_renumbered_folder_fails_only_the_messages_listed_before(
    dovecot: Dovecot, backend: ImapBackend
) -> None:
    for n in range(2):
        dovecot.deliver(plain_message(message_id=f"<renumbered-{n}@example.org>"))
    refs = uids(backend, "INBOX")
    stale = [MessageRef("INBOX", f"1:{ref.key.split(':')[1]}") for ref in refs]
    failed = backend.add_label_many([*stale, *refs], "introgate/known")
    assert sorted(failed) == sorted(stale)
    assert all("was renumbered" in str(exc) for exc in failed.values())
    assert all("introgate/known" in i.flags for i in backend.fetch_headers(refs))
