"""A request's state follows what became of its drafted question.

One mapping for the pass (which follows drafts the user handled in their mail client) and
for the review operations (``drafts discard``, the review page ...), which move the
request at once so ``introgate requests`` and the page show the change without a pass.
"""

from __future__ import annotations

from introgate.state import DraftRecord, DraftStatus, RequestRecord, StateStore
from introgate.state.requests import RequestState

# what a request's state becomes when its draft's status changes
FROM_DRAFT = {
    DraftStatus.DRAFTED: RequestState.ASKED,
    DraftStatus.SENDING: RequestState.ASKED,
    DraftStatus.SENT: RequestState.QUESTION_SENT,
    DraftStatus.ALLOWED: RequestState.KNOWN,
    DraftStatus.DISMISSED: RequestState.DISMISSED,
}


def in_step(state: RequestState, draft_id: str | None, status: DraftStatus) -> bool:
    """Whether ``follow_draft`` leaves a request alone: its draft attached, and the state
    its draft's status calls for already reached (or none called for)."""
    return draft_id is not None and FROM_DRAFT.get(status) in (None, state)


def follow_draft(
    store: StateStore, record: RequestRecord, draft: DraftRecord, cause: str | None = None
) -> None:
    """Move ``record`` to the state its draft's status calls for (if the ledger allows)."""
    if record.draft_id is None:
        store.requests.attach_draft(
            record.request_id, draft.draft_id, draft.created_at, draft.recipient
        )
    target = FROM_DRAFT.get(draft.status)
    if target is None or target == record.state:
        return
    if target == RequestState.QUESTION_SENT and record.state == RequestState.NEW:
        store.requests.move(record.request_id, RequestState.ASKED, "question drafted")
    store.requests.move(record.request_id, target, cause or f"draft {draft.status.value}")


# causes of the changes the user makes from the command line or the review page; the last
# one of these on a request is what "Undo" takes back
IGNORED_BY_USER = "ignored by the user"
KNOWN_TO_USER = "known to the user"
MARKED_SENT = "marked as sent by the user"
SENT_BY_MAIL = "question sent by e-mail"
UNDONE = "undone by the user"
UNDOABLE = frozenset({IGNORED_BY_USER, KNOWN_TO_USER, MARKED_SENT})
