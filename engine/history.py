"""What introgate did with one message, from the state file: for `explain --uid`.

A message is found in the state by the key it had when a pass handled it, and by its
identity (Message-ID or content fingerprint), because a pass that archived it gave it
another key. The answer names the pass (so it can be undone), the actions it took, the
request recorded for it with its draft, and whether an undo took the changes back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from introgate.mail import MessageRef
from introgate.state import StateStore
from introgate.state.messages import ProcessedRecord


@dataclass
class MessageHistory:
    handled: list[ProcessedRecord] = field(default_factory=list)
    # (pass id, when, action, summary, undone at) of every change made to it
    changes: list[tuple[int | None, str, str, str, str | None]] = field(default_factory=list)
    # (request id, requester, network, state, draft id, draft status)
    requests: list[tuple[str, str, str, str, str | None, str | None]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "handled": [
                {
                    "message_key": r.message_key,
                    "status": r.status.value,
                    "pass_id": r.pass_id,
                    "at": r.processed_at,
                    "rules": r.decision,
                    "actions": [a.get("summary") for a in r.actions],
                    "error": r.error,
                }
                for r in self.handled
            ],
            "changes": [
                {"pass_id": p, "at": at, "action": a, "summary": s, "undone_at": u}
                for p, at, a, s, u in self.changes
            ],
            "requests": [
                {
                    "request": request_id,
                    "requester": requester,
                    "network": network,
                    "state": state,
                    "draft": draft_id,
                    "draft_status": draft_status,
                }
                for request_id, requester, network, state, draft_id, draft_status in self.requests
            ],
        }


def message_history(
    store: StateStore, account: str, ref: MessageRef | None, identity: str | None
) -> MessageHistory:
    """Everything the state file knows about the message at ``ref`` / with ``identity``."""
    history = MessageHistory()
    found: dict[str, ProcessedRecord] = {}
    if ref is not None:
        record = store.messages.get(account, ref)
        if record is not None:
            found[record.message_key] = record
    if identity:
        for record in store.messages.with_message_id(account, identity):
            found.setdefault(record.message_key, record)
    history.handled = sorted(found.values(), key=lambda r: r.processed_at)
    keys = list(found)
    entries = store.audit.of_message(account, keys)
    undone: dict[int, str] = {}
    for pass_id in {e.pass_id for e in entries if e.pass_id is not None}:
        for undo in store.audit.about(pass_id, "undo"):
            undone[int(undo.detail.get("entry", 0))] = undo.at
    for entry in entries:
        if entry.action == "undo" or "summary" not in entry.detail:
            continue  # the undo's own entries, and the drafts part's detail entries
        summary = str(entry.detail.get("summary") or entry.action)
        history.changes.append(
            (entry.pass_id, entry.at, entry.action, summary, undone.get(entry.entry_id))
        )
    if identity:
        for request in store.requests.records():
            if request.account != account or request.notification_message_id != identity:
                continue
            draft = store.drafts.get(request.draft_id) if request.draft_id else None
            history.requests.append(
                (
                    request.request_id,
                    request.requester,
                    request.network,
                    request.state.value,
                    request.draft_id,
                    draft.status.value if draft else None,
                )
            )
    return history
