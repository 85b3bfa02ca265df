"""What recognition could not make sense of, and when each network last sent a request.

A network that changes its mails does not say so: its new mails simply stop being
recognised. So every mail from a network's domains that no signal of its file describes
is kept here with what a user needs to find it again, and every recognised request leaves
its day, so a steady stream that stops shows up too (see ``introgate.drift``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True)
class NotUnderstood:
    """One mail from a network's domains that is no request, message or known non-request."""

    account: str
    network: str
    message_key: str  # folder and UID, or the Maildir file: where the user finds it
    subject: str
    mail_date: datetime | None
    seen_at: datetime


class RecognitionLog(Protocol):
    def record_not_understood(
        self,
        account: str,
        network: str,
        message_key: str,
        subject: str,
        mail_date: datetime | None,
    ) -> None:
        """Once per message: a pass that redoes a message after a crash adds nothing."""
        ...

    def record_request(self, account: str, network: str, message_key: str, day: date) -> None:
        """A recognised request of ``network`` dated ``day``; once per message."""
        ...

    def not_understood_counts(self, since: datetime) -> dict[str, int]:
        """Per network, how many of its mails dated ``since`` or later (by the mail's
        date, else when seen) were not understood."""
        ...

    def newest_not_understood(
        self, network: str, limit: int, since: datetime
    ) -> list[NotUnderstood]:
        """The newest of them, newest first."""
        ...

    def request_days(self) -> dict[str, list[date]]:
        """Per network, the day of each recognised request, oldest first."""
        ...
