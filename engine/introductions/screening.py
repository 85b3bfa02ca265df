"""What the user does with one request: the review page's actions, over the CLI's code.

Every action goes through ``DraftReview`` (``drafts send``, ``drafts discard``, ``drafts
allow``) or ``overview.mark_sent`` (``requests mark-sent``), so the page and the command
line never decide differently. A request without a draft (a new request, one whose
question was sent) is moved in the ledger directly, with the same causes.
"""

from __future__ import annotations

from introgate.drafts.review import DraftReview, Question
from introgate.errors import IntrogateError
from introgate.introductions.draft_states import (
    IGNORED_BY_USER,
    KNOWN_TO_USER,
    MARKED_SENT,
    UNDOABLE,
    UNDONE,
)
from introgate.introductions.overview import mark_sent
from introgate.recognition.model import Requester
from introgate.state import DraftRecord, DraftStatus, RequestRecord
from introgate.state.requests import RequestState

_UNSENT = (DraftStatus.DRAFTED, DraftStatus.DISMISSED, DraftStatus.ALLOWED)


class Screening:
    """The actions on one account's requests; ``review`` holds its store and mailbox."""

    def __init__(self, review: DraftReview) -> None:
        self.review = review
        self.store = review.store

    def draft_of(self, request: RequestRecord) -> DraftRecord | None:
        if request.draft_id is not None:
            draft = self.store.drafts.get(request.draft_id)
            if draft is not None:
                return draft
        found = [
            d
            for d in self.store.drafts.find(_draft_prefix(request))
            if d.account == request.account
        ]
        return found[0] if found else None

    def question(self, request: RequestRecord) -> Question | None:
        """The drafted question as it is in Drafts now (None: no draft waiting)."""
        draft = self.draft_of(request)
        if draft is None or draft.status != DraftStatus.DRAFTED:
            return None
        return self.review.question(draft)

    def edit(self, request: RequestRecord, question: str) -> str:
        return self.review.edit(self._waiting_draft(request), question)

    def send(self, request: RequestRecord) -> str:
        return self.review.send(self._waiting_draft(request))

    def mark_sent(self, request: RequestRecord) -> str:
        """Asked on the network by hand ("Copy and open profile")."""
        return mark_sent(self.store, request)

    def know(self, request: RequestRecord) -> str:
        """ "I know this person": allowlist, label, the unsent draft to Trash, ``known``."""
        draft = self.draft_of(request)
        if draft is not None and draft.status != DraftStatus.ALLOWED:
            text = self.review.allow(draft)
        else:
            requester = Requester(name=request.requester, profile_url=request.profile_url)
            text = "\n".join(self.review.allow_person(requester, request.network, request))
        self.store.requests.move(request.request_id, RequestState.KNOWN, KNOWN_TO_USER)
        return text

    def ignore(self, request: RequestRecord) -> str:
        """Dismiss: the unsent draft to Trash, the request ``dismissed``."""
        draft = self.draft_of(request)
        if draft is not None and draft.status == DraftStatus.DRAFTED:
            text = self.review.discard(draft)
        else:
            text = f"request {request.request_id[:10]} of {request.requester} ignored"
        self.store.requests.move(request.request_id, RequestState.DISMISSED, IGNORED_BY_USER)
        return text

    def undo(self, request: RequestRecord) -> str:
        """Take back the request's last change when the user made it (know, ignore, sent).

        The mailbox and the allowlist first, the ledger last: a crash in between leaves
        the request where it was, and "Undo" again finishes.
        """
        changes = self.store.requests.history(request.request_id)
        last = changes[-1] if changes else None
        if last is None or last.cause not in UNDOABLE or last.to_state != request.state:
            raise IntrogateError(
                f"request {request.request_id[:10]} of {request.requester}: nothing to undo"
            )
        lines: list[str] = []
        draft = self.draft_of(request)
        if last.cause == KNOWN_TO_USER:
            from introgate.people import KnownPeople

            requester = Requester(name=request.requester, profile_url=request.profile_url)
            known = KnownPeople(self.review.settings, self.store, self.review.backend)
            if known.disallow(requester, request.network):
                lines.append(f"{request.requester} removed from the allowlist")
        undone_discard = last.cause in (KNOWN_TO_USER, IGNORED_BY_USER)
        if undone_discard and draft is not None and draft.status in _UNSENT:
            lines.append(self.review.restore(draft))
        back = self.store.requests.undo(request.request_id, UNDOABLE, UNDONE)
        if back is None:
            raise IntrogateError(
                f"request {request.request_id[:10]} of {request.requester}: nothing to undo"
            )
        what = "question no longer marked as sent" if last.cause == MARKED_SENT else "undone"
        lines.append(f"request {request.request_id[:10]} of {request.requester}: {what}")
        lines.append(f"it is {back.value} again")
        return "\n".join(lines)

    def _waiting_draft(self, request: RequestRecord) -> DraftRecord:
        draft = self.draft_of(request)
        if draft is None:
            raise IntrogateError(
                f"request {request.request_id[:10]} of {request.requester} has no drafted question"
            )
        return draft


def _draft_prefix(request: RequestRecord) -> str:
    """Drafts are named after their request (``<introgate.REQUEST@...>``)."""
    return f"<introgate.{request.request_id}@"
