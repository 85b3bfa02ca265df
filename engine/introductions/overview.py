"""The user's overview of requests: rows for ``introgate requests`` (and any other view).

Kept apart from the CLI so another front end (a review page) shows the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from introgate.errors import IntrogateError
from introgate.introductions.draft_states import MARKED_SENT
from introgate.state import RequestChange, RequestRecord, RequestState, StateStore


class RequestNotFound(IntrogateError):
    """No request, or several, with the id the user typed."""


@dataclass(frozen=True)
class RequestRow:
    """One line of the overview."""

    record: RequestRecord
    age_days: int

    @property
    def short_id(self) -> str:
        return self.record.request_id[:10]

    @property
    def preview(self) -> str:
        """The introduction when there is one, else the note of the request."""
        return self.record.introduction or self.record.note or ""

    def as_json(self) -> dict[str, Any]:
        record = self.record
        return {
            "id": record.request_id,
            "account": record.account,
            "person": record.requester,
            "network": record.network,
            "profile_url": record.profile_url,
            "requested_at": record.requested_at,
            "asked_at": record.asked_at,
            "state": record.state.value,
            "age_days": self.age_days,
            "note": record.note,
            "introduction": record.introduction,
            "introduced_by": record.introduced_by,
            "draft_id": record.draft_id,
            "source_folder": record.source_folder,
        }


def overview(
    store: StateStore,
    *,
    account: str | None = None,
    states: frozenset[RequestState] | None = None,
    network: str | None = None,
    since: datetime | None = None,
    now: datetime | None = None,
) -> list[RequestRow]:
    """Requests oldest first, filtered as the user asked."""
    moment = now or datetime.now(UTC)
    stamp = since.astimezone(UTC).isoformat(timespec="seconds") if since else None
    records = store.requests.records(states, network, stamp)
    return [
        RequestRow(r, max(0, (moment - datetime.fromisoformat(r.requested_at)).days))
        for r in records
        if account is None or r.account == account
    ]


def find_request(store: StateStore, typed: str) -> RequestRecord:
    """The one request whose id starts with what the user typed."""
    cleaned = typed.strip().lower()
    found = store.requests.find(cleaned) if cleaned else []
    if not found:
        raise RequestNotFound(f"no request with id {typed!r} (see 'introgate requests')")
    if len(found) > 1:
        raise RequestNotFound(f"{typed!r} names {len(found)} requests: type more of the id")
    return found[0]


def history(store: StateStore, record: RequestRecord) -> list[RequestChange]:
    return store.requests.history(record.request_id)


def mark_sent(store: StateStore, record: RequestRecord, *, at: datetime | None = None) -> str:
    """The user asked on the network by hand: the request waits for an answer from now."""
    stamp = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    if store.requests.move(record.request_id, RequestState.QUESTION_SENT, MARKED_SENT, at=stamp):
        if record.asked_at is None:
            store.requests.attach_draft(record.request_id, record.draft_id, stamp)
        return f"request {record.request_id[:10]} of {record.requester}: question sent"
    return (
        f"request {record.request_id[:10]} of {record.requester} is {record.state.value}: "
        "not changed"
    )
