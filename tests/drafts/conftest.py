"""Contact requests delivered into a test Maildir, and a drafter working on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from introgate.backends.maildir import MaildirBackend
from introgate.config import Settings
from introgate.demo import linkedin_invitation, xing_request
from introgate.drafts import Drafter
from introgate.facts import MessageFacts, facts_from_headers
from introgate.people import KnownPeople
from introgate.recognition.model import Recognition, Requester, RequestNotification
from introgate.recognition.registry import NetworkRegistry
from introgate.state import SqliteStore
from tests.drafts.drafts_kit import LINKEDIN_PROFILE, XING_PROFILE, Contacts, Deliver

# the labels recognition gives notifications: the shipped network files' `label`
SHIPPED_NETWORKS = NetworkRegistry.load(Settings())


@pytest.fixture
def deliver(maildir: MaildirBackend) -> Deliver:
    """Put a request notification into INBOX; return its facts as recognition would."""

    def deliver(
        name: str = "Eva Example",
        handle: str = "eva-example",
        *,
        network: str = "linkedin",
        language: str = "en",
        note: str | None = None,
        mutual: int | None = None,
        recognised_name: str | None = None,
    ) -> MessageFacts:
        if network == "xing":
            mail = xing_request(name, handle, language=language, note=note)
            profile = XING_PROFILE.format(handle=handle)
        else:
            mail = linkedin_invitation(
                name, handle, "Consultant", language=language, note=note, mutual=mutual
            )
            profile = LINKEDIN_PROFILE.format(handle=handle)
        raw = mail.as_bytes()
        maildir.append("INBOX", raw)
        [ref] = maildir.find_by_message_id("INBOX", str(mail["Message-ID"]))
        facts = facts_from_headers(ref, raw)
        facts.recognition = Recognition(
            message_id=facts.message_id,
            requests=[
                RequestNotification(
                    network=network,
                    network_label=SHIPPED_NETWORKS.label(network),
                    kind="connection_request",
                    requester=Requester(name=recognised_name or name, profile_url=profile),
                    note=note,
                    language=language,
                    mutual_connections=mutual,
                    reply_link=profile,
                    date=facts.date,
                )
            ],
        )
        return facts

    return deliver


@pytest.fixture
def store(settings: Settings) -> Iterator[SqliteStore]:
    with SqliteStore(settings.state.path) as opened:
        yield opened


@pytest.fixture
def contacts(settings: Settings, tmp_path: Path) -> Contacts:
    path = tmp_path / "contacts.csv"
    settings.contacts.files = [path]
    return Contacts(path)


@pytest.fixture
def known(settings: Settings, store: SqliteStore, maildir: MaildirBackend) -> KnownPeople:
    return KnownPeople(settings, store, maildir)


@pytest.fixture
def drafter(
    settings: Settings, store: SqliteStore, maildir: MaildirBackend, known: KnownPeople
) -> Drafter:
    return Drafter(settings, store, maildir, "test", known)
