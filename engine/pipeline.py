"""One pass over one account: scan, recognise, evaluate rules, act, record.

Crash safety comes from the order of writes. A message that will be changed gets a
``pending`` row first; its actions run in stage order (labels and flags, then the draft,
then the move) and every one of them is idempotent; only then is the row ``done``. A crash
anywhere leaves either a message still in the watched folder with a pending row (the next
pass redoes the actions: labels are sets, drafts are found by their Message-ID) or a
message already moved (the next pass sees it gone and closes the row).

Speed comes from doing that for many messages at once, in the same order. A chunk of
messages is decided in one transaction (its pending rows commit together); the changes of
up to ``ACT_BATCH`` decided messages are then made together, stage by stage, one request
per action (one UID STORE per label, one UID MOVE per target folder), and their done rows
commit together afterwards. The cost of a command to the server grows with the folder,
so a 50,000-message first pass sends a few of them instead of several per notification.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from introgate.acting import Planned, act_together, failure_text, first_labels
from introgate.backends.base import MailboxBackend, ScanResult
from introgate.checkpoint import Checkpoint
from introgate.config import Account, Settings
from introgate.decide import Step, decide, recognise
from introgate.drafts import Drafter
from introgate.drafts.sync import sync_draft_status
from introgate.drafts.templates import ReplyTemplates
from introgate.errors import BackendError, ConnectionLost
from introgate.facts import MessageFacts, facts_from_headers
from introgate.introductions.step import FollowUp, Introductions
from introgate.mail import HANDLED, MailItem, MessageRef
from introgate.people import KnownPeople
from introgate.recognition import Recogniser, Recognition, RequestNotification
from introgate.recognition.message_content import decode_words
from introgate.rules import ActionContext, ActionOutcome, RuleSet, load_rules
from introgate.rules.check import check_folders
from introgate.rules.reload import RuleReloader
from introgate.state import ProcessedStatus, StateStore

log = logging.getLogger("introgate.pipeline")

CHUNK = 200
# decided messages with changes to make, gathered before the changes are made together;
# the pass also makes them at the end of each folder and when it is told to stop
ACT_BATCH = 200
_T = TypeVar("_T")
Progress = Callable[[int, int], None]


@dataclass
class Decision:
    """What happened to one message: the line a user may ask about."""

    ref: MessageRef
    message_id: str | None
    sender: str
    # the Subject as written: decoded only if the decision is shown. Decisions wait in
    # the pass's outbox for the requests before them, so they keep no header block.
    raw_subject: str = field(default="", repr=False)
    notification: RequestNotification | None = None
    request_count: int = 0
    known: bool | None = None
    matched: list[str] = field(default_factory=list)
    outcomes: list[ActionOutcome] = field(default_factory=list)
    error: str | None = None  # something went wrong acting on it: tried again later
    defect: str | None = None  # the message itself is broken: recorded, never retried

    @property
    def subject(self) -> str:
        return decode_words(self.raw_subject)

    @property
    def drafted(self) -> bool:
        """A draft was stored for it, or (dry run) would have been."""
        return any(
            o.type == "draft" and o.detail.get("status") in ("created", "would_create")
            for o in self.outcomes
        )

    def summary(self) -> str:
        actions = ", ".join(o.summary for o in self.outcomes) or "left alone"
        if self.notification is None:
            what = f"mail from {self.sender or 'unknown sender'} ({self.subject[:60]!r})"
            text = f"{what}: {actions}"
        else:
            n = self.notification
            note = "note" if n.note else "no note"
            known = {True: "known", False: "unknown", None: "not checked"}[self.known]
            auth = {True: "", False: ", NOT authenticated", None: ", authenticity unknown"}[
                n.authenticated
            ]
            kind = n.kind.replace("_", " ").replace("connection request", "request")
            more = f" (+{self.request_count - 1} more)" if self.request_count > 1 else ""
            text = (
                f"{n.network} {kind} from {n.requester.shown}{more}: {note}, {known}{auth} → "
                f"{actions}"
            )
        if self.defect:
            text += f" [defect: {self.defect}]"
        if self.error:
            text += f" [error: {self.error}]"
        return text

    def fields(self) -> dict[str, Any]:
        n = self.notification
        return {
            "message_key": self.ref.state_key,
            "message_id": self.message_id,
            "network": n.network if n else None,
            "kind": n.kind if n else None,
            "requester": n.requester.name if n else None,
            "has_note": bool(n.note) if n else None,
            "known": self.known,
            "authenticated": n.authenticated if n else None,
            "rules": self.matched,
            "actions": [o.summary for o in self.outcomes],
            # the full Message-IDs of drafts made (or found made) for this message
            "draft_ids": [
                o.detail["draft_id"]
                for o in self.outcomes
                if o.type == "draft" and o.detail.get("draft_id")
            ],
            "defect": self.defect,
            "error": self.error,
        }


# Where a pass hands each decision as it is made: the command line prints it, the daemon
# logs it. A pass given one keeps no list of decisions, so a 50,000-message first pass
# holds none of them in memory.
DecisionSink = Callable[[Decision], None]


@dataclass
class PassReport:
    """A pass's counts; its decisions too, when it had no sink to hand them to."""

    account: str
    dry_run: bool
    decisions: list[Decision] = field(default_factory=list)
    pass_id: int | None = None  # None: a dry run (not recorded)
    # the two counts a user reads, the same for IMAP and Maildir: what the watched folders
    # hold, and how many of those this pass looked at (new since the last pass, or retried)
    in_folders: int = 0
    new: int = 0  # messages decided on (each one a decision)
    drafted: int = 0
    failed: int = 0
    scanned: int = 0
    skipped: int = 0  # older than the backfill age on a folder's first pass
    skipped_resync: int = 0  # handled before under another key (UIDVALIDITY change, moved back)
    interrupted: bool = False
    # what the rules did to requests whose state changed (introduced, no answer)
    follow_ups: list[FollowUp] = field(default_factory=list)

    def count(self, decision: Decision) -> None:
        self.new += 1
        self.drafted += decision.drafted
        self.failed += decision.error is not None


