"""Helpers for the drafts tests: the user's contacts file and reading drafts back."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from introgate.backends.maildir import MaildirBackend
from introgate.facts import MessageFacts

LINKEDIN_PROFILE = "https://www.linkedin.com/comm/in/{handle}"
XING_PROFILE = "https://www.xing.com/profile/{handle}/cv"

# the ``deliver`` fixture: put a request into INBOX, get its facts as recognition gives them
Deliver = Callable[..., MessageFacts]


@dataclass
class Contacts:
    """The user's contacts export (CSV), read by KnownPeople like a real one."""

    path: Path

    def add(self, name: str, email: str, profile: str = "") -> None:
        new = not self.path.exists()
        with self.path.open("a", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            if new:
                writer.writerow(["Name", "E-mail Address", "Profile URL"])
            writer.writerow([name, email, profile])


def drafts_in(maildir: MaildirBackend, folder: str = "Drafts") -> list[Path]:
    directory = maildir.folder_path(folder) / "cur"
    return sorted(directory.iterdir()) if directory.is_dir() else []


def read_message(path: Path) -> EmailMessage:
    parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(parsed, EmailMessage)
    return parsed


def body_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert isinstance(part, EmailMessage)
    text = part.get_content()
    assert isinstance(text, str)
    return text.replace("\r\n", "\n")  # drafts are stored with CRLF, as RFC 5322 has it
