"""The pass's introductions step: follow each request from "asked" to "introduced".

Per message, before the rules decide: a request notification gets its record (state
``new``); a message notification or an e-mail that introduces someone moves their open
request to ``introduced`` and tells the rules (``answered``, ``request_state``). At the end
of the pass: states follow the drafts ledger (asked, question sent, ...), requests past
``[requests] expire_after`` become ``no_answer``, and the rules run once on the request
mail of every request whose state changed (label, restore, withdraw the draft ...).

Crash safety: a state change is written before anything acts on it, and each request
remembers the last state the rules acted on. Rules act until that mark is written, with
idempotent actions (a restore finds the request already back, a withdrawn draft is found
in Trash), so a pass killed anywhere never restores or withdraws twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from introgate.acting import Planned, act_together
from introgate.backends.base import FolderRole, MailboxBackend
from introgate.config import Settings
from introgate.decide import MessageDecision, decide
from introgate.drafts import Drafter
from introgate.drafts.compose import request_ids
from introgate.facts import MessageFacts, facts_from_headers
from introgate.introductions.draft_states import follow_draft, in_step
from introgate.introductions.facts import RequestFacts
from introgate.introductions.matching import Match, MatchReason, OpenRequests, Sender
from introgate.introductions.records import introduction_sender, request_record
from introgate.mail import MessageRef
from introgate.people import KnownPeople, person_keys
from introgate.recognition import Recogniser, Recognition, Requester, RequestNotification
from introgate.rules import Action, ActionContext, ActionOutcome, RuleSet
from introgate.rules.actions.base import apply_and_audit
from introgate.state import StateStore
from introgate.state.requests import OPEN_STATES, WAITING_STATES, RequestRecord, RequestState

log = logging.getLogger("introgate.introductions")

# the rules act on the request mail when a request reaches one of these
_ACTED_ON = frozenset({RequestState.INTRODUCED, RequestState.NO_ANSWER})


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class FollowUp:
    """What the rules did to one request's mail after its state changed."""

    request: RequestRecord
    outcomes: list[ActionOutcome] = field(default_factory=list)
    error: str | None = None


