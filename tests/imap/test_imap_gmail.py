"""Gmail: labels through X-GM-LABELS, archiving as losing the Inbox label, folders in German.

Dovecot cannot be Gmail: ``gmail_proxy`` stands in for its label commands, and Dovecot
serves the folders as a German Gmail account names them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from introgate.backends.base import FolderRole
from introgate.backends.imap import ImapBackend
from introgate.config import FolderSettings

from .conftest import imap_settings, request, require_dovecot
from .dovecot import Dovecot
from .gmail_proxy import GmailProxy

GERMAN_GMAIL = {
    "[Google Mail]/Entwürfe": "\\Drafts",
    "[Google Mail]/Gesendet": "\\Sent",
    "[Google Mail]/Papierkorb": "\\Trash",
    "[Google Mail]/Alle Nachrichten": "\\All",
    "[Google Mail]/Markiert": "\\Flagged",
}
CAPABILITIES = (
    "IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 UIDPLUS "
    "COMPRESS=DEFLATE ENABLE MOVE CONDSTORE ESEARCH UTF8=ACCEPT LIST-EXTENDED "
    "LIST-STATUS LITERAL- SPECIAL-USE APPENDLIMIT=35651584"
)


@pytest.fixture
def gmail(tmp_path: Path) -> Iterator[tuple[Dovecot, GmailProxy]]:
    require_dovecot()
    server = Dovecot.create(
        tmp_path / "dovecot", capabilities=CAPABILITIES, special_folders=GERMAN_GMAIL
    )
    server.start()
    proxy = GmailProxy(server.port, "[Google Mail]/Alle Nachrichten").start()
    try:
        yield server, proxy
    finally:
        proxy.stop()
        server.dispose()


def test_folders_are_found_by_special_use_in_the_accounts_language(
    gmail: tuple[Dovecot, GmailProxy],
) -> None:
    server, proxy = gmail
    settings = imap_settings(server, port=proxy.port)
    with ImapBackend("gmail", settings, FolderSettings()) as backend:
        found = {role: backend.folder_for(role) for role in FolderRole}
    assert found == {
        FolderRole.DRAFTS: "[Google Mail]/Entwürfe",
        FolderRole.ARCHIVE: "[Google Mail]/Alle Nachrichten",
        FolderRole.SENT: "[Google Mail]/Gesendet",
        FolderRole.TRASH: "[Google Mail]/Papierkorb",
    }


def test_a_label_is_a_gmail_label_and_archiving_removes_the_inbox_label(
    gmail: tuple[Dovecot, GmailProxy],
) -> None:
    server, proxy = gmail
    server.deliver(request(1))
    settings = imap_settings(server, port=proxy.port)
    with ImapBackend("gmail", settings, FolderSettings()) as backend:
        [ref] = backend.scan("INBOX", None).refs
        backend.add_label(ref, "introgate/needs intro")
        backend.move(ref, backend.folder_for(FolderRole.ARCHIVE))
        assert backend.scan("INBOX", None).refs == []
        [archived] = backend.fetch_headers(
            backend.scan("[Google Mail]/Alle Nachrichten", None).refs
        )
    assert proxy.label_commands == [
        'UID STORE 1 +X-GM-LABELS.SILENT ("introgate/needs intro")',
        'UID STORE 1 -X-GM-LABELS.SILENT ("\\\\Inbox")',
    ]
    assert "introgate/needs_intro" in archived.flags  # the label went along into All Mail


@pytest.fixture
def unflagged(tmp_path: Path) -> Iterator[Dovecot]:
    require_dovecot()
    server = Dovecot.create(tmp_path / "dovecot", special_folders={})
    server.start()
    try:
        yield server
    finally:
        server.dispose()


def test_microsoft_365_folders_in_german_are_found_by_name(unflagged: Dovecot) -> None:
    with ImapBackend("m365", imap_settings(unflagged), FolderSettings()) as backend:
        for folder in ("Entwürfe", "Gesendete Elemente", "Gelöschte Elemente", "Archiv"):
            backend.ensure_folder(folder)
        found = {role: backend.folder_for(role) for role in FolderRole}
    assert found == {
        FolderRole.DRAFTS: "Entwürfe",
        FolderRole.ARCHIVE: "Archiv",
        FolderRole.SENT: "Gesendete Elemente",
        FolderRole.TRASH: "Gelöschte Elemente",
    }


def test_microsoft_365_folders_in_english_are_found_by_name(unflagged: Dovecot) -> None:
    with ImapBackend("m365", imap_settings(unflagged), FolderSettings()) as backend:
        for folder in ("Drafts", "Sent Items", "Deleted Items", "Archive"):
            backend.ensure_folder(folder)
        found = {role: backend.folder_for(role) for role in FolderRole}
    assert found == {
        FolderRole.DRAFTS: "Drafts",
        FolderRole.ARCHIVE: "Archive",
        FolderRole.SENT: "Sent Items",
        FolderRole.TRASH: "Deleted Items",
    }
