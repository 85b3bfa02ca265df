"""What the rules know about a message's place in a request's life (``request_state`` ...)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from introgate.introductions.matching import Match
from introgate.state.requests import RequestRecord, RequestState


@dataclass(frozen=True)
class RequestFacts:
    """For a request notification: its record. For a message or mail: the request it answers.

    ``answered`` is what the rules call ``answered``: the request was introduced (for the
    request's own notification), or this message introduces someone's open request.
    """

    record: RequestRecord | None = None
    match: Match | None = None

    @property
    def state(self) -> RequestState | None:
        if self.match is not None:
            return RequestState.INTRODUCED
        return self.record.state if self.record else None

    @property
    def answered(self) -> bool:
        return self.match is not None or self.state == RequestState.INTRODUCED

    @property
    def asked_at(self) -> datetime | None:
        record = self.match.request if self.match else self.record
        if record is None or record.asked_at is None:
            return None
        return datetime.fromisoformat(record.asked_at)