@dataclass
class Engine:
    """What a pass needs that is loaded once: recognition data and each account's rules.

    ``rules`` gives an account's current rule set: fixed for one pass (``run --once``),
    following the rule files for the daemon (``follow_rule_files``). Loading raises on bad
    rules either way, so nothing starts on rules that do not check.
    """

    settings: Settings
    recogniser: Recogniser
    rules: dict[str, Callable[[], RuleSet]]
    # reply templates, compiled once (None: each pass's drafter compiles its own)
    templates: ReplyTemplates | None = None
    # the time requests expire by; tests set it instead of sleeping
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    @classmethod
    def load(cls, settings: Settings, *, follow_rule_files: bool = False) -> Engine:
        recogniser = Recogniser.load(settings)
        networks = recogniser.registry
        rules: dict[str, Callable[[], RuleSet]] = {}
        for account in settings.accounts:
            if follow_rule_files:
                rules[account.name] = RuleReloader(settings, account, networks=networks).current
            else:
                rules[account.name] = _fixed(load_rules(settings, account, networks=networks))
        return cls(settings, recogniser, rules, ReplyTemplates(settings, networks))

    def run(
        self,
        account: Account,
        backend: MailboxBackend,
        store: StateStore,
        *,
        dry_run: bool = False,
        stop: threading.Event | None = None,
        progress: Progress | None = None,
        pass_id: int | None = None,
        on_decision: DecisionSink | None = None,
    ) -> PassReport:
        """Handle every message that is new since the last pass in the watched folders.

        ``stop`` (SIGTERM) is checked between messages: the current message is finished,
        and everything handled so far is recorded. ``dry_run`` writes to neither mailbox
        nor store. Each decision goes to ``on_decision`` as it is made; without one it is
        logged and kept in the report. Callers go through
        ``introgate.passes.run_recorded_pass``, which adds the account lock and the health
        record.
        """
        settings, rules = self.settings, self.rules[account.name]()
        report = PassReport(account=account.name, dry_run=dry_run, pass_id=pass_id)
        known = KnownPeople(settings, store, backend, remember=not dry_run)
        drafter = Drafter(settings, store, backend, account.name, known, self.templates)
        backfill = account.backfill
        missing = check_folders(rules, backend.list_folders)
        if missing:
            # before anything changes: a misspelt folder must not half-handle a message
            raise BackendError("\n".join(missing))
        if not dry_run and _draft_follow_due(backend):
            # before the scans, so the watched folder is what stays selected between passes
            _follow_drafts(settings, store, backend, account.name)
        introductions = Introductions(
            settings,
            account.name,
            backend,
            store,
            self.recogniser,
            rules,
            drafter,
            known,
            dry_run=dry_run,
            clock=self.clock,
            pass_id=pass_id,
        )
        introductions.start()
        for folder in account.folders.watch:
            if stop is not None and stop.is_set():
                report.interrupted = True
                break
            folder_pass = _FolderPass(
                settings,
                account,
                backend,
                store,
                self.recogniser,
                rules,
                known,
                drafter,
                dry_run,
                introductions,
                on_decision,
                pass_id,
            )
            if not folder_pass.run(folder, backfill, report, stop, progress):
                report.interrupted = True
                break
        if not report.interrupted:
            report.follow_ups = introductions.finish()
        return report