@dataclass
class Introductions:
    """One account's introductions step for one pass; ``clock`` is injected by tests."""

    settings: Settings
    account: str
    backend: MailboxBackend
    store: StateStore
    recogniser: Recogniser
    rules: RuleSet
    drafter: Drafter
    known: KnownPeople | None
    dry_run: bool = False
    clock: Callable[[], datetime] = utc_now
    pass_id: int | None = None
    _index: OpenRequests | None = None
    _introduced_by: dict[str, list[RequestRecord]] | None = None
    # requests a dry run would have recorded (it writes nothing)
    _would_add: dict[str, RequestRecord] = field(default_factory=dict)

    # -- per message ------------------------------------------------------------------

    def before_decide(self, facts: MessageFacts, recognition: Recognition) -> None:
        """Record new requests; match a message or mail to the request it introduces.

        A message notification counts only when its sender check did not fail and it was
        read intact: a forged "message" must not restore a request or withdraw a draft.
        """
        if recognition.requests:
            record = self._record_requests(facts, recognition)
            if record is not None:
                facts.lifecycle = RequestFacts(record=record)
            return
        found = introduction_sender(facts, recognition)
        if found is None:
            return
        match = self._match(facts, *found)
        if match is not None:
            facts.lifecycle = RequestFacts(match=match)

    def after_decide(self, decision: MessageDecision) -> None:
        """A requester the rules found known ends the request as ``known``."""
        if self.dry_run:
            return
        for facts, _ in decision.evaluations:
            lifecycle = facts.lifecycle
            if facts._known_value and lifecycle is not None and lifecycle.record is not None:
                notification = facts.notification
                if notification is None:
                    continue
                request_id = self._request_id(facts, notification)
                self.store.requests.move(request_id, RequestState.KNOWN, "requester known")

    def _record_requests(
        self, facts: MessageFacts, recognition: Recognition
    ) -> RequestRecord | None:
        """The message's first request, recorded; None when its sender check failed.

        A notification the user's server says was forged is no one's request: it is
        not followed, counted or shown for review, only flagged by the rules.
        """
        first: RequestRecord | None = None
        for notification in recognition.requests:
            if notification.authenticated is False:
                continue
            record = request_record(self.account, facts, notification, self.clock())
            stored = self.store.requests.get(record.request_id) or self._would_add.get(
                record.request_id
            )
            if stored is None and self.dry_run:
                # a dry run records nothing, yet decides later messages as a run would
                self._would_add[record.request_id] = record
                self._opened(record)
            elif stored is None:
                where = facts.ref.folder if facts.ref else "a file"
                self.store.requests.add(record, f"request recognised in {where}")
                self._opened(record)
            first = first or stored or record
        return first

    def _match(
        self, facts: MessageFacts, sender: Sender, preview: Callable[[], str]
    ) -> Match | None:
        introducer = facts.message_id or (facts.ref.state_key if facts.ref else None)
        if introducer:
            # an earlier, interrupted pass already matched this message
            done = self._introduced().get(introducer)
            if done:
                return Match(tuple(done), _reason(self.store, done[0]))
        match = self._open().match(sender)
        if match is None or self.dry_run:
            return match
        for request in match.requests:
            self.store.requests.move(
                request.request_id,
                RequestState.INTRODUCED,
                f"message {introducer or 'without Message-ID'}",
                match.reason.value,
                at=_stamp(self.clock()),
                introduced_by=introducer,
                introduction=preview() or None,
            )
        if self._index is not None:  # the introduced requests are no longer open
            self._index.remove(request.request_id for request in match.requests)
        return match

    def _opened(self, record: RequestRecord) -> None:
        if self._index is not None and record.state in OPEN_STATES:
            self._index.add(record)

    def _open(self) -> OpenRequests:
        if self._index is None:
            records = [*self.store.requests.records(OPEN_STATES), *self._would_add.values()]
            self._index = OpenRequests(r for r in records if r.account == self.account)
        return self._index

    def _introduced(self) -> dict[str, list[RequestRecord]]:
        if self._introduced_by is None:
            found: dict[str, list[RequestRecord]] = {}
            for record in self.store.requests.records(frozenset({RequestState.INTRODUCED})):
                if record.account == self.account and record.introduced_by:
                    found.setdefault(record.introduced_by, []).append(record)
            self._introduced_by = found
        return self._introduced_by

    def _request_id(self, facts: MessageFacts, notification: RequestNotification) -> str:
        keys = person_keys(notification)
        return request_ids(self.account, notification, keys, facts.message_id).request_id

    # -- end of pass ------------------------------------------------------------------

    def start(self) -> None:
        """Before the folders: states follow the drafts ledger (a question sent since)."""
        if not self.dry_run:
            self.follow_drafts()

    def finish(self) -> list[FollowUp]:
        """States from the drafts ledger, expiry, then the rules on every changed request."""
        if self.dry_run:
            return []
        self.follow_drafts()
        self.expire()
        follow_ups: dict[str, FollowUp] = {}
        for group in _one_per_mail(self.store.requests.unsettled(self.account)):
            for follow_up in self._follow_up_all(group):
                follow_ups[follow_up.request.request_id] = follow_up
        return list(follow_ups.values())

    def follow_drafts(self) -> None:
        """A drafted, sent, allowed or discarded question moves its request along.

        Ids and states are read first, and whole records only for the requests that
        change: nearly every pass of the daemon finds all of them in step, and it runs
        before the folders, so a new request waits for it.
        """
        drafts = self.store.drafts.newest_by_request(self.account)
        for request_id, (state, draft_id) in self.store.requests.states(
            self.account, WAITING_STATES
        ).items():
            newest = drafts.get(request_id)
            if newest is None or in_step(state, draft_id, newest[1]):
                continue
            record = self.store.requests.get(request_id)
            draft = self.store.drafts.get(newest[0])
            if record is not None and draft is not None:
                follow_draft(self.store, record, draft)

    def expire(self) -> None:
        """Requests nobody explained within ``expire_after`` end as ``no_answer``."""
        limit: timedelta = self.settings.requests.expire_after
        now = self.clock()
        for record in self.store.requests.records(WAITING_STATES):
            since = datetime.fromisoformat(record.asked_at or record.requested_at)
            if record.account == self.account and now - since > limit:
                self.store.requests.move(
                    record.request_id,
                    RequestState.NO_ANSWER,
                    f"no answer within {_days(limit)}",
                    at=_stamp(now),
                )

    def _follow_up_all(self, records: list[RequestRecord]) -> list[FollowUp]:
        """The rules on the mail of each request, their changes made together.

        Each request is marked acted on once its own actions all ran; one whose action
        failed is not, so the next pass runs its rules again (the actions are idempotent).
        """
        mails = self._request_mails(records)
        follow_ups: list[FollowUp] = []
        together: list[tuple[FollowUp, Planned]] = []
        for record in records:
            follow_up = FollowUp(record)
            follow_ups.append(follow_up)
            try:
                facts, recognition = mails[record.request_id]
                facts.lifecycle = RequestFacts(record=record)
                decided = decide(facts, recognition, self.rules, self._is_known, now=self.clock())
                if facts.ref is None:  # the mail is gone: only what needs no mail runs
                    for step in decided.plan:
                        follow_up.outcomes.append(self._apply(step.action, step.facts))
                else:
                    together.append((follow_up, Planned(decided.plan)))
                    continue
            except Exception as exc:  # noqa: BLE001 - logged with its traceback in _failed
                self._failed(follow_up, exc)
                continue
            self._acted(follow_up)
        act_together([one for _, one in together], self._context, self.store.transaction)
        for follow_up, one in together:
            follow_up.outcomes.extend(one.outcomes)
            if one.failed is not None:
                self._failed(follow_up, one.failed[1])
            else:
                self._acted(follow_up)
        return follow_ups

    def _failed(self, follow_up: FollowUp, exc: Exception) -> None:
        follow_up.error = f"{type(exc).__name__}: {exc}"
        log.error(
            "%s: following up request %s failed",
            self.account,
            follow_up.request.request_id,
            exc_info=exc,
        )

    def _acted(self, follow_up: FollowUp) -> None:
        record = follow_up.request
        self.store.requests.mark_acted(record.request_id, record.state)
        for outcome in follow_up.outcomes:
            log.info(
                "request of %s is %s: %s",
                record.requester,
                record.state.value,
                outcome.summary,
                extra={"fields": {"request_id": record.request_id, **outcome.detail}},
            )

    def _context(self, facts: MessageFacts) -> ActionContext:
        return ActionContext(
            account=self.account,
            settings=self.settings,
            backend=self.backend,
            store=self.store,
            drafter=self.drafter,
            facts=facts,
            dry_run=self.dry_run,
            pass_id=self.pass_id,
        )

    def _apply(self, action: Action, facts: MessageFacts) -> ActionOutcome:
        if facts.ref is None and action.type not in {"withdraw_draft"}:
            return ActionOutcome(action.type, "not done: the request mail was not found", False)
        return apply_and_audit(action, self._context(facts))

    def _request_mails(
        self, records: list[RequestRecord]
    ) -> dict[str, tuple[MessageFacts, Recognition]]:
        """Each request's notification where it is now (back home or archived), recognised;
        one search per folder for all of them, then one fetch.

        A mail still in the folder it was found in is read there by its UID instead: a
        search by Message-ID reads every message of a big folder such as INBOX.
        Not found (the user deleted or filed it): facts from the record alone, so the rules
        can still withdraw the draft.
        """
        found: dict[str, MessageRef] = {}
        folders = {record.request_id: self._folders(record) for record in records}
        for folder in dict.fromkeys(f for each in folders.values() for f in each):
            looking = [
                record
                for record in records
                if record.notification_message_id
                and record.request_id not in found
                and folder in folders[record.request_id]
            ]
            found.update(self._still_where_found(folder, looking))
            wanted: dict[str, list[RequestRecord]] = {}
            for record in looking:
                if record.request_id not in found and record.notification_message_id:
                    wanted.setdefault(record.notification_message_id, []).append(record)
            there = self.backend.find_by_message_ids(folder, list(wanted)) if wanted else {}
            for message_id, refs in there.items():
                for record in wanted[message_id]:
                    found[record.request_id] = refs[0]
        items = {item.ref: item for item in self.backend.fetch_full(list(found.values()))}
        mails: dict[str, tuple[MessageFacts, Recognition]] = {}
        for record in records:
            ref = found.get(record.request_id)
            item = items.get(ref) if ref is not None else None
            if item is not None:
                facts = facts_from_headers(item.ref, item.raw)
                recognition = self.recogniser.recognise(item.raw)
                mails[record.request_id] = (
                    facts,
                    _only(recognition, record, self._request_id, facts),
                )
                continue
            facts = facts_from_headers(None, b"")
            notification = RequestNotification(
                network=record.network,
                kind="connection_request",
                requester=Requester(name=record.requester, profile_url=record.profile_url),
            )
            mails[record.request_id] = (
                facts,
                Recognition(record.notification_message_id, [notification]),
            )
        return mails

    def _still_where_found(
        self, folder: str, records: list[RequestRecord]
    ) -> dict[str, MessageRef]:
        """The requests of ``records`` whose mail is still in ``folder`` under the key it
        was found with (the same Message-ID there), read in one fetch."""
        at_source = {
            record.request_id: MessageRef(folder, record.source_key)
            for record in records
            if record.source_folder == folder and record.source_key
        }
        if not at_source:
            return {}
        items = self.backend.fetch_headers(list(dict.fromkeys(at_source.values())))
        message_ids = {
            item.ref: facts_from_headers(item.ref, item.raw).message_id for item in items
        }
        return {
            record.request_id: at_source[record.request_id]
            for record in records
            if record.request_id in at_source
            and message_ids.get(at_source[record.request_id]) == record.notification_message_id
        }

    def _folders(self, record: RequestRecord) -> list[str]:
        """Where the request's mail may be: archived (usually), or back where it was found
        (a rule moved it back before a pass stopped)."""
        folders = [self.backend.folder_for(FolderRole.ARCHIVE)]
        if record.source_folder:
            folders.append(record.source_folder)
        return list(dict.fromkeys(folders))

    def _is_known(self, request: RequestNotification) -> bool:
        return self.known.is_known(request.requester) if self.known else False


