"""Draft status follows what the user did in their own mail client.

A draft that left Drafts and shows up in Sent (same Message-ID, or the
``X-Introgate-Request`` header a client may keep when it re-creates the message) was
sent; one that left Drafts and is nowhere in Sent was deleted, so the request counts as
dismissed. Drafts is read once per pass, its Message-IDs only (the header field alone,
not each draft's whole header block: a pass with nothing new reads this before it knows
that); a draft whose Message-ID is not there is looked for by its request header, and
Sent is searched only for the drafts that left.
"""

from __future__ import annotations

import logging

from introgate.backends.base import FolderRole, MailboxBackend
from introgate.config import Settings
from introgate.drafts.compose import REQUEST_HEADER
from introgate.drafts.review import full_ids, short_id
from introgate.state import DraftRecord, DraftStatus, StateStore

log = logging.getLogger("introgate.drafts")


def sync_draft_status(
    settings: Settings, store: StateStore, backend: MailboxBackend, account: str
) -> dict[str, str]:
    """Update the ledger from the mailbox; returns ``{draft_id: new status}`` for changes."""
    del settings  # part of the call shape every per-pass step shares
    drafts_folder = backend.folder_for(FolderRole.DRAFTS)
    sent_folder = backend.folder_for(FolderRole.SENT)
    changes: dict[str, str] = {}
    open_drafts = [r for r in store.drafts.records(DraftStatus.DRAFTED) if r.account == account]
    if not open_drafts:
        return changes
    in_drafts = {" ".join(message_id.split()) for message_id in backend.message_ids(drafts_folder)}
    for record in open_drafts:
        if record.draft_id in in_drafts or _resaved(backend, drafts_folder, record):
            continue
        status = (
            DraftStatus.SENT if _present(backend, sent_folder, record) else DraftStatus.DISMISSED
        )
        _set(store, account, record, status, changes)
    return changes


def _resaved(backend: MailboxBackend, folder: str, record: DraftRecord) -> bool:
    """Whether a client saved the draft again under a Message-ID of its own (keeping the
    request header)."""
    return bool(backend.find_by_header(folder, REQUEST_HEADER, record.request_id))


def _present(backend: MailboxBackend, folder: str, record: DraftRecord) -> bool:
    return bool(
        backend.find_by_message_id(folder, record.draft_id)
        or backend.find_by_header(folder, REQUEST_HEADER, record.request_id)
    )


def _set(
    store: StateStore,
    account: str,
    record: DraftRecord,
    status: DraftStatus,
    changes: dict[str, str],
) -> None:
    store.drafts.set_status(record.draft_id, status)
    store.audit.record(
        account, None, f"draft_{status}", {"draft_id": record.draft_id, "via": "mail client"}
    )
    log.info("draft %s %s in the mail client", short_id(record), status, extra=full_ids(record))
    changes[record.draft_id] = status
