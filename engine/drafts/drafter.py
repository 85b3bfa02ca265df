"""One draft per request, at most one request per person in a while, and never two copies.

The order of work is what makes a draft exist exactly once: look in the ledger, then in
the Drafts folder (a crash after storing but before recording leaves a draft the ledger
does not know: it is recorded now instead of stored again), then store, then record.
The Message-ID is derived from the request, so both lookups find an earlier attempt.

The drafts of many requests are prepared one by one (``prepare``: each sees the ones
prepared before it, so a person is asked once), stored together (``store_prepared``:
one MULTIAPPEND where the server has it) and only then recorded (``record_stored``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesHeaderParser
from typing import TYPE_CHECKING, Literal

from introgate.backends.base import FolderRole, MailboxBackend
from introgate.config import Settings
from introgate.drafts.compose import (
    Reply,
    RequestIds,
    addresses_in,
    compose,
    message_id_or_none,
    request_ids,
    usable_recipient,
)
from introgate.drafts.templates import ReplyTemplates, reply_variables
from introgate.drafts.untrusted import one_line, web_link
from introgate.facts import MessageFacts
from introgate.mail import DRAFT, SEEN, MessageRef
from introgate.people import person_keys, same_person
from introgate.recognition.model import Requester, RequestNotification
from introgate.state import DraftRecord, DraftStatus, StateStore

if TYPE_CHECKING:
    from introgate.people import KnownPeople

log = logging.getLogger("introgate.drafts")

# what ensure_draft did (or would do) with one request
EnsureResult = Literal[
    "created", "exists", "recently_asked", "would_create", "not_a_request", "no_reply_path"
]


@dataclass(frozen=True)
class DraftOrder:
    template: str = "ask-intro"
    language: str = "auto"  # or a language some template exists in ("fr" for ask-intro.fr)
    once_per_person_days: int | None = 30


@dataclass(frozen=True)
class DraftOutcome:
    status: EnsureResult
    draft_id: str | None = None
    detail: str = ""
    language: str | None = None
    recipient: str | None = None
    # why no draft, in the few words the decision line shows ("asked on 2026-11-20")
    reason: str = ""

    @property
    def short_id(self) -> str | None:
        """The id ``introgate drafts`` shows and accepts (a prefix of the request id)."""
        if not self.draft_id or not self.draft_id.startswith("<introgate."):
            return None
        return self.draft_id[len("<introgate.") :][:10]


@dataclass(frozen=True)
class _Plan:
    ids: RequestIds
    raw: bytes
    language: str
    recipient: str | None
    subject: str
    source: str


@dataclass(frozen=True, eq=False)
class PreparedDraft:
    """A draft ready to store (``Drafter.prepare``), not yet stored nor recorded."""

    facts: MessageFacts
    folder: str
    plan: _Plan
    record: DraftRecord
    who: str


class Drafter:
    """Drafts for one account; templates are compiled once when the drafter is made."""

    def __init__(
        self,
        settings: Settings,
        store: StateStore,
        backend: MailboxBackend,
        account: str,
        known: KnownPeople | None,
        templates: ReplyTemplates | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.backend = backend
        self.account = account
        self.known = known
        # compiled once per engine: a pass of the daemon must not read every network file
        self.templates = templates or ReplyTemplates(settings)
        # drafts looked for in the Drafts folder together (``look_up``), by Message-ID
        self._looked_up: dict[str, list[MessageRef]] = {}
        # the ledger's drafts by person key, read once when first needed and kept
        # current with what this drafter adds
        self._asked: dict[str, list[DraftRecord]] | None = None
        # the Message-IDs of drafts a dry run would have stored (it stores nothing; they are
        # in ``_asked`` only): later requests of the pass are decided as the real pass
        # decides them, so a person with two requests is drafted to once there too
        self._would_draft: set[str] = set()
        # the Message-IDs of drafts prepared and not yet recorded (see ``prepare``)
        self._prepared: set[str] = set()

    def ensure_draft(
        self, facts: MessageFacts, order: DraftOrder, *, dry_run: bool
    ) -> DraftOutcome:
        prepared = self.prepare(facts, order, dry_run=dry_run)
        if isinstance(prepared, DraftOutcome):
            return prepared
        failures = self.store_prepared([prepared])
        if failures:
            raise failures[0]
        return self.record_stored(prepared)

    def prepare(
        self, facts: MessageFacts, order: DraftOrder, *, dry_run: bool
    ) -> DraftOutcome | PreparedDraft:
        """What to do for one request: an outcome when there is nothing to store (or a dry
        run), else the draft to store. Requests prepared later in the pass see it: a
        second request of the same person is then asked already."""
        notification = facts.notification
        if notification is None:
            return DraftOutcome(
                "not_a_request",
                detail="no contact request recognised",
                reason="no contact request recognised in it",
            )
        keys = person_keys(notification)
        ids = request_ids(self.account, notification, keys, facts.message_id)
        who = one_line(notification.requester.shown)

        if (
            ids.message_id in self._would_draft
            or ids.message_id in self._prepared
            or self.store.drafts.get(ids.message_id)
        ):
            return self._outcome("exists", ids, f"draft {ids.short} for {who} already made")

        drafts_folder = self.backend.folder_for(FolderRole.DRAFTS)
        stored = self._stored_in(drafts_folder, ids.message_id)
        if stored:
            # stored by an earlier pass that stopped before recording it: record, don't store
            if not dry_run:
                self._record_found(facts, notification, ids, keys, drafts_folder, stored[0])
            return self._outcome(
                "exists", ids, f"draft {ids.short} for {who} found in {drafts_folder}"
            )

        last = self._last_asked(notification)
        days = order.once_per_person_days
        if (
            last is not None
            and days is not None
            and datetime.now(UTC) - last < timedelta(days=days)
        ):
            return self._outcome(
                "recently_asked",
                None,
                f"{who} was asked on {last.date().isoformat()}, within {days} days",
                reason=f"asked on {last.date().isoformat()} (once in {days} days)",
            )

        plan = self._plan(facts, notification, order, ids)
        if plan is None:
            return self._outcome(
                "no_reply_path",
                None,
                f"no draft for {who}: no address known and no link to answer on the network",
                reason="no address known and no link to answer on the network",
            )
        record = _drafted_record(
            self.account,
            facts,
            notification,
            ids,
            keys,
            language=plan.language,
            recipient=plan.recipient,
            subject=plan.subject,
        )
        if dry_run:
            self._would_draft.add(ids.message_id)
            self._remember(record)
            return self._outcome(
                "would_create", ids, f"would draft {plan.language} reply to {who}", plan
            )
        self._prepared.add(ids.message_id)
        self._remember(record)
        return PreparedDraft(facts, drafts_folder, plan, record, who)

    def store_prepared(self, prepared: Sequence[PreparedDraft]) -> dict[int, Exception]:
        """Store prepared drafts, several in one request where the server takes several;
        what failed, by position. A draft not stored is forgotten again, so a later
        request of that person is drafted; one that may have been stored (the connection
        lost meanwhile) is found by its Message-ID next time."""
        failures: dict[int, Exception] = {}
        try:
            for folder in dict.fromkeys(one.folder for one in prepared):
                positions = [i for i, one in enumerate(prepared) if one.folder == folder]
                refused = self.backend.append_many(
                    folder, [prepared[i].plan.raw for i in positions], flags=[DRAFT, SEEN]
                )
                failures.update((positions[i], exc) for i, exc in refused.items())
        except BaseException:
            for one in prepared:
                self._forget(one)
            raise
        for position in failures:
            self._forget(prepared[position])
        return failures

    def record_stored(self, prepared: PreparedDraft) -> DraftOutcome:
        """The ledger row and audit entry of a draft just stored."""
        plan, facts = prepared.plan, prepared.facts
        self._prepared.discard(plan.ids.message_id)
        self.store.drafts.add(prepared.record)
        self.store.audit.record(
            self.account,
            facts.ref,
            "draft",
            {
                "draft_id": plan.ids.message_id,
                "language": plan.language,
                "recipient": plan.recipient,
                "template": plan.source,
            },
        )
        return self._outcome(
            "created",
            plan.ids,
            f"drafted {plan.language} reply to {prepared.who} in {prepared.folder}",
            plan,
        )

    # -- parts ------------------------------------------------------------------

    def _outcome(
        self,
        status: EnsureResult,
        ids: RequestIds | None,
        detail: str,
        plan: _Plan | None = None,
        *,
        reason: str = "",
    ) -> DraftOutcome:
        log.debug("draft %s: %s", status, detail)
        return DraftOutcome(
            status=status,
            draft_id=ids.message_id if ids else None,
            detail=detail,
            language=plan.language if plan else None,
            recipient=plan.recipient if plan else None,
            reason=reason,
        )

    def look_up(self, requests: Sequence[MessageFacts]) -> None:
        """Look in the Drafts folder at once for the drafts of these requests that are not
        in the ledger: one search for a batch instead of one per draft."""
        folder = self.backend.folder_for(FolderRole.DRAFTS)
        wanted: list[str] = []
        for facts in requests:
            notification = facts.notification
            if notification is None:
                continue
            keys = person_keys(notification)
            message_id = request_ids(self.account, notification, keys, facts.message_id).message_id
            if self.store.drafts.get(message_id) is None:
                wanted.append(message_id)
        found = self.backend.find_by_message_ids(folder, wanted) if wanted else {}
        self._looked_up = {f"{folder}\0{mid}": found.get(mid, []) for mid in wanted}

    def _stored_in(self, folder: str, message_id: str) -> list[MessageRef]:
        """The draft ``message_id`` in ``folder``, put there by a pass that stopped before
        recording it (looked up with its batch when there was one)."""
        looked = self._looked_up.pop(f"{folder}\0{message_id}", None)
        if looked is not None:
            return looked
        return self.backend.find_by_message_id(folder, message_id)

    def _add(self, record: DraftRecord) -> None:
        self.store.drafts.add(record)
        self._remember(record)

    def _forget(self, prepared: PreparedDraft) -> None:
        """Undo ``prepare``'s note of a draft that was not stored."""
        self._prepared.discard(prepared.plan.ids.message_id)
        for key in _asked_keys(prepared.record):
            kept = self._asked_by_key().get(key, [])
            kept[:] = [record for record in kept if record is not prepared.record]

    def _remember(self, record: DraftRecord) -> None:
        """``record`` among the drafts ``_last_asked`` looks at (the ledger's and this pass's)."""
        for key in _asked_keys(record):
            self._asked_by_key().setdefault(key, []).append(record)

    def _asked_by_key(self) -> dict[str, list[DraftRecord]]:
        if self._asked is None:
            self._asked = {}
            for record in self.store.drafts.records():
                for key in _asked_keys(record):
                    self._asked.setdefault(key, []).append(record)
        return self._asked

    def _last_asked(self, notification: RequestNotification) -> datetime | None:
        """When this person was last drafted to, as ``same_person`` tells people apart:
        by profile on the same network (a namesake with another profile is someone
        else), by folded name across networks.

        The ledger is read once and kept by person key: a draft can only be the same
        person's when it shares a profile or a folded name with the request.
        """
        asked = self._asked_by_key()
        last = None
        candidates = {id(r): r for k in person_keys(notification) for r in asked.get(k, ())}
        for record in candidates.values():
            if same_person(notification, _as_request(record, notification.kind)):
                created = datetime.fromisoformat(record.created_at)
                last = created if last is None or created > last else last
        return last

    def _recipient(self, facts: MessageFacts, notification: RequestNotification) -> str | None:
        if self.known is None:
            return None
        excluded = _notification_addresses(facts)
        excluded |= {a.lower() for a in self.settings.identity.addresses}
        address, why = usable_recipient(
            self.known.address_for(notification.requester), excluded=excluded
        )
        if address is None and why != "no address known":
            log.warning(
                "draft for %s: %s; drafting without recipient",
                one_line(notification.requester.name),
                why,
            )
        return address

    def _plan(
        self,
        facts: MessageFacts,
        notification: RequestNotification,
        order: DraftOrder,
        ids: RequestIds,
    ) -> _Plan | None:
        """The draft to store; None when it could reach nobody (no address, no link)."""
        identity = self.settings.identity
        language = self.templates.choose_language(
            order.template, order.language, notification.language, identity.default_language
        )
        recipient = self._recipient(facts, notification)
        link = (
            None
            if recipient
            else (web_link(notification.reply_link) or web_link(notification.requester.profile_url))
        )
        if recipient is None and link is None:
            return None
        rendered = self.templates.render(
            order.template,
            language,
            reply_variables(
                notification,
                identity,
                language=language,
                recipient=recipient,
                reply_link=link,
                register=self.templates.register(notification.network, language),
            ),
        )
        raw = compose(
            Reply(
                identity=identity,
                recipient=recipient,
                recipient_name=notification.requester.name,
                subject=rendered.subject,
                body=rendered.body,
                instructions=rendered.instructions,
                language=language,
                ids=ids,
                in_reply_to=message_id_or_none(facts.message_id),
                date=datetime.now(UTC),
            )
        )
        return _Plan(
            ids=ids,
            raw=raw,
            language=language,
            recipient=recipient,
            subject=rendered.subject,
            source=rendered.source,
        )

    def _record_found(
        self,
        facts: MessageFacts,
        notification: RequestNotification,
        ids: RequestIds,
        keys: list[str],
        drafts_folder: str,
        ref: MessageRef,
    ) -> None:
        """Ledger row for a draft stored by an interrupted pass, read from the draft itself."""
        items = self.backend.fetch_headers([ref])
        headers = BytesHeaderParser(policy=policy.default).parsebytes(
            items[0].raw if items else b""
        )

        def header(name: str) -> str | None:
            return one_line(str(headers.get(name, ""))) or None

        self._add(
            _drafted_record(
                self.account,
                facts,
                notification,
                ids,
                keys,
                language=header("Content-Language"),
                recipient=next(iter(addresses_in([header("To")])), None),
                subject=header("Subject"),
            )
        )
        self.store.audit.record(
            self.account,
            facts.ref,
            "draft_recovered",
            {"draft_id": ids.message_id, "folder": drafts_folder},
        )


