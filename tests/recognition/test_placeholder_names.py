"""Names that are not names ("???", an address, a link, only punctuation) are never greeted.

The requester is recorded without a name (the profile link or handle still says who it
is), the reply greets nobody, in every language, and the reason is kept for ``explain``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from introgate.backends.maildir import MaildirBackend
from introgate.recognition import Recogniser
from introgate.recognition.names import not_a_name
from tests.drafts.drafts_kit import body_of, drafts_in, read_message
from tests.recognition.corpus import FIXTURES


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("???", "only punctuation"),
        ("", "empty"),
        ("  ", "empty"),
        ("…", "only punctuation"),
        ("12345", "only punctuation or digits"),
        ("lena.fischer@example.com", "e-mail address"),
        ("https://www.linkedin.com/in/x", "a link"),
        ("www.xing.com/profile/T_Nguyen", "a link"),
        ("LinkedIn Member", "placeholder"),
        ("{{first_name}}", "placeholder"),
    ],
)
def test_placeholders_are_not_names(text: str, reason: str) -> None:
    found = not_a_name(text)
    assert found is not None and reason in found


@pytest.mark.parametrize("name", ["Anna Schmidt", "Zoë O'Connor", "李小龍", "Dr. Jürgen Groß", "Ø"])
def test_real_names_are_names(name: str) -> None:
    assert not_a_name(name) is None


@pytest.mark.parametrize(
    ("relative", "why"),
    [
        ("facebook/senders-de-placeholder-name.eml", "'???'"),
        ("facebook/senders-en-placeholder-punctuation.eml", "'…'"),
        ("linkedin/senders-en-placeholder-address.eml", "e-mail address"),
        ("xing/senders-en-placeholder-link.eml", "a link"),
    ],
)
def test_a_placeholder_requester_is_recorded_without_a_name(
    recogniser: Recogniser, relative: str, why: str
) -> None:
    [request] = recogniser.recognise((FIXTURES / relative).read_bytes()).requests
    assert request.requester.name == ""
    assert request.requester.profile_url is not None
    assert request.unnamed is not None and why in request.unnamed


def test_a_real_name_elsewhere_in_the_mail_wins_over_a_placeholder(recogniser: Recogniser) -> None:
    raw = (FIXTURES / "facebook" / "senders-en-friends-sender.eml").read_bytes()
    raw = raw.replace(
        b"Subject: Friend request from Chris Miller", b"Subject: ??? sent you a friend request"
    )
    [request] = recogniser.recognise(raw).requests
    assert (request.requester.name, request.unnamed) == ("Chris Miller", None)


def test_the_reply_to_a_placeholder_greets_nobody(
    maildir: MaildirBackend, write_config: Callable[..., Path]
) -> None:
    for relative in (
        "facebook/senders-de-placeholder-name.eml",
        "linkedin/senders-en-placeholder-address.eml",
    ):
        shutil.copy(FIXTURES / relative, maildir.root / "new" / Path(relative).stem)
    result = subprocess.run(
        [sys.executable, "-m", "introgate", "run", "--once", "--config", str(write_config())],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    drafts = {}
    for path in drafts_in(maildir):
        message = read_message(path)
        drafts[str(message["Subject"])] = body_of(message)
    assert sorted(drafts) == [
        "Deine Freundschaftsanfrage auf Facebook",
        "Your connection request on LinkedIn",
    ]
    german = drafts["Deine Freundschaftsanfrage auf Facebook"]
    english = drafts["Your connection request on LinkedIn"]
    assert "\nHallo,\n\ndanke für deine Freundschaftsanfrage auf Facebook." in german
    assert "\nHi there,\n\nThanks for your connection request on LinkedIn" in english
    for body in (german, english):
        assert "???" not in body and "lena.fischer" not in body
    assert "Keine E-Mail-Adresse dieser Person bekannt" in german
