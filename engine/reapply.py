"""Running the current rules again over requests already handled (`introgate reapply`).

Each request of the window is found where its mail is now (Archive, or the folder it
came from), recognised and decided by the one decision path (``introgate.decide``) and
acted on by the same apply-and-audit as a pass, under a pass id of its own, so
`introgate undo --pass` takes it back. Nobody is drafted twice: a request's draft is
found by its id in the ledger and in Drafts, and ``once_per_person_days`` holds as in a
pass; moves to where the message already is and labels it has change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from introgate.backends.base import FolderRole, MailboxBackend
from introgate.config import Account
from introgate.decide import decide, recognise
from introgate.drafts import Drafter
from introgate.facts import facts_from_headers
from introgate.introductions.facts import RequestFacts
from introgate.people import KnownPeople
from introgate.pipeline import Engine
from introgate.recognition import RequestNotification
from introgate.rules import ActionContext, ActionOutcome
from introgate.rules.actions.base import apply_and_audit
from introgate.state import StateStore


@dataclass
class Reapplied:
    """One request's mail and what the current rules did (or would do) with it."""

    requester: str
    network: str
    outcomes: list[ActionOutcome] = field(default_factory=list)
    missing: bool = False  # its mail is in none of the folders looked in


def reapply(
    engine: Engine,
    account: Account,
    backend: MailboxBackend,
    store: StateStore,
    since: datetime,
    *,
    dry_run: bool,
    pass_id: int | None,
) -> list[Reapplied]:
    settings = engine.settings
    rules = engine.rules[account.name]()
    known = KnownPeople(settings, store, backend, remember=not dry_run)
    drafter = Drafter(settings, store, backend, account.name, known)
    archive = backend.folder_for(FolderRole.ARCHIVE)
    stamp = since.isoformat(timespec="seconds")
    done: set[str] = set()  # a digest's mail once, for all its requests
    results: list[Reapplied] = []

    def is_known(request: RequestNotification) -> bool:
        return known.is_known(request.requester)

    for record in store.requests.records(since=stamp):
        message_id = record.notification_message_id
        if record.account != account.name or not message_id or message_id in done:
            continue
        done.add(message_id)
        result = Reapplied(record.requester, record.network)
        results.append(result)
        folders = dict.fromkeys([archive, record.source_folder])
        item = None
        for folder in folders:
            if folder:
                refs = backend.find_by_message_id(folder, message_id)
                items = backend.fetch_full(refs[-1:])
                if items:
                    item = items[0]
                    break
        if item is None:
            result.missing = True
            continue
        facts = facts_from_headers(item.ref, item.raw)
        recognition = recognise(
            facts, item.raw, item.size, engine.recogniser, settings.recognition.max_message_bytes
        )
        facts.lifecycle = RequestFacts(record=record)
        decided = decide(facts, recognition, rules, is_known)
        for step in decided.plan:
            context = ActionContext(
                account=account.name,
                settings=settings,
                backend=backend,
                store=store,
                drafter=drafter,
                facts=step.facts,
                dry_run=dry_run,
                pass_id=pass_id,
            )
            result.outcomes.append(apply_and_audit(step.action, context))
    return results