def _fixed(rules: RuleSet) -> Callable[[], RuleSet]:
    return lambda: rules


# A daemon keeps one connection per account: following drafts selects Drafts and Sent,
# which costs the watched folder its cheap "still selected" check, so it runs at most
# this often per connection (a fresh connection, e.g. `run --once`, always follows).
DRAFT_FOLLOW_INTERVAL = 300.0
_drafts_followed_at: weakref.WeakKeyDictionary[MailboxBackend, float] = weakref.WeakKeyDictionary()


def _draft_follow_due(backend: MailboxBackend) -> bool:
    now = time.monotonic()
    last = _drafts_followed_at.get(backend)
    if last is not None and now - last < DRAFT_FOLLOW_INTERVAL:
        return False
    _drafts_followed_at[backend] = now
    return True


def _follow_drafts(
    settings: Settings, store: StateStore, backend: MailboxBackend, account: str
) -> None:
    """Drafts the user sent or deleted in their own mail client change status here too."""
    try:
        sync_draft_status(settings, store, backend, account)  # logs each change itself
    except ConnectionLost:
        raise
    except Exception:  # following drafts must not fail the pass
        log.exception("%s: could not follow the status of drafts", account)


@dataclass
class _Triage:
    """A chunk's messages sorted by what the pass does with them."""

    wanted: list[tuple[MailItem, MessageFacts]] = field(default_factory=list)
    # (ref, identity): older than the backfill limit
    too_old: list[tuple[MessageRef, str | None]] = field(default_factory=list)
    # (ref, identity): handled before under another key
    seen_before: list[tuple[MessageRef, str | None]] = field(default_factory=list)
    # possible notifications among the wanted ones: their whole message is fetched
    candidates: set[MessageRef] = field(default_factory=set)
    # messages whose headers could not be read: recorded as failed, retried, then left
    broken: list[Decision] = field(default_factory=list)


@dataclass
class _Decided:
    """A message the rules decided to change; its plan runs with the next batch."""

    decision: Decision
    plan: list[Step]
    # the pass's resume point before this message: a stop before its changes goes back there
    resume_after: MessageRef | None
    failed: bool = False


