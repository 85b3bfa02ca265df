"""The facts about one message that rules look at.

Header facts are always there; the notification is there when recognition found one;
``requester_known`` is computed only when a rule asks, because it may search the mailbox.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from functools import cached_property
from typing import TYPE_CHECKING

from introgate.header_block import HeaderBlock
from introgate.mail import MessageRef
from introgate.recognition.message_content import decode_words
from introgate.recognition.model import Recognition, RequestNotification
from introgate.recognition.sender import parse_sender

if TYPE_CHECKING:
    from introgate.introductions.facts import RequestFacts


@dataclass
class MessageFacts:
    """What a message's headers say. The subject, the sender's name and the date are
    decoded when first read: most mail of a pass is decided without them."""

    ref: MessageRef | None
    headers: HeaderBlock
    from_address: str
    message_id: str | None
    # identifies a message without a Message-ID across UIDVALIDITY changes; None when it has one
    fingerprint: str | None = None
    recognition: Recognition | None = None
    # the request this message is, or answers (set by the pass's introductions step)
    lifecycle: RequestFacts | None = None
    _known: Callable[[], bool] | None = field(default=None, repr=False)
    _known_value: bool | None = field(default=None, repr=False)

    @property
    def raw_subject(self) -> str:
        """The Subject as written (unfolded, encoded words kept): cheap to keep."""
        return _raw(self.headers, "Subject")

    @cached_property
    def subject(self) -> str:
        return decode_words(self.raw_subject)

    @cached_property
    def from_name(self) -> str:
        return decode_words(parse_sender(_raw(self.headers, "From")).name)

    @cached_property
    def date(self) -> datetime | None:
        return parse_date(_raw(self.headers, "Date"))

    @property
    def notification(self) -> RequestNotification | None:
        return self.recognition.notification if self.recognition else None

    @property
    def identity(self) -> str | None:
        """What names this message whatever its key: the Message-ID, else the fingerprint."""
        return self.message_id or self.fingerprint

    def requester_known(self) -> bool:
        """Whether the requester is in contacts, allowlist or earlier correspondence."""
        if self._known_value is None:
            self._known_value = bool(self._known()) if self._known is not None else False
        return self._known_value


def facts_from_headers(ref: MessageRef | None, header_block: bytes) -> MessageFacts:
    """Header facts of one message; hostile or broken headers give empty values, never errors.

    Most mail is not a notification, so this is the per-message cost of a pass: the block
    is split into fields without decoding, and only the sender's address and the
    Message-ID are read now; the rest is decoded when a rule or a report asks.
    """
    headers = HeaderBlock.parse(header_block)
    sender = parse_sender(_raw(headers, "From"))  # the sender recognition reads, too
    message_id = _raw(headers, "Message-ID").strip() or None
    return MessageFacts(
        ref=ref,
        headers=headers,
        from_address=sender.address,
        message_id=message_id,
        fingerprint=None if message_id else content_fingerprint(headers),
    )


def parse_date(value: str) -> datetime | None:
    """A ``Date:`` value, or None for one that is missing or cannot be a real date.

    Hostile values (year 99999999999, hour 10**12, a zone offset of years) make the
    standard parser raise OverflowError as well as ValueError: both mean "no date".
    """
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


# headers a server may add or rewrite while the message sits in the folder (mbox status
# lines, Dovecot's own bookkeeping): left out so the fingerprint stays the same
_UNSTABLE_HEADERS = frozenset(
    {"status", "x-status", "x-keywords", "x-uid", "content-length", "x-imap", "x-imapbase"}
)


def content_fingerprint(headers: HeaderBlock) -> str:
    """A stable name for a message that has no Message-ID: a hash of its normalised headers.

    Names are lower-cased and values unfolded with runs of whitespace collapsed, so the
    same message listed again under a new UID (a UIDVALIDITY change) gets the same name.
    """
    digest = hashlib.sha256()
    for name, value in headers.items():
        key = name.strip().lower()
        if key in _UNSTABLE_HEADERS:
            continue
        digest.update(key.encode("utf-8", "surrogateescape") + b":")
        digest.update(" ".join(str(value).split()).encode("utf-8", "surrogateescape") + b"\n")
    return "sha256:" + digest.hexdigest()


def _raw(headers: HeaderBlock, name: str) -> str:
    value = headers.get(name)
    return " ".join(value.split()) if value is not None else ""
