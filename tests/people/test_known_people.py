"""Who counts as known: contacts exports, the allowlist, earlier mail in a real Maildir."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from introgate.backends.maildir import MaildirBackend
from introgate.config import Settings
from introgate.people import KnownPeople, fold_name, person_keys
from introgate.recognition.model import Requester, RequestNotification
from introgate.state import SqliteStore

VCARD = (
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "FN:Jürgen  Müller-Lüdenscheidt\r\n"
    "N:Müller-Lüdenscheidt;Jürgen;;;\r\n"
    "item1.EMAIL;TYPE=INTERNET:jm@example.de\r\n"
    "X-SOCIALPROFILE;TYPE=linkedin:https://www.linkedin.com/in/\r\n"
    " juergen-ml/\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\n"
    "VERSION:2.1\r\n"
    "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Ren=C3=A9e Fa=C3=9Fbender\r\n"
    "EMAIL:renee@example.fr\r\n"
    "END:VCARD\r\n"
)

LINKEDIN_CSV = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    'are missing."\n'
    "\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Ana,Pérez,https://www.linkedin.com/in/ana-perez,,ACME,CTO,01 Jan 2020\n"
)

OUTLOOK_CSV = 'Vorname;Nachname;E-Mail-Adresse\r\n"Bob";"Builder";"bob@example.com"\r\n'


def requester(name: str, profile: str | None = None) -> Requester:
    return Requester(name=name, profile_url=profile)


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(tmp_path / "state.sqlite3")


@pytest.fixture
def contacts(tmp_path: Path) -> list[Path]:
    files = {"contacts.vcf": VCARD, "Connections.csv": LINKEDIN_CSV, "outlook.csv": OUTLOOK_CSV}
    paths = []
    for name, text in files.items():
        path = tmp_path / name
        path.write_bytes(text.encode("cp1252" if name == "outlook.csv" else "utf-8"))
        paths.append(path)
    return paths


def people(
    tmp_path: Path,
    store: SqliteStore,
    files: list[Path] | None = None,
    backend: MaildirBackend | None = None,
    *,
    remember: bool = True,
) -> KnownPeople:
    settings = Settings(
        contacts={"files": files or [], "allowlist": tmp_path / "allow.txt"},
        state={"path": tmp_path / "state.sqlite3"},
    )
    return KnownPeople(settings, store, backend, remember=remember)


def test_names_are_compared_without_case_accents_or_extra_spaces() -> None:
    assert fold_name("  Jürgen\tMÜLLER ") == "jurgen muller"
    assert fold_name("Łukasz Søren Straße") == "lukasz soren strasse"


def test_person_keys_ignore_tracking_in_profile_links() -> None:
    notification = RequestNotification(
        network="LinkedIn",
        kind="connection_request",
        requester=Requester(
            name="Ana Pérez",
            profile_url="https://www.linkedin.com/comm/in/Ana-Perez/?midToken=AQE&trk=eml",
        ),
    )
    assert person_keys(notification) == ["linkedin:linkedin.com/in/ana-perez", "name:ana perez"]


@pytest.mark.parametrize(
    "who",
    [
        requester("jurgen muller-ludenscheidt"),  # vCard FN, folded
        requester("Someone Else", "https://linkedin.com/in/juergen-ml"),  # vCard social profile
        requester("Renée Faßbender"),  # vCard 2.1 quoted-printable
        requester("Ana Perez"),  # LinkedIn export with notes above the header
        requester("A. P.", "https://www.linkedin.com/comm/in/ana-perez?trk=x"),
        requester("Bob Builder"),  # Outlook export: semicolons, cp1252
    ],
)
def test_people_in_contacts_exports_are_known(
    tmp_path: Path, store: SqliteStore, contacts: list[Path], who: Requester
) -> None:
    assert people(tmp_path, store, contacts).is_known(who) is True


def test_a_stranger_is_not_known(tmp_path: Path, store: SqliteStore, contacts: list[Path]) -> None:
    assert people(tmp_path, store, contacts).is_known(requester("Eve Stranger")) is False


def test_the_address_comes_from_the_contacts_only_when_unambiguous(
    tmp_path: Path, store: SqliteStore, contacts: list[Path]
) -> None:
    known = people(tmp_path, store, contacts)
    assert known.address_for(requester("Jürgen Müller-Lüdenscheidt")) == "jm@example.de"
    assert known.address_for(requester("Ana Pérez")) is None  # LinkedIn exported no address
    twin = tmp_path / "twin.vcf"
    twin.write_text("BEGIN:VCARD\nFN:Bob Builder\nEMAIL:other-bob@example.org\nEND:VCARD\n")
    assert people(tmp_path, store, [*contacts, twin]).address_for(requester("Bob Builder")) is None


def test_every_allowlist_form_is_understood(tmp_path: Path, store: SqliteStore) -> None:
    (tmp_path / "allow.txt").write_text(
        "# people I said yes to\n"
        "linkedin:https://www.linkedin.com/in/li-only\n"
        "mastodon:@mia@example.social\n"
        "https://www.xing.com/profile/Xing_Person\n"
        "name:Nora Name\n"
        "Bare Name\n",
        encoding="utf-8",
    )
    known = people(tmp_path, store)
    assert known.is_known(requester("x", "https://linkedin.com/in/li-only/")) is True
    assert known.is_known(Requester(name="Mia", handle="mia@example.social")) is True
    assert known.is_known(requester("x", "https://xing.com/profile/xing_person")) is True
    assert known.is_known(requester("NORA  name")) is True
    assert known.is_known(requester("Bare Name")) is True
    assert known.is_known(requester("Not Listed")) is False


def test_allow_creates_the_file_and_the_daemon_sees_it_at_once(
    tmp_path: Path, store: SqliteStore
) -> None:
    known = people(tmp_path, store)
    ana = requester("Ana Pérez", "https://www.linkedin.com/comm/in/ana-perez?trk=x")
    assert known.is_known(ana) is False
    known.allow(ana, "linkedin")
    known.allow(ana, "linkedin")  # a second click adds nothing
    assert known.is_known(ana) is True
    lines = (tmp_path / "allow.txt").read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if not line.startswith("#")] == [
        "linkedin:https://www.linkedin.com/comm/in/ana-perez?trk=x"
    ]


def test_a_name_with_a_line_break_cannot_add_a_second_entry(
    tmp_path: Path, store: SqliteStore
) -> None:
    known = people(tmp_path, store)
    known.allow(requester("Mallory\nname:Alex Beispiel"), "linkedin")
    assert known.is_known(requester("Alex Beispiel")) is False
    assert known.is_known(requester("Mallory name:Alex Beispiel")) is True


def sent_mail(maildir: MaildirBackend, to: str) -> None:
    message = EmailMessage()
    message["From"] = "Alex Beispiel <alex@example.org>"
    message["To"] = to
    message["Subject"] = "Re: project"
    message["Message-ID"] = "<sent1@example.org>"
    message.set_content("See you.")
    maildir.append("Sent", message.as_bytes())


def test_earlier_correspondence_makes_someone_known_and_is_cached(
    tmp_path: Path, store: SqliteStore, maildir: MaildirBackend
) -> None:
    sent_mail(maildir, "Carla Correspondent <carla@example.com>")
    carla = requester("Carla Correspondent")
    assert people(tmp_path, store, backend=maildir).is_known(carla) is True
    assert store.people.get("mail:carla correspondent") is not None
    # the answer is kept for a day: found again without the mail
    for ref in maildir.scan("Sent", None).refs:
        maildir.move(ref, "Trash")
    assert people(tmp_path, store, backend=maildir).is_known(carla) is True
    fresh = SqliteStore(tmp_path / "other.sqlite3")
    assert people(tmp_path, fresh, backend=maildir).is_known(carla) is False


def test_a_single_first_name_is_never_searched_in_the_mailbox(
    tmp_path: Path, store: SqliteStore, maildir: MaildirBackend
) -> None:
    sent_mail(maildir, "Carla <carla@example.com>")
    assert people(tmp_path, store, backend=maildir).is_known(requester("Carla")) is False


def test_a_dry_run_reads_the_cache_but_does_not_write_it(
    tmp_path: Path, store: SqliteStore, maildir: MaildirBackend
) -> None:
    sent_mail(maildir, "Carla Correspondent <carla@example.com>")
    known = people(tmp_path, store, backend=maildir, remember=False)
    assert known.is_known(requester("Carla Correspondent")) is True
    assert store.people.get("mail:carla correspondent") is None


def test_a_namesakes_address_never_stands_in_for_the_profile_match(
    tmp_path: Path, store: SqliteStore
) -> None:
    vcf = tmp_path / "c.vcf"
    vcf.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna Schäfer\r\n"
        "X-SOCIALPROFILE;TYPE=linkedin:https://www.linkedin.com/in/anna-s\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna Schäfer\r\n"
        "EMAIL:anna.schaefer@steuerberater.example\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    settings = Settings(contacts={"files": [vcf]}, state={"path": tmp_path / "s.db"})
    people = KnownPeople(settings, store, None)
    profile = "https://www.linkedin.com/in/anna-s"
    assert people.address_for(requester("Anna Schäfer", profile)) is None


def test_earlier_mail_to_a_longer_name_does_not_make_a_requester_known(
    tmp_path: Path, store: SqliteStore
) -> None:
    backend = MaildirBackend(tmp_path / "Maildir")
    backend.ensure_folder("INBOX")
    sent = EmailMessage()
    sent["From"] = "me@example.org"
    sent["To"] = "Johanna Schäfer <johanna@example.com>"
    sent.set_content("hi")
    backend.append("Sent", sent.as_bytes())
    settings = Settings(state={"path": tmp_path / "s.db"})
    people = KnownPeople(settings, store, backend)
    assert not people.is_known(requester("Anna Schäfer"))
    assert people.is_known(requester("Johanna Schaefer")) is False  # ae is not ä
    assert KnownPeople(settings, SqliteStore(tmp_path / "other.db"), backend).is_known(
        requester("JOHANNA SCHÄFER")
    )