@dataclass
class _FolderPass:
    """One watched folder: list what is new, then handle it chunk by chunk, in order.

    The checkpoint moves only past messages that were fully handled, so a pass that stops
    early (SIGTERM) resumes exactly where it stopped.
    """

    settings: Settings
    account: Account
    backend: MailboxBackend
    store: StateStore
    recogniser: Recogniser
    rules: RuleSet
    known: KnownPeople
    drafter: Drafter
    dry_run: bool
    introductions: Introductions
    on_decision: DecisionSink | None
    pass_id: int | None = None
    # decided, with changes still to make; their identities, to see a copy coming
    _waiting: list[_Decided] = field(default_factory=list)
    _waiting_ids: set[str] = field(default_factory=set)
    # decisions in message order, handed over (report, log) once all before them are done
    _outbox: collections.deque[Decision] = field(default_factory=collections.deque)
    # the last listed message fully handled: a pass that stops resumes after it
    _finished_through: MessageRef | None = None
    # how many waiting messages are changed together next: 1, 2, 4 ... ACT_BATCH, so the
    # first changes show (and a stop is answered) at once and later ones go in bulk
    _window: int = 1

    def run(
        self,
        folder: str,
        backfill: timedelta,
        report: PassReport,
        stop: threading.Event | None,
        progress: Progress | None,
    ) -> bool:
        checkpoint = self.store.checkpoints.get(self.account.name, folder)
        scan = self.backend.scan(folder, checkpoint)
        if scan.uidvalidity_changed:
            log.warning(
                "%s/%s: UIDVALIDITY changed; matching by Message-ID so nothing is handled twice",
                self.account.name,
                folder,
            )
        todo, unfinished = self._worklist(folder, scan)
        report.in_folders += scan.messages
        report.scanned += len(todo)
        cutoff = self._backfill_cutoff(folder, checkpoint, backfill)
        listed = set(scan.refs)
        handled = 0
        for chunk in _chunks(todo, CHUNK):
            if stop is not None and stop.is_set():
                return self._stopped(folder, scan, report)
            items = self.backend.fetch_headers(chunk)
            present = {item.ref for item in items}
            if not scan.uidvalidity_changed:
                # during a resync the old keys are simply not found: their messages are
                # listed again under new UIDs and matched by Message-ID
                self._close_vanished(unfinished, chunk, present)
            triage = self._triage(items, cutoff, unfinished, report)
            self._record_seen_before(triage, report)
            bodies = self._fetch_bodies(triage)
            wanted = {item.ref: (item, facts) for item, facts in triage.wanted}
            recognised = self._recognise_chunk(wanted, bodies)
            broken = {decision.ref: decision for decision in triage.broken}
            seen_before = {ref for ref, _ in [*triage.too_old, *triage.seen_before]}
            with self._writing():
                for ref in chunk:
                    if stop is not None and stop.is_set():
                        break
                    entry = wanted.get(ref)
                    decision = broken.get(ref)
                    if entry is not None:
                        decision = self._decide(
                            entry[0], entry[1], bodies.get(ref), recognised.get(ref)
                        )
                    elif decision is not None:
                        self._record_failure(decision)
                    if decision is not None:
                        self._outbox.append(decision)
                    if ref in listed and (
                        decision is not None or ref in seen_before or ref not in present
                    ):
                        self._finished_through = ref
            self._hand_over_done(report)
            if not self._act_waiting(report, stop, everything=False):
                return self._stopped(folder, scan, report)
            handled += len(chunk)
            if progress is not None:
                progress(handled, len(todo))
        if not self._act_waiting(report, stop, everything=True):
            return self._stopped(folder, scan, report)
        self._finish_folder(folder, scan, cutoff)
        return True

    def _worklist(self, folder: str, scan: ScanResult) -> tuple[list[MessageRef], list[MessageRef]]:
        """New messages not done yet, then unfinished ones (interrupted or due for a retry).

        Unfinished messages may be older than the checkpoint (IMAP lists only new UIDs),
        so they are asked for by key.
        """
        name = self.account.name
        done = self.store.messages.settled_among(name, scan.refs)
        pending = [
            MessageRef(r.folder, r.message_key[len(r.folder) + 1 :])
            for r in self.store.messages.pending(name)
            if r.folder == folder
        ]
        unfinished = [*pending, *self.store.messages.retry_due(name, folder)]
        todo = [ref for ref in scan.refs if ref.state_key not in done]
        queued = set(todo)
        todo += [ref for ref in unfinished if ref not in queued]
        return todo, unfinished

    def _triage(
        self,
        items: Sequence[MailItem],
        cutoff: datetime | None,
        unfinished: Sequence[MessageRef],
        report: PassReport,
    ) -> _Triage:
        triage = _Triage()
        redo = set(unfinished)  # their labels are from this state's own unfinished work
        read: list[tuple[MailItem, MessageFacts]] = []
        for item in items:
            with _guard(item.ref, "header facts", triage.broken):
                read.append((item, facts_from_headers(item.ref, item.raw)))
        # the chunk's identities handled before, asked together; a message made settled
        # during the loop (a waiting copy acted on) is asked again alone
        settled = self.store.messages.settled_message_ids(
            self.account.name, [facts.identity for _, facts in read if facts.identity]
        )
        for item, facts in read:
            with _guard(item.ref, "header facts", triage.broken):
                identity = facts.identity
                if identity and identity in self._waiting_ids:
                    # a copy of a message whose changes are still to be made: make them
                    # first, so this one is judged on the state they leave
                    self._act_waiting(report, None, everything=True)
                    if self.store.messages.message_id_settled(self.account.name, identity):
                        settled.add(identity)
                if cutoff is not None and (item.internal_date or cutoff) < cutoff:
                    triage.too_old.append((item.ref, identity))
                elif identity and identity in settled:
                    # handled before under another key: a UIDVALIDITY change, or the user
                    # moved it back after introgate archived it (their decision stands)
                    triage.seen_before.append((item.ref, identity))
                elif item.ref not in redo and carries_handled_label(item.flags):
                    # the mailbox remembers what the state forgot (a lost or restored state
                    # file): introgate labelled it once, the user has dealt with it since
                    triage.seen_before.append((item.ref, identity))
                else:
                    candidate = self.recogniser.is_candidate(facts.headers)
                    triage.wanted.append((item, facts))
                    if candidate:
                        triage.candidates.add(item.ref)
        return triage

    def _record_seen_before(self, triage: _Triage, report: PassReport) -> None:
        if not self.dry_run:
            if triage.too_old:
                self.store.messages.record_many_skipped(
                    self.account.name, triage.too_old, "older than the backfill age"
                )
            if triage.seen_before:
                self.store.messages.record_many_skipped(
                    self.account.name, triage.seen_before, "handled before under another key"
                )
        report.skipped += len(triage.too_old)
        report.skipped_resync += len(triage.seen_before)

    def _finish_folder(self, folder: str, scan: ScanResult, cutoff: datetime | None) -> None:
        if self.dry_run:
            return
        self.store.checkpoints.save(self.account.name, folder, scan.checkpoint)
        if cutoff is not None:
            self.store.checkpoints.finish_backfill(self.account.name, folder)

    def _backfill_cutoff(
        self, folder: str, checkpoint: Checkpoint | None, backfill: timedelta
    ) -> datetime | None:
        """Mail older than this is recorded as seen: only during a folder's first pass.

        The limit is stored when the first pass starts and holds until that pass
        completes, so an interrupted first pass never lets years of old mail through.
        """
        name = self.account.name
        recorded = self.store.checkpoints.backfill(name, folder)
        if recorded is not None:
            return None if recorded.finished else recorded.cutoff
        if checkpoint is not None or not backfill or self.store.messages.seen_folder(name, folder):
            return None
        cutoff = datetime.now(UTC) - backfill
        if not self.dry_run:
            self.store.checkpoints.start_backfill(name, folder, cutoff)
        return cutoff

    def _save_partial_checkpoint(
        self, folder: str, scan: ScanResult, finished_through: MessageRef | None
    ) -> None:
        # during a resync the new UIDVALIDITY must not be saved half-way: the next pass
        # has to resync (match on Message-ID) for the messages not reached yet
        if self.dry_run or finished_through is None or scan.uidvalidity_changed:
            return
        checkpoint = self.backend.checkpoint_through(scan, finished_through)
        self.store.checkpoints.save(self.account.name, folder, checkpoint)

    def _close_vanished(
        self,
        unfinished: Sequence[MessageRef],
        chunk: Sequence[MessageRef],
        present: set[MessageRef],
    ) -> None:
        """An unfinished message no longer in its folder needs no more work.

        A pending one was moved before a crash (the move is its last action); a failed
        one was moved or deleted by the user. Either way it is not asked for again.
        """
        if self.dry_run:
            return
        for ref in unfinished:
            if ref in chunk and ref not in present:
                record = self.store.messages.get(self.account.name, ref)
                self.store.messages.record(
                    self.account.name,
                    ref,
                    status=ProcessedStatus.DONE,
                    message_id=record.message_id if record else None,
                    decision=record.decision if record else None,
                    actions=record.actions if record else (),
                    pass_id=record.pass_id if record else self.pass_id,
                    error=(
                        "gone from the folder before it could be retried"
                        if record is not None and record.status == ProcessedStatus.FAILED
                        else "completed after an interrupted pass"
                    ),
                )

    def _fetch_bodies(self, triage: _Triage) -> dict[MessageRef, MailItem]:
        """Whole messages for the possible notifications; ordinary mail is never downloaded."""
        limit = self.settings.recognition.max_message_bytes
        notifications = [item for item, _facts in triage.wanted if item.ref in triage.candidates]
        # an oversized one keeps its header block only: recognise() reports the size defect
        bodies = {item.ref: item for item in notifications if item.size > limit}
        small = [item.ref for item in notifications if item.size <= limit]
        if small:
            bodies.update((item.ref, item) for item in self.backend.fetch_full(small))
        return bodies

    def _recognise_chunk(
        self,
        wanted: dict[MessageRef, tuple[MailItem, MessageFacts]],
        bodies: dict[MessageRef, MailItem],
    ) -> dict[MessageRef, Recognition]:
        """The chunk's notifications recognised before any is decided, so the requesters
        the rules may ask about are looked up in earlier mail together, once per folder.

        A message whose recognition fails here is recognised again by ``_decide``, whose
        guard records the failure on it.
        """
        recognised: dict[MessageRef, Recognition] = {}
        for ref, full in bodies.items():
            if ref not in wanted:
                continue
            try:
                recognised[ref] = self._recognise(wanted[ref][1], full)
            except Exception:  # noqa: BLE001, S112 - _decide's guard reports it
                continue
        self.known.look_up(r.requester for found in recognised.values() for r in found.requests)
        return recognised

    def _recognise(self, facts: MessageFacts, full: MailItem | None) -> Recognition:
        return recognise(
            facts,
            full.raw if full is not None else None,
            full.size if full is not None else 0,
            self.recogniser,
            self.settings.recognition.max_message_bytes,
        )

    def _decide(
        self,
        item: MailItem,
        facts: MessageFacts,
        full: MailItem | None,
        recognised: Recognition | None = None,
    ) -> Decision:
        """Recognise and decide one message; record it, or queue its changes (pending)."""
        decision = Decision(
            ref=item.ref,
            message_id=facts.identity,
            sender=facts.from_address,
            raw_subject=facts.raw_subject,
        )
        failures: list[Decision] = []
        plan: list[Step] = []
        with _guard(item.ref, "recognition", failures, decision) as step:
            plan = self._decide_one(facts, full, decision, step, recognised)
        if failures:
            self._record_failure(decision)
        elif plan:
            self._waiting.append(_Decided(decision, plan, self._finished_through))
            if decision.message_id:
                self._waiting_ids.add(decision.message_id)
        elif not self.dry_run:
            self._record(decision, ProcessedStatus.DONE)
        return decision

    def _record_failure(self, decision: Decision) -> None:
        """A failed message counts an attempt; after MAX_ATTEMPTS it is left alone for good."""
        if not self.dry_run:
            self._record(decision, ProcessedStatus.FAILED)

    def _decide_one(
        self,
        facts: MessageFacts,
        full: MailItem | None,
        decision: Decision,
        step: _Step,
        recognised: Recognition | None,
    ) -> list[Step]:
        recognition = recognised if recognised is not None else self._recognise(facts, full)
        if not self.dry_run:
            self._note_recognition(decision.ref, facts, recognition)
        step.name = "introductions"
        self.introductions.before_decide(facts, recognition)
        step.name = "rules"
        decided = decide(facts, recognition, self.rules, self._is_known)
        self.introductions.after_decide(decided)
        decision.notification = recognition.notification
        decision.request_count = len(recognition.requests)
        decision.defect = recognition.defect
        decision.matched = decided.matched
        decision.known = decided.known
        return decided.plan

    def _act_waiting(
        self, report: PassReport, stop: threading.Event | None, *, everything: bool
    ) -> bool:
        """Change the waiting messages window by window; False when told to stop first.

        Without ``everything`` only full windows go, so the next chunk can add to one.
        """
        while self._waiting and (everything or len(self._waiting) >= self._window):
            if stop is not None and stop.is_set():
                return False
            window = self._waiting[: self._window]
            del self._waiting[: self._window]
            self._act(window, report)
            self._window = min(self._window * 2, ACT_BATCH)
        return True

    def _stopped(self, folder: str, scan: ScanResult, report: PassReport) -> bool:
        """Told to stop: messages decided but not changed yet are left for the next pass,
        which decides them again (they have no row), and the checkpoint stays before them."""
        if self._waiting:
            dropped = {id(entry.decision) for entry in self._waiting}
            self._finished_through = self._waiting[0].resume_after
            self._outbox = collections.deque(d for d in self._outbox if id(d) not in dropped)
            self._waiting.clear()
            self._waiting_ids.clear()
        self._hand_over_done(report)
        self._save_partial_checkpoint(folder, scan, self._finished_through)
        return False

    def _act(self, waiting: list[_Decided], report: PassReport) -> None:
        """Make the changes of ``waiting``, recorded pending before and done after.

        See ``introgate.acting``: an action shared by several messages is one request.
        """
        if not self.dry_run:
            with self.store.transaction():
                for entry in waiting:
                    self._record(entry.decision, ProcessedStatus.PENDING)
            self.backend.mark_handled_many(
                [entry.decision.ref for entry in waiting],
                {entry.decision.ref: first_labels(entry.plan) for entry in waiting},
            )
        planned = [Planned(entry.plan) for entry in waiting]
        act_together(planned, self._context, self._writing)
        for entry, one in zip(waiting, planned, strict=True):
            entry.decision.outcomes.extend(one.outcomes)
            if one.failed is not None:
                action, exc = one.failed
                entry.failed = True
                entry.decision.error = failure_text(f"action {action.type}", exc)
                log.debug("failure on %s", entry.decision.ref.state_key, exc_info=exc)
        with self._writing():
            for entry in waiting:
                if entry.failed:
                    self._record_failure(entry.decision)
                elif not self.dry_run:
                    self._record(entry.decision, ProcessedStatus.DONE)
        self._waiting_ids.difference_update(
            entry.decision.message_id for entry in waiting if entry.decision.message_id
        )
        self._hand_over_done(report)

    def _writing(self) -> contextlib.AbstractContextManager[None]:
        """One transaction for the state writes inside (none are made in a dry run)."""
        return contextlib.nullcontext() if self.dry_run else self.store.transaction()

    def _note_recognition(
        self, ref: MessageRef, facts: MessageFacts, recognition: Recognition
    ) -> None:
        """What ``introgate status`` reports when a network changes its mails: the mail
        its file does not describe, and the day of each request it does."""
        reading = recognition.reading
        if reading is None:
            return
        recorded = self.store.recognition
        if reading.outcome == "not_understood":
            recorded.record_not_understood(
                self.account.name, reading.network, ref.state_key, facts.subject, facts.date
            )
        elif recognition.requests:
            sent = recognition.requests[0].date or facts.date
            day = (sent or datetime.now(UTC)).astimezone(UTC).date()
            recorded.record_request(self.account.name, reading.network, ref.state_key, day)

    def _is_known(self, request: RequestNotification) -> bool:
        return self.known.is_known(request.requester)

    def _context(self, facts: MessageFacts) -> ActionContext:
        return ActionContext(
            account=self.account.name,
            settings=self.settings,
            backend=self.backend,
            store=self.store,
            drafter=self.drafter,
            facts=facts,
            dry_run=self.dry_run,
            pass_id=self.pass_id,
        )

    def _record(self, decision: Decision, status: ProcessedStatus) -> None:
        n = decision.notification
        self.store.messages.record(
            self.account.name,
            decision.ref,
            status=status,
            message_id=decision.message_id,
            network=n.network if n else None,
            kind=n.kind if n else None,
            requester=n.requester.name if n else None,
            has_note=bool(n.note) if n else None,
            decision=", ".join(decision.matched) or None,
            actions=[{"type": o.type, "summary": o.summary} for o in decision.outcomes],
            error=decision.error or decision.defect,
            pass_id=self.pass_id,
        )

    def _hand_over_done(self, report: PassReport) -> None:
        """Hand over the decisions made, in message order, up to the first still waiting."""
        waiting = {id(entry.decision) for entry in self._waiting}
        while self._outbox and id(self._outbox[0]) not in waiting:
            self._hand_over(self._outbox.popleft(), report)

    def _hand_over(self, decision: Decision, report: PassReport) -> None:
        report.count(decision)
        if self.on_decision is not None:
            self.on_decision(decision)
        else:
            report.decisions.append(decision)
            log_decision(decision, dry_run=self.dry_run)


