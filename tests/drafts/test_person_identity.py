"""Who is the same person: a profile on a network, or a name across networks."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from introgate.backends.maildir import MaildirBackend
from introgate.demo import linkedin_invitation, xing_request
from introgate.people import KnownPeople
from introgate.recognition.model import Requester
from tests.drafts.drafts_kit import Contacts, drafts_in, read_message


def run_once(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "introgate", "run", "--once", "--config", str(config)],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
        check=False,
    )


def drafted_subjects(maildir: MaildirBackend) -> list[str]:
    return sorted(str(read_message(path)["Subject"]) for path in drafts_in(maildir))


def test_namesakes_with_different_profiles_on_one_network_are_two_people(
    write_config: Callable[..., Path], maildir: MaildirBackend
) -> None:
    config = write_config()
    first = linkedin_invitation(
        "Anna Schäfer", "anna-schaefer-7b21", "PM", language="de", note=None
    )
    other = linkedin_invitation(
        "Anna Schäfer", "anna-schaefer-hh", "Ärztin", language="de", note=None
    )
    maildir.append("INBOX", first.as_bytes())
    maildir.append("INBOX", other.as_bytes())
    result = run_once(config)
    assert result.returncode == 0, result.stderr
    assert drafted_subjects(maildir) == [
        "Anna Schäfer – Ihre Kontaktanfrage auf LinkedIn",
        "Anna Schäfer – Ihre Kontaktanfrage auf LinkedIn",
    ]


def test_the_same_profile_or_the_same_name_on_another_network_is_asked_once(
    write_config: Callable[..., Path], maildir: MaildirBackend
) -> None:
    config = write_config()
    maildir.append(
        "INBOX",
        linkedin_invitation("Anna Schäfer", "anna-s", "PM", language="de", note=None).as_bytes(),
    )
    assert run_once(config).returncode == 0
    again = linkedin_invitation("Anna Schäfer", "anna-s", "PM", language="de", note=None)
    maildir.append("INBOX", again.as_bytes())
    maildir.append(
        "INBOX", xing_request("Anna Schäfer", "Anna_Schaefer", language="de", note=None).as_bytes()
    )
    result = run_once(config)
    assert result.returncode == 0, result.stderr
    assert drafted_subjects(maildir) == ["Anna Schäfer – Ihre Kontaktanfrage auf LinkedIn"]


def test_a_contact_with_another_profile_on_the_network_is_not_the_requester(
    contacts: Contacts, known: KnownPeople
) -> None:
    contacts.add("Anna Schäfer", "anna@example.net", "https://www.linkedin.com/in/anna-a")
    namesake = Requester(name="Anna Schäfer", profile_url="https://www.linkedin.com/in/anna-b")
    herself = Requester(name="Anna Schäfer", profile_url="https://www.linkedin.com/in/anna-a")
    elsewhere = Requester(name="Anna Schäfer", profile_url="https://www.xing.com/profile/Anna")
    assert [known.is_known(r) for r in (namesake, herself, elsewhere)] == [False, True, True]
    assert known.address_for(namesake) is None
