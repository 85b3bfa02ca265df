"""Capabilities decide: a server without MOVE, or without UIDPLUS, and TLS checks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from introgate.backends.imap import ImapBackend
from introgate.config import FolderSettings
from introgate.errors import BackendError, ConnectionLost

from .conftest import imap_settings, plain_message, running_dovecot
from .dovecot import Dovecot

BASE = "IMAP4rev1 SASL-IR LITERAL+ ID ENABLE IDLE NAMESPACE UNSELECT CONDSTORE SPECIAL-USE"


def server(capabilities: str) -> Iterator[Dovecot]:
    yield from running_dovecot(capabilities=capabilities)


@pytest.fixture
def without_move() -> Iterator[Dovecot]:
    yield from server(f"{BASE} UIDPLUS")


@pytest.fixture
def without_move_or_uidplus() -> Iterator[Dovecot]:
    yield from server(BASE)


def inbox_ids(backend: ImapBackend, folder: str = "INBOX") -> list[bytes]:
    items = backend.fetch_headers(backend.scan(folder, None).refs)
    return [line for i in items for line in i.raw.splitlines() if line.startswith(b"Message-ID")]


def test_without_move_a_move_expunges_exactly_that_message(without_move: Dovecot) -> None:
    without_move.deliver(plain_message(message_id="<go@x>"))
    # the user marked this one deleted in their client: a plain EXPUNGE would destroy it
    without_move.deliver(plain_message(message_id="<marked@x>"), flags="T")
    with ImapBackend("t", imap_settings(without_move), FolderSettings()) as backend:
        assert b"MOVE" not in backend.capabilities
        first, _marked = backend.scan("INBOX", None).refs
        backend.move(first, "Archive")
        backend.move(first, "Archive")  # retried after a crash: no second copy
        assert inbox_ids(backend) == [b"Message-ID: <marked@x>"]
        assert inbox_ids(backend, "Archive") == [b"Message-ID: <go@x>"]


def test_without_move_or_uidplus_moving_is_refused_and_nothing_changes(
    without_move_or_uidplus: Dovecot,
) -> None:
    without_move_or_uidplus.deliver(plain_message(message_id="<stay@x>"))
    with ImapBackend("t", imap_settings(without_move_or_uidplus), FolderSettings()) as backend:
        [ref] = backend.scan("INBOX", None).refs
        with pytest.raises(BackendError, match="neither MOVE nor UIDPLUS"):
            backend.move(ref, "Archive")
        assert inbox_ids(backend) == [b"Message-ID: <stay@x>"]
        assert inbox_ids(backend, "Archive") == []


@pytest.fixture
def tls_server() -> Iterator[Dovecot]:
    yield from running_dovecot(tls=True)


def test_tls_checks_the_certificate_unless_told_which_ca_to_trust(tls_server: Dovecot) -> None:
    tls_server.deliver(plain_message())
    implicit = {"security": "tls", "port": tls_server.tls_port}
    for security in ({"security": "starttls"}, implicit):
        untrusted = imap_settings(tls_server, **security)
        with pytest.raises(BackendError, match="certificate not trusted"):
            ImapBackend("t", untrusted, FolderSettings()).connect()
        trusted = imap_settings(tls_server, ca_file=tls_server.certificate, **security)
        with ImapBackend("t", trusted, FolderSettings()) as backend:
            assert len(backend.scan("INBOX", None).refs) == 1


def test_starttls_refuses_a_server_that_does_not_offer_it(dovecot: Dovecot) -> None:
    settings = imap_settings(dovecot, security="starttls")
    with pytest.raises(BackendError, match="does not offer STARTTLS"):
        ImapBackend("t", settings, FolderSettings()).connect()


def test_without_move_an_interrupted_move_of_mail_without_message_id_copies_once(
    without_move: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_move.deliver(b"From: a@example.org\r\nSubject: no id at all\r\n\r\nbody\r\n")
    real_expunge = ImapBackend._expunge_one

    def lost(*args: object) -> None:
        raise ConnectionLost("connection lost after COPY, before UID EXPUNGE")

    monkeypatch.setattr(ImapBackend, "_expunge_one", lost)
    with ImapBackend("t", imap_settings(without_move), FolderSettings()) as backend:
        [ref] = backend.scan("INBOX", None).refs
        with pytest.raises(ConnectionLost):
            backend.move(ref, "Archive")
    monkeypatch.setattr(ImapBackend, "_expunge_one", real_expunge)
    with ImapBackend("t", imap_settings(without_move), FolderSettings()) as backend:
        backend.move(ref, "Archive")  # the retry after reconnecting
        assert backend.scan("INBOX", None).refs == []
        archived = backend.fetch_full(backend.scan("Archive", None).refs)
        assert [b"Subject: no id at all" in item.raw for item in archived] == [True]
