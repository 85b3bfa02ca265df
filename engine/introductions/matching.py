"""Which open request a message belongs to, and why: a pure function, no IO.

Order of evidence, strongest first:

1. an e-mail reply to the drafted question (its Message-ID in In-Reply-To/References);
2. the same network and the same profile or handle;
3. an e-mail from the requester's known address;
4. the same folded full name on the same network, when exactly one open request has it
   and neither side names a different profile.

Never on a first name alone, never across networks by name, never between two people of
the same name on different profiles: a wrong match would restore a stranger's request.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from introgate.state.requests import RequestRecord

_Key = TypeVar("_Key")


class MatchReason(StrEnum):
    """Why a message was matched to a request; shown by ``explain`` and kept in the history."""

    REPLY = "reply to the question"
    PROFILE = "same profile"
    ADDRESS = "from the requester's address"
    NAME = "same full name on the same network"


@dataclass(frozen=True)
class Sender:
    """Who wrote the message, as far as it tells.

    ``profile_key`` in ``people.profile_key``/``handle_key`` form, ``folded_name`` in
    ``people.fold_name`` form; ``references`` the Message-IDs it answers.
    """

    network: str | None = None
    profile_key: str | None = None
    folded_name: str = ""
    address: str | None = None
    references: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    """The person's open requests (oldest first; a reminder makes two) and the reason."""

    requests: tuple[RequestRecord, ...]
    reason: MatchReason

    @property
    def request(self) -> RequestRecord:
        return self.requests[0]

    def describe(self) -> str:
        return f"request {self.request.request_id[:10]} of {self.request.requester} ({self.reason})"


def full_name(folded: str) -> bool:
    """A name that may identify someone: at least two words ("anna schmidt", not "anna")."""
    return len(folded.split()) >= 2


class OpenRequests:
    """Open requests indexed for matching; built once per pass, asked once per message."""

    def __init__(self, requests: Iterable[RequestRecord]) -> None:
        self._by_draft: dict[str, RequestRecord] = {}
        self._by_profile: dict[tuple[str, str], list[RequestRecord]] = defaultdict(list)
        self._by_address: dict[str, list[RequestRecord]] = defaultdict(list)
        self._by_name: dict[tuple[str, str], list[RequestRecord]] = defaultdict(list)
        for request in requests:
            self.add(request)

    def add(self, request: RequestRecord) -> None:
        """A request recorded during the pass: later messages of the pass may introduce it.

        Kept up to date in place, because rebuilding the index from the ledger for every
        new request made a first pass over a mailbox with many requests quadratic.
        """
        if request.draft_id:
            self._by_draft[_message_id(request.draft_id)] = request
        if request.profile_key:
            self._by_profile[(request.network, request.profile_key)].append(request)
        if request.address:
            self._by_address[request.address.lower()].append(request)
        if full_name(request.folded_name):
            self._by_name[(request.network, request.folded_name)].append(request)

    def remove(self, request_ids: Iterable[str]) -> None:
        """Requests that are no longer open (introduced by a message of this pass)."""
        gone = set(request_ids)
        for key, request in list(self._by_draft.items()):
            if request.request_id in gone:
                del self._by_draft[key]
        _drop(self._by_profile, gone)
        _drop(self._by_address, gone)
        _drop(self._by_name, gone)

    def match(self, sender: Sender) -> Match | None:
        """The one request this sender's message introduces them for, or None."""
        for reference in sender.references:
            request = self._by_draft.get(_message_id(reference))
            if request is not None:
                return Match((request,), MatchReason.REPLY)
        network = (sender.network or "").lower()
        if network and sender.profile_key:
            found = _one(self._by_profile.get((network, sender.profile_key), []))
            if found is not None:
                return Match(found, MatchReason.PROFILE)
        if sender.address and not network:
            found = _one(self._by_address.get(sender.address.lower(), []))
            if found is not None:
                return Match(found, MatchReason.ADDRESS)
        if network and full_name(sender.folded_name):
            namesakes = self._by_name.get((network, sender.folded_name), [])
            if sender.profile_key:
                # a profile on both sides that differs is another person of the same name
                namesakes = [r for r in namesakes if r.profile_key is None]
            found = _one(namesakes)
            if found is not None:
                return Match(found, MatchReason.NAME)
        return None


def _drop(index: dict[_Key, list[RequestRecord]], request_ids: set[str]) -> None:
    for key, found in list(index.items()):
        kept = [request for request in found if request.request_id not in request_ids]
        if kept:
            index[key] = kept
        else:
            del index[key]


def _one(candidates: list[RequestRecord]) -> tuple[RequestRecord, ...] | None:
    """The person's requests, when the evidence names one person; None when it names several.

    Several open requests from the same person (a reminder, a second request) are one
    person: all of them are introduced by the message.
    """
    people = {(r.network, r.profile_key or r.folded_name) for r in candidates}
    if len(people) != 1:
        return None
    return tuple(sorted(candidates, key=lambda r: (r.requested_at, r.request_id)))


def _message_id(value: str) -> str:
    return value.strip().strip("<>").lower()
