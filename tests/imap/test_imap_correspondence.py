"""Earlier mail makes a requester known: Sent searched once per chunk, in Dovecot and Maildir."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from introgate.backends.base import MailboxBackend
from introgate.backends.imap import ImapBackend
from introgate.backends.maildir import MaildirBackend
from introgate.config import FolderSettings, Settings
from introgate.demo import linkedin_invitation
from introgate.people import KnownPeople
from introgate.recognition.model import Requester
from introgate.state import SqliteStore

from .conftest import imap_settings, write_imap_config
from .dovecot import Dovecot

# (From, To, Cc) of the mail in Sent
SENT = [
    ("Alex Beispiel <alex@example.org>", "Carla Correspondent <carla@example.com>", None),
    ("Alex Beispiel <alex@example.org>", "team@example.com", "Jürgen Müller <jm@example.de>"),
    ("Erik Sender <erik@example.com>", "Alex Beispiel <alex@example.org>", None),
    ("Alex Beispiel <alex@example.org>", "Johanna Schäfer <johanna@example.com>", None),
]
STRANGERS = [f"Stranger{n} Example" for n in range(20)]


def sent_mail(sender: str, to: str, cc: str | None) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if cc is not None:
        message["Cc"] = cc
    message["Subject"] = "Re: project"
    message.set_content("See you.")
    return message.as_bytes()


@pytest.fixture(params=["dovecot", "maildir"])
def mailbox(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MailboxBackend]:
    """A mailbox with ``SENT`` in its Sent folder, on a real Dovecot or in a Maildir."""
    backend: MailboxBackend
    if request.param == "dovecot":
        server: Dovecot = request.getfixturevalue("dovecot")
        backend = ImapBackend("test", imap_settings(server), FolderSettings())
    else:
        backend = MaildirBackend(tmp_path / "Maildir")
        backend.ensure_folder("INBOX")
    with backend:
        for sender, to, cc in SENT:
            backend.append("Sent", sent_mail(sender, to, cc))
        yield backend


def known_people(
    tmp_path: Path, backend: MailboxBackend, folders: list[str], *, remember: bool = True
) -> KnownPeople:
    settings = Settings(
        contacts={"correspondence_folders": folders, "allowlist": tmp_path / "allow.txt"},
        state={"path": tmp_path / "state.sqlite3"},
    )
    return KnownPeople(
        settings, SqliteStore(tmp_path / "state.sqlite3"), backend, remember=remember
    )


def test_names_in_sent_to_cc_or_from_are_known_and_longer_names_are_not(
    mailbox: MailboxBackend, tmp_path: Path
) -> None:
    known = known_people(tmp_path, mailbox, ["Sent"])
    names = ["Carla Correspondent", "Jürgen Müller", "erik  SENDER", "Anna Schäfer", *STRANGERS]
    requesters = [Requester(name=name) for name in names]
    known.look_up(requesters)
    assert [known.is_known(r) for r in requesters] == [True, True, True] + [False] * 21
    # the answers are kept for a day: the next pass finds them without the mail
    for ref in mailbox.scan("Sent", None).refs:
        mailbox.move(ref, "Trash")
    again = known_people(tmp_path, mailbox, ["Sent"])
    again.look_up(requesters)
    assert [again.is_known(r) for r in requesters[:4]] == [True, True, True, False]


def test_a_dry_run_finds_the_same_people_and_keeps_no_answer(
    mailbox: MailboxBackend, tmp_path: Path
) -> None:
    known = known_people(tmp_path, mailbox, ["Sent"], remember=False)
    requesters = [Requester(name="Carla Correspondent"), Requester(name="Anna Schäfer")]
    known.look_up(requesters)
    assert [known.is_known(r) for r in requesters] == [True, False]
    assert known.store.people.get("mail:carla correspondent") is None


def test_a_missing_correspondence_folder_is_reported_once_and_the_others_are_searched(
    mailbox: MailboxBackend, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = f"Gesendet-{tmp_path.name}"  # a name no other test reported in this process
    known = known_people(tmp_path, mailbox, [missing, "Sent"])
    carla, stranger = Requester(name="Carla Correspondent"), Requester(name="Stranger Example")
    known.look_up([carla, stranger])
    assert [known.is_known(carla), known.is_known(stranger)] == [True, False]
    known.look_up([Requester(name="Other Stranger")])
    problem = (
        f"contacts.correspondence_folders: no folder {missing!r} in the mailbox: "
        "mail there cannot make a requester known"
    )
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == [problem]
    # not searched completely: "not known" is asked again next time, "known" is kept
    assert known.store.people.get("mail:stranger example") is None
    assert known.store.people.get("mail:carla correspondent") is not None


def test_the_requesters_of_a_chunk_cost_one_search_of_sent_however_many_they_are(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    backend = ImapBackend("test", imap_settings(dovecot), FolderSettings())
    with backend:
        for sender, to, cc in SENT:
            backend.append("Sent", sent_mail(sender, to, cc))
        known = known_people(tmp_path, backend, ["Sent"])
        known.look_up([Requester(name="First Stranger")])  # Sent is selected from here on
        strangers = [Requester(name=name) for name in STRANGERS]
        before = backend.commands_sent
        known.look_up(strangers)
        assert backend.commands_sent - before == 1  # one UID SEARCH, no hits to fetch
        found = [Requester(name=name) for name in ("Carla Correspondent", "Anna Schäfer")]
        before = backend.commands_sent
        known.look_up([*found, *(Requester(name=f"Other{n} Person") for n in range(50))])
        assert backend.commands_sent - before == 2  # one UID SEARCH, one FETCH of the hits
        before = backend.commands_sent
        assert [known.is_known(r) for r in found] == [True, False]
        known.look_up(found)  # asked again in a later chunk of the same pass
        assert backend.commands_sent == before  # answered from the look-up
        # more than one command can carry is split: every part is searched
        many = [Requester(name=f"Many{n} Person") for n in range(400)]
        known.look_up([*many, Requester(name="Erik Sender")])
        assert known.is_known(Requester(name="Erik Sender")) is True


NAMES = {"Carla Correspondent": "carla-c", "Anna Schäfer": "anna-s", "Bernd Kurz": "bernd-k"}


def introgate(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "introgate", *args, "--config", str(config)],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
        check=False,
    )


def test_a_pass_labels_a_requester_from_sent_known_and_names_a_missing_folder_once(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    config = write_imap_config(tmp_path / "introgate.toml", dovecot)
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace(
            'correspondence_folders = ["Sent"]', 'correspondence_folders = ["Gesendet", "Sent"]'
        ),
        encoding="utf-8",
    )
    with ImapBackend("setup", imap_settings(dovecot), FolderSettings()) as backend:
        for sender, to, cc in SENT:
            backend.append("Sent", sent_mail(sender, to, cc))
        for name, slug in NAMES.items():
            mail = linkedin_invitation(name, slug, "PM", language="en", note=None)
            backend.append("INBOX", mail.as_bytes())

    run = introgate(config, "run", "--once")

    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    rules = {name: line.split()[4] for line in lines for name in NAMES if f"  {name}  " in line}
    assert rules == {
        "Carla Correspondent": "known",
        "Anna Schäfer": "unexplained",  # Sent has mail to Johanna Schäfer only
        "Bernd Kurz": "unexplained",
    }
    assert lines[-1] == "3 new, 2 drafted, 0 failed (pass #1)"
    warnings = [
        line.split(" WARNING ", 1)[1] for line in run.stderr.splitlines() if " WARNING " in line
    ]
    assert warnings == [
        "contacts.correspondence_folders: no folder 'Gesendet' in the mailbox: "
        "mail there cannot make a requester known"
    ]
