"""Request records and senders made from what a pass knows about a message."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from introgate.drafts.compose import request_ids
from introgate.facts import MessageFacts
from introgate.introductions.matching import Sender
from introgate.people import fold_name, handle_key, one_line, person_keys, profile_key
from introgate.recognition.model import Recognition, RequestNotification
from introgate.state.requests import RequestRecord, RequestState

_MESSAGE_ID = re.compile(r"<[^<>\s]{1,500}>")
PREVIEW_LIMIT = 200


def request_record(
    account: str,
    facts: MessageFacts,
    notification: RequestNotification,
    at: datetime,
    *,
    address: str | None = None,
) -> RequestRecord:
    """The record of a request just recognised (state ``new``), under the drafts' request id."""
    ids = request_ids(account, notification, person_keys(notification), facts.message_id)
    stamp = at.astimezone(UTC).isoformat(timespec="seconds")
    requested = notification.date or facts.date
    return RequestRecord(
        request_id=ids.request_id,
        account=account,
        network=notification.network.lower(),
        requester=one_line(notification.requester.name),
        folded_name=fold_name(notification.requester.name),
        profile_key=requester_key(notification),
        profile_url=notification.requester.profile_url,
        address=address.lower() if address else None,
        note=one_line(notification.note)[:PREVIEW_LIMIT] if notification.note else None,
        source_folder=facts.ref.folder if facts.ref else None,
        source_key=facts.ref.key if facts.ref else None,
        notification_message_id=facts.message_id,
        draft_id=None,
        state=RequestState.NEW,
        requested_at=_utc(requested).isoformat(timespec="seconds") if requested else stamp,
        asked_at=None,
        introduced_by=None,
        introduction=None,
        created_at=stamp,
        updated_at=stamp,
        mutual_connections=notification.mutual_connections,
    )


def requester_key(notification: RequestNotification) -> str | None:
    """The profile (or, without one, the handle) that names the person on the network."""
    requester = notification.requester
    if requester.profile_url:
        return profile_key(requester.profile_url)
    if requester.handle:
        return handle_key(requester.handle)
    return None


def network_sender(notification: RequestNotification) -> Sender:
    """The writer of a message notification (LinkedIn message, Instagram request ...)."""
    return Sender(
        network=notification.network.lower(),
        profile_key=requester_key(notification),
        folded_name=fold_name(notification.requester.name),
    )


def mail_sender(facts: MessageFacts) -> Sender:
    """The writer of ordinary mail: their address and the Message-IDs they answer."""
    references: list[str] = []
    for name in ("In-Reply-To", "References"):
        value = facts.headers.get(name)
        if value is not None:
            references.extend(_MESSAGE_ID.findall(str(value)))
    # no name: an e-mail's writer is matched by their reply or their address, never by a
    # name alone (names are compared only between mails of one network)
    return Sender(
        address=facts.from_address or None,
        references=tuple(dict.fromkeys(references)),
    )


def introduction_sender(
    facts: MessageFacts, recognition: Recognition
) -> tuple[Sender, Callable[[], str]] | None:
    """Who may be introducing themselves in this message, and how to get its preview;
    None for a request, a message notification that failed its sender check or was
    damaged, and mail that names neither an address nor a message it answers.

    The preview is made only for a message that matched: most mail matches no request,
    and its subject need not be decoded.
    """
    if recognition.requests:
        return None
    messages = [m for m in recognition.messages if m.authenticated is not False and not m.damage]
    if recognition.messages and not messages:
        return None
    if messages:
        first = messages[0]
        return network_sender(first), lambda: _preview(first.note or facts.subject)
    if recognition.defect:
        return None
    sender = mail_sender(facts)
    if not (sender.address or sender.references):
        return None
    return sender, lambda: _preview(facts.subject)


def _preview(text: str | None) -> str:
    return one_line(text or "")[:PREVIEW_LIMIT]


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
