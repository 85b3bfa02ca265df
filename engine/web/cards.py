"""The review page's content: one card per request, grouped by where the request stands.

Built from the state file alone (no mailbox access), so the page with a thousand requests
renders in milliseconds; the drafted question of a card is read from Drafts when the card
comes into view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from introgate.drafts.review import local_time
from introgate.introductions.draft_states import UNDOABLE
from introgate.introductions.overview import RequestRow, overview
from introgate.state import RequestState, StateStore
from introgate.state.requests import OPEN_STATES

# the groups in the order the page shows them: what needs the user first
GROUPS: tuple[tuple[str, str], ...] = (
    ("new", "New, unexplained"),
    ("asked", "Questions not yet sent"),
    ("waiting", "Waiting for an answer"),
    ("introduced", "Introduced later"),
    ("noted", "Introduced with a note"),
    ("known", "Known"),
    ("no_answer", "No answer"),
    ("dismissed", "Ignored"),
)
_GROUP_OF_STATE = {
    RequestState.ASKED: "asked",
    RequestState.QUESTION_SENT: "waiting",
    RequestState.INTRODUCED: "introduced",
    RequestState.KNOWN: "known",
    RequestState.NO_ANSWER: "no_answer",
    RequestState.DISMISSED: "dismissed",
}
ACTION_LABELS = {
    "copy": "Copy and open profile",
    "send": "Send by e-mail",
    "know": "I know this person",
    "ignore": "Ignore",
    "undo": "Undo",
}


@dataclass(frozen=True)
class Card:
    """What one card shows; every text is shown as text (the template escapes it)."""

    request_id: str
    state: str
    network: str
    name: str
    profile_url: str | None  # only http(s): a "javascript:" profile is no link
    mutual: int | None
    date: str
    text: str  # the note, or the later introduction
    text_kind: str  # "note", "introduction" or ""
    has_question: bool  # a drafted question waits in Drafts
    actions: tuple[str, ...]


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    cards: list[Card]


def group_of(row: RequestRow) -> str:
    record = row.record
    if record.state == RequestState.NEW:
        return "noted" if record.note else "new"
    return _GROUP_OF_STATE[record.state]


def card(row: RequestRow, label: Callable[[str], str], last_cause: str | None) -> Card:
    record = row.record
    waiting = record.state == RequestState.ASKED and record.draft_id is not None
    profile = record.profile_url if _web_link(record.profile_url) else None
    actions: list[str] = []
    if waiting and profile:
        actions.append("copy")
    if waiting and record.address:
        actions.append("send")
    if record.state in OPEN_STATES:
        actions += ["know", "ignore"]
    if last_cause in UNDOABLE:
        actions.append("undo")
    if record.introduction:
        text, kind = record.introduction, "introduction"
    elif record.note:
        text, kind = record.note, "note"
    else:
        text, kind = "", ""
    return Card(
        request_id=record.request_id,
        state=record.state.value,
        network=label(record.network),
        name=record.requester,
        profile_url=profile,
        mutual=record.mutual_connections,
        date=local_time(record.requested_at),
        text=text,
        text_kind=kind,
        has_question=waiting,
        actions=tuple(actions),
    )


def screen(store: StateStore, label: Callable[[str], str]) -> list[Group]:
    """Every request as a card, newest first within its group."""
    causes = store.requests.last_causes()
    by_group: dict[str, list[Card]] = {key: [] for key, _ in GROUPS}
    for row in reversed(overview(store)):
        by_group[group_of(row)].append(card(row, label, causes.get(row.record.request_id)))
    return [Group(key, title, by_group[key]) for key, title in GROUPS]


def _web_link(url: str | None) -> bool:
    return bool(url) and str(url).lower().startswith(("https://", "http://"))
