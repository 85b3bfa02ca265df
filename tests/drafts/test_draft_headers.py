"""Headers of a draft: written by EmailMessage, never by text from the notification."""

from __future__ import annotations

from collections.abc import Callable
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path

import pytest

from introgate.backends.maildir import MaildirBackend
from introgate.config import Settings, load_settings
from introgate.drafts import Drafter, DraftOrder
from introgate.drafts.compose import (
    addresses_in,
    check_header_lines,
    is_robot_address,
    usable_recipient,
)
from introgate.errors import IntrogateError
from introgate.state import SqliteStore
from tests.drafts.drafts_kit import (
    LINKEDIN_PROFILE,
    Contacts,
    Deliver,
    body_of,
    drafts_in,
    read_message,
)

HOSTILE_NAMES = [
    "Eve\r\nBcc: x@example.com",
    "Eve\nBcc: x@example.com",
    "Eve\rTo: x@example.com",
    'Eve "the boss" O\'Neil, <x@example.com>',
    "Ève Łukasiewicz-Ñúñez",
    "=?utf-8?q?Eve=0D=0ABcc=3A_x=40example=2Ecom?=",
    "Eve\u2028Bcc: x@example.com",
    "Eve\x00\x1b[31m\u202eBcc: x@example.com",
    "Subject: win\r\n\r\nbody",
]
DRAFT_HEADERS = [
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "X-Introgate-Request",
    "Content-Type",
    "Content-Transfer-Encoding",
    "MIME-Version",
    "Content-Language",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_requester_names_never_add_or_change_headers(
    drafter: Drafter,
    deliver: Deliver,
    maildir: MaildirBackend,
    contacts: Contacts,
    name: str,
) -> None:
    contacts.add("Eve Contact", "eve@example.net", LINKEDIN_PROFILE.format(handle="eve"))
    facts = deliver("Eve Example", "eve", recognised_name=name, note=f"Hi!\r\nBcc: {name}")
    drafter.ensure_draft(facts, DraftOrder(language="en"), dry_run=False)
    [path] = drafts_in(maildir)
    message = read_message(path)
    assert list(message.keys()) == DRAFT_HEADERS
    [to] = message["To"].addresses
    assert to.addr_spec == "eve@example.net"
    assert "\n" not in to.display_name and "\r" not in to.display_name
    assert [a.addr_spec for a in message["From"].addresses] == ["alex@example.org"]
    # the subject names the person, as one line of its own
    assert message["Subject"].endswith(" – your connection request on LinkedIn")
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    assert message["In-Reply-To"].strip() == facts.message_id
    assert b"\nBcc:" not in path.read_bytes() and b"\nbcc:" not in path.read_bytes().lower()


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_in_a_draft_without_recipient_stay_in_the_body(
    drafter: Drafter, deliver: Deliver, maildir: MaildirBackend, name: str
) -> None:
    facts = deliver("Eve Example", "eve", recognised_name=name)
    drafter.ensure_draft(facts, DraftOrder(language="de"), dry_run=False)
    [path] = drafts_in(maildir)
    message = read_message(path)
    # no To:, and fingerprints of the lines for the user, so a send leaves them out
    without_to = [h for h in DRAFT_HEADERS if h != "To"]
    at = without_to.index("X-Introgate-Request") + 1
    assert list(message.keys()) == [*without_to[:at], "X-Introgate-Instructions", *without_to[at:]]
    assert message["Subject"].endswith(" – Ihre Kontaktanfrage auf LinkedIn")
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]


def test_accented_names_are_encoded_not_mangled(
    drafter: Drafter, deliver: Deliver, maildir: MaildirBackend, contacts: Contacts
) -> None:
    contacts.add("Zoe Unal-Celik", "zoe@example.net")
    facts = deliver("Zoë Ünal-Çelik", "zoe", language="de")
    drafter.ensure_draft(facts, DraftOrder(), dry_run=False)
    [path] = drafts_in(maildir)
    raw = path.read_bytes()
    assert raw.isascii()
    message = read_message(path)
    assert message["To"].addresses == (Address("Zoë Ünal-Çelik", "zoe", "example.net"),)
    assert body_of(message).startswith("Hallo Zoë,\n")


@pytest.mark.parametrize(
    "address",
    [
        "invitations@linkedin.com",
        "messages-noreply@linkedin.com",
        "no-reply@mail.instagram.com",
        "noreply@facebookmail.com",
        "notification+zj4y@facebookmail.com",
        "mailrobot@mail.xing.com",
        "notifications@mastodon.social",
        "do_not_reply@example.com",
    ],
)
def test_robot_addresses_are_never_the_recipient(
    drafter: Drafter,
    deliver: Deliver,
    maildir: MaildirBackend,
    contacts: Contacts,
    address: str,
) -> None:
    contacts.add("Eva Example", address)
    facts = deliver("Eva Example", "eva-example")
    outcome = drafter.ensure_draft(facts, DraftOrder(), dry_run=False)
    assert (outcome.status, outcome.recipient) == ("created", None)
    [path] = drafts_in(maildir)
    message = read_message(path)
    assert message["To"] is None
    assert body_of(message).startswith("https://www.linkedin.com/comm/in/eva-example\n")