def _drafted_record(
    account: str,
    facts: MessageFacts,
    notification: RequestNotification,
    ids: RequestIds,
    keys: list[str],
    *,
    language: str | None,
    recipient: str | None,
    subject: str | None,
) -> DraftRecord:
    """The ledger row of a draft just stored, or found stored by an interrupted pass."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    return DraftRecord(
        draft_id=ids.message_id,
        request_id=ids.request_id,
        account=account,
        person_key=_ledger_key(keys),
        network=notification.network,
        requester=one_line(notification.requester.name),
        profile_url=web_link(notification.requester.profile_url),
        language=language,
        recipient=recipient,
        subject=subject,
        notification_message_id=facts.message_id,
        source_folder=facts.ref.folder if facts.ref else None,
        source_key=facts.ref.key if facts.ref else None,
        status=DraftStatus.DRAFTED,
        created_at=now,
        updated_at=now,
    )


def _as_request(record: DraftRecord, kind: str) -> RequestNotification:
    """The request an earlier draft answered, as far as telling people apart needs."""
    return RequestNotification(
        network=record.network or "",
        kind=kind,
        requester=Requester(name=record.requester or "", profile_url=record.profile_url),
    )


def _asked_keys(record: DraftRecord) -> list[str]:
    # the kind plays no part in who a person is
    return person_keys(_as_request(record, "connection_request"))


def _notification_addresses(facts: MessageFacts) -> set[str]:
    """Every address the notification itself came from: a reply there reaches a robot."""
    values: list[str | None] = [facts.from_address]
    for name in ("From", "Reply-To", "Sender", "Return-Path"):
        try:
            values.extend(str(v) for v in facts.headers.get_all(name) or [])
        except Exception:  # noqa: BLE001, S112 - a malformed header adds no address
            continue
    return addresses_in(values)


def _ledger_key(keys: list[str]) -> str:
    """The one key the ledger keeps: the folded name, which matches across networks."""
    for key in keys:
        if key.startswith("name:"):
            return key
    return keys[0] if keys else "unknown"
