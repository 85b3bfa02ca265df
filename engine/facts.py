"""The facts about one message that rules look at.

Header facts are always there; the notification is there when recognition found one;
``requester_known`` is computed only when a rule asks, because it may search the mailbox.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message

from engine.mail import MessageRef
from engine.recognition.model import Recognition, RequestNotification


@dataclass
class MessageFacts:
    ref: MessageRef | None
    headers: Message
    subject: str
    from_address: str
    from_name: str
    date: datetime | None
    message_id: str | None
    recognition: Recognition | None = None
    _known: Callable[[], bool] | None = field(default=None, repr=False)
    _known_value: bool | None = field(default=None, repr=False)

    @property
    def notification(self) -> RequestNotification | None:
        return self.recognition.notification if self.recognition else None

    def requester_known(self) -> bool:
        """Whether the requester is in contacts, allowlist or earlier correspondence."""
        if self._known_value is None:
            self._known_value = bool(self._known()) if self._known is not None else False
        return self._known_value


def facts_from_headers(ref: MessageRef | None, header_block: bytes) -> MessageFacts:
    """Header facts of one message; hostile or broken headers give empty values, never errors."""
    from email import policy
    from email.parser import BytesHeaderParser
    from email.utils import getaddresses, parsedate_to_datetime

    headers = BytesHeaderParser(policy=policy.default).parsebytes(header_block)

    def text(name: str) -> str:
        try:
            value = headers.get(name)
        except Exception:  # noqa: BLE001 - a malformed header must not stop the pass
            return ""
        return " ".join(str(value).split()) if value is not None else ""

    pairs = getaddresses([text("From")])  # never raises; odd input gives ("", "")
    from_name, from_address = pairs[0] if pairs else ("", "")
    date: datetime | None = None
    try:
        raw_date = text("Date")
        date = parsedate_to_datetime(raw_date) if raw_date else None
    except (TypeError, ValueError, IndexError):
        date = None
    message_id = text("Message-ID") or None
    return MessageFacts(
        ref=ref,
        headers=headers,
        subject=text("Subject"),
        from_address=from_address.lower(),
        from_name=from_name,
        date=date,
        message_id=message_id,
    )