def _one_per_mail(records: list[RequestRecord]) -> list[list[RequestRecord]]:
    """Requests in groups with one request per mail: the requests of one digest follow up
    one after another, each finding the mail where the one before left it."""
    groups: list[list[RequestRecord]] = []
    seen: dict[str | None, int] = {}
    for record in records:
        key = record.notification_message_id
        index = seen.get(key, 0) if key else 0
        if key:
            seen[key] = index + 1
        if index == len(groups):
            groups.append([])
        groups[index].append(record)
    return groups


def _only(
    recognition: Recognition,
    record: RequestRecord,
    request_id: Callable[[MessageFacts, RequestNotification], str],
    facts: MessageFacts,
) -> Recognition:
    """The one request of a digest this record is about (the rules see one person)."""
    for notification in recognition.requests:
        if request_id(facts, notification) == record.request_id:
            return Recognition(recognition.message_id, [notification], recognition.defect)
    return recognition


def _reason(store: StateStore, record: RequestRecord) -> MatchReason:
    for change in reversed(store.requests.history(record.request_id)):
        if change.to_state == RequestState.INTRODUCED and change.detail:
            try:
                return MatchReason(change.detail)
            except ValueError:
                break
    return MatchReason.PROFILE


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _days(limit: timedelta) -> str:
    return f"{limit.days}d" if limit.days else str(limit)
