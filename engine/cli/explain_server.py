"""``introgate explain --account NAME --uid N`` / ``--message-id ID``: mail on the server.

The message is read from the mailbox (never marked read) and explained exactly as a file
is, and the state file adds what introgate did with it then: the pass (its id, for
`introgate undo`), the actions, the request and its draft.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import typer

from introgate.backends import open_backend
from introgate.backends.base import FolderRole, MailboxBackend
from introgate.cli.terminal import fit
from introgate.config import Account, Settings
from introgate.errors import IntrogateError
from introgate.explain import explain_message, offline_known_people, open_requests_of
from introgate.facts import facts_from_headers
from introgate.history import MessageHistory, message_history
from introgate.mail import MailItem, header_block
from introgate.recognition import Recogniser
from introgate.rules import load_rules
from introgate.state import SqliteStore


def explain_on_server(
    settings: Settings,
    account: Account,
    *,
    uid: int | None,
    message_id: str | None,
    folder: str | None,
    as_json: bool,
    readable: Callable[[dict[str, Any]], str],
) -> None:
    """Find the message, explain it, add its history; ``readable`` renders an explanation."""
    backend = open_backend(account)
    backend.connect()
    try:
        item, where = _find(backend, account, uid, message_id, folder)
    finally:
        backend.close()
    recogniser = Recogniser.load(settings)
    rules = load_rules(settings, account, networks=recogniser.registry)
    result = explain_message(
        where,
        item.raw,
        settings=settings,
        recogniser=recogniser,
        rules=rules,
        known=offline_known_people(settings),
        open_requests=open_requests_of(settings, account.name),
    )
    identity = facts_from_headers(item.ref, header_block(item.raw)).identity
    history = MessageHistory()
    if settings.state.path.exists():
        with SqliteStore(settings.state.path) as store:
            history = message_history(store, account.name, item.ref, identity)
    result["introgate_did"] = history.as_json()
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    typer.echo(readable(result))
    for line in history_lines(history):
        typer.echo(fit(line))


def _find(
    backend: MailboxBackend,
    account: Account,
    uid: int | None,
    message_id: str | None,
    folder: str | None,
) -> tuple[MailItem, str]:
    if uid is not None:
        where = folder or "INBOX"
        ref = backend.ref_for_uid(where, uid)
        items = backend.fetch_full([ref]) if ref is not None else []
        if not items:
            raise IntrogateError(f"account '{account.name}': no message with UID {uid} in {where}")
        return items[0], f"{account.name}: {where} UID {uid}"
    assert message_id is not None
    folders = (
        [folder] if folder else [*account.folders.watch, backend.folder_for(FolderRole.ARCHIVE)]
    )
    for candidate in dict.fromkeys(folders):
        refs = backend.find_by_message_id(candidate, message_id)
        items = backend.fetch_full(refs[:1])
        if items:
            return items[0], f"{account.name}: {candidate} {items[0].ref.key}"
    raise IntrogateError(
        f"account '{account.name}': no message with Message-ID {message_id} in "
        f"{', '.join(dict.fromkeys(folders))} (--folder names another folder)"
    )


def history_lines(history: MessageHistory) -> list[str]:
    """What introgate did with it then, one line per pass, change and request."""
    if not history.handled and not history.changes and not history.requests:
        return ["what introgate did: nothing recorded (not handled yet)"]
    lines = ["what introgate did:"]
    for record in history.handled:
        actions = ", ".join(str(a.get("summary")) for a in record.actions) or "left alone"
        which = f"pass #{record.pass_id}" if record.pass_id else "a pass"
        lines.append(
            f"  {which}, {record.processed_at}: {record.status.value}: {actions}"
            + (f" ({record.error})" if record.error else "")
        )
    for pass_id, _at, _action, summary, undone_at in history.changes:
        if undone_at:
            which = f"pass #{pass_id}" if pass_id else "a pass"
            lines.append(f"  {summary} of {which}: undone {undone_at}")
    for request_id, requester, network, state, draft_id, draft_status in history.requests:
        draft = f"; its draft: {draft_status}" if draft_id and draft_status else "; no draft"
        lines.append(
            f"  request {request_id[:10]} of {requester} ({network}): {state.replace('_', ' ')}"
            + draft
        )
    return lines