def log_decision(decision: Decision, *, dry_run: bool, quiet: bool = False) -> None:
    """The decision's log line: INFO for a request or a message a rule acted on.

    ``quiet`` is for a command that prints the decision itself: the log line is then
    only there with ``--verbose``, so each result is shown once.
    """
    level = logging.INFO if (decision.notification or decision.outcomes) else logging.DEBUG
    if decision.error or decision.defect:
        level = logging.WARNING
    if quiet:
        level = logging.DEBUG
    prefix = "[dry run] " if dry_run else ""
    log.log(level, "%s%s", prefix, decision.summary(), extra={"fields": decision.fields()})


@dataclass
class _Step:
    """The step a message is in, so a failure names where it happened."""

    name: str


@contextlib.contextmanager
def _guard(
    ref: MessageRef, step: str, failures: list[Decision], decision: Decision | None = None
) -> Iterator[_Step]:
    """The per-message guard: no message, however hostile, stops the pass.

    Any failure while reading or acting on one message (except a lost connection, which
    ends the pass) is written on its decision as ``step: error`` and the decision is added
    to ``failures``; the pass records it, counts it and goes on with the next message.
    """
    current = _Step(step)
    try:
        yield current
    except ConnectionLost:
        raise
    except Exception as exc:  # any failure: that is the point of the guard
        failed = decision or Decision(ref=ref, message_id=None, sender="")
        failed.error = failure_text(current.name, exc)
        failures.append(failed)
        log.debug("failure on %s", ref.state_key, exc_info=True)


# mail handled by versions before the HANDLED keyword carries only introgate's labels
# (introgate/unexplained, ...): they count too
HANDLED_LABEL_PREFIX = "introgate/"


def carries_handled_label(flags: frozenset[str]) -> bool:
    """Whether the mailbox says introgate acted on the message (IMAP keywords ignore case)."""
    wanted = HANDLED.lower()
    return any(
        flag.lower() == wanted or flag.lower().startswith(HANDLED_LABEL_PREFIX) for flag in flags
    )


def _chunks(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
