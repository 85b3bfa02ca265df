"""Contact requests followed from "asked" to "introduced": one record per person per request.

A request's state only moves forward (see ``NEXT``); every change is kept in its history
with the time and the cause, so ``introgate requests show`` can tell what happened when.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class RequestState(StrEnum):
    """Where a request stands; the values are what the state file stores."""

    NEW = "new"  # recognised, nothing asked yet
    ASKED = "asked"  # a draft asking "where do we know each other from?" exists
    QUESTION_SENT = "question_sent"  # the user sent the question
    INTRODUCED = "introduced"  # the person wrote (a message, a reply)
    NO_ANSWER = "no_answer"  # nothing arrived within ``[requests] expire_after``
    KNOWN = "known"  # allowed by the user or found in contacts
    DISMISSED = "dismissed"


# The states a request may move to from each state. Nothing goes back by itself; a late
# message after "no answer" still counts as an introduction.
NEXT: dict[RequestState, frozenset[RequestState]] = {
    RequestState.NEW: frozenset(RequestState) - {RequestState.NEW},
    RequestState.ASKED: frozenset(RequestState) - {RequestState.NEW, RequestState.ASKED},
    RequestState.QUESTION_SENT: frozenset(
        {
            RequestState.INTRODUCED,
            RequestState.NO_ANSWER,
            RequestState.KNOWN,
            RequestState.DISMISSED,
        }
    ),
    RequestState.NO_ANSWER: frozenset(
        {RequestState.INTRODUCED, RequestState.KNOWN, RequestState.DISMISSED}
    ),
    RequestState.INTRODUCED: frozenset(),
    RequestState.KNOWN: frozenset(),
    RequestState.DISMISSED: frozenset(),
}

# a message from the person is looked for while a request is in one of these
OPEN_STATES = frozenset(
    {RequestState.NEW, RequestState.ASKED, RequestState.QUESTION_SENT, RequestState.NO_ANSWER}
)
# these expire into "no answer"
WAITING_STATES = frozenset({RequestState.NEW, RequestState.ASKED, RequestState.QUESTION_SENT})


@dataclass(frozen=True)
class RequestRecord:
    """One person's request on one network, and what is known to match them by.

    ``profile_key`` is the network profile or handle in ``people.profile_key`` /
    ``handle_key`` form; ``folded_name`` the name in ``people.fold_name`` form.
    """

    request_id: str
    account: str
    network: str
    requester: str
    folded_name: str
    profile_key: str | None
    profile_url: str | None
    address: str | None  # the requester's known e-mail address, when there is one
    note: str | None
    source_folder: str | None  # where the notification was found (restore moves it back)
    source_key: str | None
    notification_message_id: str | None
    draft_id: str | None  # the draft's Message-ID; a reply refers to it
    state: RequestState
    requested_at: str  # the notification's date, else when it was first seen
    asked_at: str | None
    introduced_by: str | None  # the Message-ID (or key) of the message that introduced them
    introduction: str | None  # its preview text
    created_at: str
    updated_at: str
    # the last state the rules acted on (restore, labels ...); behind ``state`` until they
    # have, so a pass that stopped half-way finishes the job
    acted_state: RequestState | None = None
    # how many contacts the requester shares with the user, as the notification said
    mutual_connections: int | None = None


@dataclass(frozen=True)
class RequestChange:
    """One line of a request's history."""

    request_id: str
    at: str
    from_state: RequestState | None  # None: the record was created
    to_state: RequestState
    cause: str
    detail: str | None


class RequestLedger(Protocol):
    """The requests introgate follows, found by id, by state, network and date."""

    def add(self, record: RequestRecord, cause: str) -> bool:
        """Record a new request; one recorded under its id is kept. True when added."""
        ...

    def get(self, request_id: str) -> RequestRecord | None: ...

    def find(self, prefix: str) -> list[RequestRecord]:
        """Requests whose id starts with ``prefix`` (users type short ids)."""
        ...

    def records(
        self,
        states: frozenset[RequestState] | None = None,
        network: str | None = None,
        since: str | None = None,
    ) -> list[RequestRecord]:
        """Requests in ``states`` on ``network`` requested at or after ``since``, oldest first."""
        ...

    def states(
        self, account: str, states: frozenset[RequestState]
    ) -> dict[str, tuple[RequestState, str | None]]:
        """The account's requests in ``states``, oldest first: request id -> (state, the
        id of the draft attached to it). A narrow read: no whole records are built."""
        ...

    def move(
        self,
        request_id: str,
        to: RequestState,
        cause: str,
        detail: str | None = None,
        *,
        at: str | None = None,
        introduced_by: str | None = None,
        introduction: str | None = None,
    ) -> bool:
        """Change the state when ``NEXT`` allows it, with a history line, in one transaction.

        False (and nothing written) when the request is unknown or the change is not allowed
        (already there, or a state it never leaves), so a rerun after a crash is harmless.
        """
        ...

    def attach_draft(
        self, request_id: str, draft_id: str | None, asked_at: str, address: str | None = None
    ) -> None:
        """Remember when the question was asked, its draft (a reply refers to its
        Message-ID) and the address it went to; values already known are kept."""
        ...

    def unsettled(self, account: str) -> list[RequestRecord]:
        """Requests whose state the rules have still to act on (introduced, no answer)."""
        ...

    def mark_acted(self, request_id: str, state: RequestState) -> None:
        """The rules have acted on the request in ``state``."""
        ...

    def history(self, request_id: str) -> list[RequestChange]:
        """Every change of the request, oldest first."""
        ...

    def last_causes(self) -> dict[str, str]:
        """The cause of each request's newest change, by request id (one read for a page)."""
        ...

    def changes(self) -> int:
        """A number that grows with every request recorded or moved (pages poll it)."""
        ...

    def undo(self, request_id: str, causes: frozenset[str], cause: str) -> RequestState | None:
        """Take back the request's last change when its cause is one of ``causes``.

        The one way back against ``NEXT``: only a change the user made (and takes back
        with "Undo") returns, with a history line of its own. Returns the state the
        request is in again, None (nothing written) when the last change was not one of
        those.
        """
        ...
