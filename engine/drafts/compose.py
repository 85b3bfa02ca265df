"""Turning a rendered reply into a message: ``EmailMessage`` writes every header.

Nothing here glues header text by hand. Values from the notification are reduced to one
clean line first and then handed to ``EmailMessage``, which quotes and encodes them, so
no name or note can add a header line. The recipient is only ever the requester's own
address: never the notification's sender, its Reply-To, or a robot address.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address, BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import format_datetime, getaddresses
from functools import lru_cache

from introgate.config import Identity
from introgate.drafts.instructions import INSTRUCTIONS_HEADER, fingerprints
from introgate.drafts.untrusted import one_line
from introgate.errors import ConfigError, IntrogateError
from introgate.recognition.model import RequestNotification

REQUEST_HEADER = "X-Introgate-Request"
MESSAGE_ID_DOMAIN = "introgate.invalid"
_MESSAGE_ID = re.compile(r"<[^<>\s@]+@[^<>\s@]+>")
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")
# address local parts that belong to machines, not to the requester
_ROBOT_PHRASES = ("noreply", "donotreply", "mailerdaemon", "autoreply")
_ROBOT_WORDS = frozenset(
    {
        "notification",
        "notifications",
        "notify",
        "mailrobot",
        "robot",
        "invitation",
        "invitations",
        "invite",
        "invites",
        "postmaster",
        "bounce",
        "bounces",
        "automated",
    }
)


@dataclass(frozen=True)
class RequestIds:
    """The request id (``X-Introgate-Request``) and the draft's Message-ID derived from it."""

    request_id: str
    message_id: str

    @property
    def short(self) -> str:
        return self.request_id[:10]


def request_ids(
    account: str,
    notification: RequestNotification,
    person_keys: list[str],
    notification_message_id: str | None,
) -> RequestIds:
    """The same account, requester and notification always give the same ids.

    ``person_keys[0]`` is the requester's most specific key (network profile or handle,
    else the folded name), so two requests in one digest mail get two ids.
    """
    person = person_keys[0] if person_keys else one_line(notification.requester.name)
    material = "|".join(
        [account, notification.network.lower(), person, (notification_message_id or "").strip()]
    )
    digest = hashlib.sha256(material.encode("utf-8")).hexdigest()[:24]
    return RequestIds(request_id=digest, message_id=f"<introgate.{digest}@{MESSAGE_ID_DOMAIN}>")


def message_id_or_none(value: str | None) -> str | None:
    """A well-formed ``<id@host>`` Message-ID, or None (then no threading headers)."""
    cleaned = one_line(value, limit=998)
    return cleaned if _MESSAGE_ID.fullmatch(cleaned) else None


def is_robot_address(address: str) -> bool:
    """no-reply, notifications+x, mailrobot, invitations ...: a reply there reaches nobody."""
    local = address.rsplit("@", 1)[0].lower()
    squashed = re.sub(r"[-_.]", "", local)
    if any(phrase in squashed for phrase in _ROBOT_PHRASES):
        return True
    return any(word in _ROBOT_WORDS for word in re.split(r"[-_.+]", local))


def addresses_in(values: Iterable[str | None]) -> set[str]:
    """Lower-cased addresses in header values (From, Reply-To, Sender ...)."""
    texts = [one_line(str(v), limit=4000) for v in values if v]
    return {addr.lower() for _, addr in getaddresses(texts) if addr}


def usable_recipient(candidate: str | None, *, excluded: set[str]) -> tuple[str | None, str]:
    """The address to reply to, or None and why not (for the log line)."""
    if not candidate:
        return None, "no address known"
    address = one_line(candidate, limit=320)
    if not _ADDRESS.fullmatch(address):
        return None, "known address is not a plain e-mail address"
    if address.lower() in excluded:
        return None, "known address is the notification's own sender or reply-to"
    if is_robot_address(address):
        return None, f"known address {address} is a robot address"
    return address, "known address"


class _HeaderClasses(HeaderRegistry):
    """The email package's header classes, each made once.

    ``HeaderRegistry`` makes a new class each time it is asked for a header's class, that
    is for every header set or read: a third of the cost of a draft. The classes it makes
    for one name are all alike, so one of each does.
    """

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


# the policies of the email package, with header classes made once
_WRITING = policy.SMTP.clone(header_factory=_HeaderClasses())
_READING = policy.default.clone(header_factory=_HeaderClasses())


@lru_cache(maxsize=16)
def _from_header(name: str, address: str) -> BaseHeader:
    """The From header of every draft of one identity, parsed once: ``EmailMessage`` takes
    a header object of the right name as it is, and parsing an address costs more than
    the rest of a draft's headers together."""
    try:
        header = _WRITING.header_factory(
            "From", Address(display_name=one_line(name), addr_spec=address)
        )
    except (ValueError, IndexError) as exc:
        raise ConfigError(f"identity.addresses: {address!r} is not an e-mail address") from exc
    assert isinstance(header, BaseHeader)
    return header


@dataclass(frozen=True)
class Reply:
    """Everything a draft consists of, already rendered and cleaned."""

    identity: Identity
    recipient: str | None
    recipient_name: str
    subject: str
    body: str
    language: str
    ids: RequestIds
    in_reply_to: str | None
    date: datetime
    # lines for the user above the message text (answer on the network instead); kept
    # apart from ``body`` until the draft is written, so they can be told from the text
    instructions: str = ""

    @property
    def text(self) -> str:
        """The draft's body as stored: instructions, a blank line, then the message."""
        if not self.instructions:
            return self.body
        return f"{self.instructions}\n\n{self.body}"


def compose(reply: Reply) -> bytes:
    """The draft as stored, serialised once and checked in that form."""
    if not reply.identity.addresses:
        raise ConfigError("identity.addresses is empty: drafts need a From address")
    message = EmailMessage(policy=_WRITING)
    message["From"] = _from_header(reply.identity.name, reply.identity.addresses[0].strip())
    if reply.recipient:
        message["To"] = Address(
            display_name=one_line(reply.recipient_name), addr_spec=reply.recipient
        )
    message["Subject"] = one_line(reply.subject, limit=250)
    message["Date"] = format_datetime(reply.date)
    message["Message-ID"] = reply.ids.message_id
    if reply.in_reply_to:
        message["In-Reply-To"] = reply.in_reply_to
        message["References"] = reply.in_reply_to
    message[REQUEST_HEADER] = reply.ids.request_id
    if reply.instructions:
        message[INSTRUCTIONS_HEADER] = fingerprints(reply.instructions)
    # quoted-printable keeps the text readable in the raw message and 7-bit clean for
    # servers without 8BITMIME
    message.set_content(reply.text, charset="utf-8", cte="quoted-printable")
    message["Content-Language"] = reply.language  # after set_content, which clears Content-*
    return check_header_lines(message)


def check_header_lines(message: EmailMessage) -> bytes:
    """The message serialised as it is stored, read back: the header names must be exactly
    the ones set."""
    raw = message.as_bytes()
    parsed = BytesHeaderParser(policy=_READING).parsebytes(raw)
    if [name.lower() for name in parsed] != [name.lower() for name in message]:
        raise IntrogateError(
            "refusing to store a draft whose headers came out different from what was set "
            f"({', '.join(parsed.keys())}): a value from the notification is hostile"
        )
    return raw
