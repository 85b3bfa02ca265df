"""What the Maildir backend writes, a Dovecot serving the same Maildir shows over IMAP."""

from __future__ import annotations

from introgate.backends.imap import ImapBackend
from introgate.backends.maildir import MaildirBackend
from introgate.config import FolderSettings
from introgate.mail import FLAGGED, SEEN
from tests.imap.conftest import imap_settings, plain_message
from tests.imap.dovecot import Dovecot


def test_labels_flags_and_moves_made_on_the_maildir_are_what_imap_clients_see(
    dovecot: Dovecot,
) -> None:
    local = MaildirBackend(dovecot.maildir)
    dovecot.deliver(plain_message(subject="labelled and archived", message_id="<a@x>"))
    dovecot.deliver(plain_message(subject="flagged, stays", message_id="<b@x>"))
    refs = local.scan("INBOX", None).refs
    by_subject = {b"archived" in item.raw: item.ref for item in local.fetch_headers(refs)}
    local.add_label(by_subject[True], "introgate/unexplained")
    local.add_label(by_subject[False], "introgate/known")
    local.set_flags(by_subject[False], [FLAGGED])
    local.move(by_subject[True], "Archive")
    dovecot.chown_mail()

    with ImapBackend("test", imap_settings(dovecot), FolderSettings()) as imap:
        assert isinstance(imap, ImapBackend)
        [stays] = imap.fetch_headers(imap.scan("INBOX", None).refs)
        [archived] = imap.fetch_headers(imap.scan("Archive", None).refs)
    assert b"flagged, stays" in stays.raw
    assert stays.flags == {FLAGGED, "introgate/known"}
    assert b"labelled and archived" in archived.raw
    assert archived.flags == {"introgate/unexplained"}
    assert SEEN not in stays.flags | archived.flags
