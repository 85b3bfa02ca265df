"""Undoing one pass: what it moved goes back, the labels it added come off.

The audit log says what a pass changed (every entry carries the pass id). Per message,
the labels come off first, where the message is now, then the message moves back to the
folder it came from (MOVE, or COPY + ``UID EXPUNGE`` of that UID: never a delete). Each
step is recorded as an ``undo`` entry naming the entry it undoes, right after it is done:
a rerun skips what is recorded and finds an unrecorded move already back home, so an
undo killed anywhere is finished by running it again, and a second undo changes nothing.

Drafts stay where they are: a draft is never sent without the user, and `drafts discard`
moves one to Trash when the user decides so. Flags (``\\Seen``, ``\\Flagged``) stay too:
introgate cannot tell whether the user had set them as well. The messages stay handled
(state rows and the handled keyword): the next pass does not act on them again, and
`introgate reapply` is there to run the rules once more.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from introgate.backends.base import MailboxBackend
from introgate.errors import BackendError
from introgate.facts import facts_from_headers
from introgate.mail import MessageRef
from introgate.state import StateStore
from introgate.state.audit import AuditEntry

# actions whose entries move the message out of its folder (detail["folder"]: where to)
MOVES = frozenset({"move", "archive", "restore"})
UNDO = "undo"


@dataclass
class UndoStep:
    """One change of the pass, and what undoing it did (or would do)."""

    message: str  # who or what, as a user recognises it
    result: str
    changed: bool = False


@dataclass
class UndoReport:
    pass_id: int
    account: str
    dry_run: bool
    steps: list[UndoStep] = field(default_factory=list)
    # changes of the pass undone by an earlier undo
    done_before: int = 0
    drafts_kept: list[str] = field(default_factory=list)


def split_state_key(state_key: str) -> MessageRef:
    """``folder/key`` back into a reference (folder names may hold ``/``, keys never do)."""
    folder, _, key = state_key.rpartition("/")
    return MessageRef(folder, key)


def undo_pass(
    account: str,
    backend: MailboxBackend,
    store: StateStore,
    pass_id: int,
    *,
    dry_run: bool,
) -> UndoReport:
    """Undo what pass ``pass_id`` changed in the mailbox, step by recorded step."""
    report = UndoReport(pass_id, account, dry_run)
    done = {entry.detail.get("entry") for entry in store.audit.about(pass_id, UNDO)}
    by_message: dict[str, list[AuditEntry]] = {}
    for entry in store.audit.of_pass(pass_id):
        if entry.account != account or not entry.detail.get("changed"):
            continue
        if entry.action == "draft":
            report.drafts_kept.append(str(entry.detail.get("draft_id") or ""))
            continue
        if entry.action != "label" and entry.action not in MOVES:
            continue  # flags stay: the user may have set them too
        if entry.entry_id in done:
            report.done_before += 1
            continue
        if entry.message_key:
            by_message.setdefault(entry.message_key, []).append(entry)
    for key, entries in by_message.items():
        _MessageUndo(account, backend, store, pass_id, dry_run, report, key).run(entries)
    return report


@dataclass
class _MessageUndo:
    account: str
    backend: MailboxBackend
    store: StateStore
    pass_id: int
    dry_run: bool
    report: UndoReport
    state_key: str

    def run(self, entries: list[AuditEntry]) -> None:
        source = split_state_key(self.state_key)
        record = self.store.messages.get(self.account, source)
        identity = record.message_id if record else None
        who = self.state_key
        if record is not None and record.requester:
            who = f"{record.requester} ({record.network})"
        moves = [e for e in entries if e.action in MOVES]
        labels = [e for e in entries if e.action == "label"]
        here = source
        if moves:
            found = self._find(str(moves[-1].detail.get("folder")), identity, source.key)
            if found is None:
                back = self._find(source.folder, identity, source.key)
                if back is None:
                    self._step(
                        who,
                        f"not found in {moves[-1].detail.get('folder')} or {source.folder} "
                        "(moved or deleted since): left as it is",
                    )
                    return
                here = back
            else:
                here = found
        for entry in labels:
            self._unlabel(who, here, entry)
        for entry in moves[:-1]:
            self._record(here, entry, "moved on by the same pass")
        if moves:
            self._move_back(who, here, source.folder, moves[-1])

    def _find(self, folder: str, identity: str | None, key: str) -> MessageRef | None:
        """The message in ``folder``: by Message-ID, else (Maildir keeps its file name on a
        move) by its key, checked against the content fingerprint."""
        if identity and not identity.startswith("sha256:"):
            refs = self.backend.find_by_message_id(folder, identity)
            return refs[-1] if refs else None
        candidate = MessageRef(folder, key)
        items = self.backend.fetch_headers([candidate])
        if items and identity and facts_from_headers(candidate, items[0].raw).identity == identity:
            return candidate
        return None

    def _unlabel(self, who: str, here: MessageRef, entry: AuditEntry) -> None:
        label = str(entry.detail.get("value"))
        if self.dry_run:
            self._step(who, f"would remove label {label}", changed=True)
            return
        try:
            removed = self.backend.remove_label(here, label)
        except BackendError as exc:
            self._step(who, f"label {label} not removed: {exc}")
            return
        text = (
            f"label {label} removed"
            if removed
            else f"label {label} is a folder on this server: left there"
        )
        self._record(here, entry, text)
        self._step(who, text, changed=removed)

    def _move_back(self, who: str, here: MessageRef, home: str, entry: AuditEntry) -> None:
        if here.folder == home:
            if not self.dry_run:
                self._record(here, entry, f"already back in {home}")
            self._step(who, f"already back in {home}")
            return
        if self.dry_run:
            self._step(who, f"would move back from {here.folder} to {home}", changed=True)
            return
        self.backend.move(here, home)
        self._record(here, entry, f"moved back from {here.folder} to {home}")
        self._step(who, f"moved back from {here.folder} to {home}", changed=True)

    def _record(self, ref: MessageRef, entry: AuditEntry, summary: str) -> None:
        if self.dry_run:
            return
        self.store.audit.record(
            self.account,
            ref,
            UNDO,
            {"undoes_pass": self.pass_id, "entry": entry.entry_id, "summary": summary},
        )

    def _step(self, who: str, result: str, *, changed: bool = False) -> None:
        self.report.steps.append(UndoStep(who, result, changed))
