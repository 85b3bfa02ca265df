"""Message facts built the way a pass builds them, for rule tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

from introgate.facts import MessageFacts, facts_from_headers
from introgate.mail import MessageRef
from introgate.recognition.model import Recognition, Requester, RequestNotification
from introgate.rules import RuleSet

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)

LoadRules = Callable[..., RuleSet]


def mail(
    *,
    subject: str = "Lunch?",
    sender: str = "Sam Sender <sam@example.net>",
    date: datetime | None = NOW,
    headers: dict[str, str] | None = None,
    ref: MessageRef | None = None,
) -> MessageFacts:
    """Facts of an ordinary message, parsed from a real header block."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "Alex Beispiel <alex@example.org>"
    message["Subject"] = subject
    if date is not None:
        message["Date"] = format_datetime(date)
    message["Message-ID"] = "<m1@example.net>"
    for name, value in (headers or {}).items():
        message[name] = value
    facts = facts_from_headers(ref, message.as_bytes())
    facts.recognition = Recognition(facts.message_id)
    return facts


def request(
    *,
    network: str = "linkedin",
    kind: str = "connection_request",
    name: str = "Jana Nováková",
    note: str | None = None,
    language: str | None = "en",
    mutual: int | None = None,
    authenticated: bool | None = True,
    known: bool | None = None,
    date: datetime | None = NOW,
    ref: MessageRef | None = None,
    subject: str = "I want to connect",
) -> MessageFacts:
    """Facts of a recognised request; ``known`` answers requester_known (None: never asked)."""
    facts = mail(
        subject=subject,
        sender=f"{name} via LinkedIn <invitations@linkedin.com>",
        date=date,
        ref=ref,
    )
    facts.recognition = Recognition(
        facts.message_id,
        requests=[
            RequestNotification(
                network=network,
                kind=kind,
                requester=Requester(name=name, profile_url="https://www.linkedin.com/in/jana"),
                note=note,
                language=language,
                mutual_connections=mutual,
                authenticated=authenticated,
                date=date,
            )
        ],
    )
    if known is not None:
        facts._known = lambda: known
    return facts


class KnownCounter:
    """A requester_known answer that counts how often it was asked (the search is costly)."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.calls = 0

    def __call__(self) -> bool:
        self.calls += 1
        return self.answer