def test_the_notifications_own_sender_and_reply_to_are_never_the_recipient() -> None:
    excluded = addresses_in(['"Eva via Net" <eva.example@net.example>', "r-1@reply.net.example"])
    assert usable_recipient("Eva.Example@net.example", excluded=excluded)[0] is None
    assert usable_recipient("r-1@reply.net.example", excluded=excluded)[0] is None
    assert usable_recipient("eva@example.org", excluded=excluded)[0] == "eva@example.org"
    assert usable_recipient("eva@example.org\r\nBcc: x@y.z", excluded=set())[0] is None


def test_people_are_not_robots() -> None:
    people = ["eva@example.net", "info@kanzlei.example", "n.otify@example.org", "eva.reply@x.de"]
    assert [is_robot_address(a) for a in people] == [False] * len(people)


def test_draft_without_recipient_starts_with_the_link_to_answer_on_the_network(
    drafter: Drafter, deliver: Deliver, maildir: MaildirBackend
) -> None:
    facts = deliver("Eva Example", "eva-example", network="xing", language="de")
    drafter.ensure_draft(facts, DraftOrder(), dry_run=False)
    [path] = drafts_in(maildir)
    lines = body_of(read_message(path)).splitlines()
    assert lines[:4] == [
        "https://www.xing.com/profile/eva-example/cv",
        "(Keine E-Mail-Adresse von Eva Example bekannt: Schicken Sie den Text unten über "
        "XING, ohne diese Zeilen.)",
        "",
        "Hallo Eva,",
    ]


def test_english_draft_without_recipient_tells_where_to_answer_in_english(
    settings: Settings, drafter: Drafter, deliver: Deliver, maildir: MaildirBackend
) -> None:
    settings.identity.default_language = "de"  # the user's own language plays no part
    facts = deliver("Eva Example", "eva-example", language="en")
    drafter.ensure_draft(facts, DraftOrder(), dry_run=False)
    [path] = drafts_in(maildir)
    message = read_message(path)
    assert message["Content-Language"] == "en"
    assert body_of(message).splitlines()[:4] == [
        "https://www.linkedin.com/comm/in/eva-example",
        "(No e-mail address known for Eva Example: send the text below on LinkedIn, "
        "without these lines.)",
        "",
        "Hi Eva,",
    ]


def test_draft_with_recipient_replies_in_the_thread_of_the_notification(
    drafter: Drafter, deliver: Deliver, maildir: MaildirBackend, contacts: Contacts
) -> None:
    contacts.add("Eva Example", "eva@example.net")
    facts = deliver("Eva Example", "eva-example", note="We met at the Berlin meetup.")
    outcome = drafter.ensure_draft(facts, DraftOrder(), dry_run=False)
    [path] = drafts_in(maildir)
    message = read_message(path)
    # a long Message-ID is folded onto its own line; the value is the same
    threading = (message["In-Reply-To"].strip(), message["References"].strip())
    assert threading == (facts.message_id, facts.message_id)
    assert (
        message["X-Introgate-Request"]
        == str(outcome.draft_id)[len("<introgate.") : -len("@introgate.invalid>")]
    )
    assert body_of(message) == (
        "Hi Eva,\n\n"
        "Thanks for your connection request on LinkedIn and for your message. I only accept "
        "requests when I know where we've met – could you remind me?\n\n"
        # the signature names the user already: the name appears once
        "Best wishes,\n\n-- \nAlex\n"
    )


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_names_and_notes_in_a_users_subject_stay_in_the_subject(
    write_config: Callable[..., Path],
    store: SqliteStore,
    deliver: Deliver,
    maildir: MaildirBackend,
    tmp_path: Path,
    name: str,
) -> None:
    folder = tmp_path / "my-templates"
    folder.mkdir()
    (folder / "ask-intro.en.txt.j2").write_text(
        "{% block subject %}Hello {{ requester.name }}: {{ note }}{% endblock %}\n"
        "{% block body %}Hi {{ requester.first_name }}, {{ note }}{% endblock %}\n",
        encoding="utf-8",
    )
    settings = load_settings(write_config('[templates]\npath = "my-templates"\n'))
    drafter = Drafter(settings, store, maildir, "test", None)
    facts = deliver("Eve Example", "eve", recognised_name=name, note=name)
    drafter.ensure_draft(facts, DraftOrder(language="en"), dry_run=False)
    [path] = drafts_in(maildir)
    message = read_message(path)
    # no To:, and fingerprints of the lines for the user, so a send leaves them out
    without_to = [h for h in DRAFT_HEADERS if h != "To"]
    at = without_to.index("X-Introgate-Request") + 1
    assert list(message.keys()) == [*without_to[:at], "X-Introgate-Instructions", *without_to[at:]]
    assert "\n" not in message["Subject"] and message["Subject"].startswith("Hello ")


def test_a_header_that_python_would_decode_into_two_lines_is_refused() -> None:
    # the email package turns an encoded word with CR LF into a real line break when it
    # writes the message; compose() never hands it one, and checks the result anyway
    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = "=?utf-8?q?Hi=0D=0ABcc=3A_x=40example=2Ecom?="
    message.set_content("hi")
    with pytest.raises(IntrogateError, match="hostile"):
        check_header_lines(message)
