"""What a mailbox backend hands out: a reference to a message and its bytes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

SEEN = "\\Seen"
FLAGGED = "\\Flagged"
DRAFT = "\\Draft"
ANSWERED = "\\Answered"
# the keyword a message keeps once introgate acted on it: a lost or restored state file
# never re-archives or re-drafts what the user dealt with since (the user's own labels,
# introgate's included, are theirs to remove)
HANDLED = "$IntrogateHandled"


def header_block(data: bytes) -> bytes:
    """A message's header section, through the first blank line (CRLF or LF, whichever is first)."""
    ends = [at + len(sep) for sep in (b"\r\n\r\n", b"\n\n") if (at := data.find(sep)) != -1]
    return data[: min(ends)] if ends else data


@dataclass(frozen=True, order=True)
class MessageRef:
    """Where one message is: a folder and the backend's stable key for it there.

    Maildir: the file's unique name (before ``:2,``). IMAP: ``"<uidvalidity>:<uid>"``.
    """

    folder: str
    key: str

    @property
    def state_key(self) -> str:
        return f"{self.folder}/{self.key}"


@dataclass(frozen=True)
class MailItem:
    """One fetched message; ``raw`` holds only the header block unless ``has_body``."""

    ref: MessageRef
    raw: bytes
    has_body: bool
    flags: frozenset[str] = field(default_factory=frozenset)
    internal_date: datetime | None = None
    size: int = 0
