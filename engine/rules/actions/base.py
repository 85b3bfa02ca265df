"""What an action is, what it gets to work with, and what it reports back."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, ClassVar

from typing_extensions import override

from introgate.backends.base import MailboxBackend
from introgate.config import Settings
from introgate.drafts import Drafter
from introgate.errors import ConnectionLost
from introgate.facts import MessageFacts
from introgate.mail import MessageRef
from introgate.rules.conditions.base import MessageView
from introgate.state import StateStore

# the stage of moves: after everything else
MOVE_STAGE = 90


@dataclass
class ActionContext:
    """Everything an action may touch. ``dry_run``: report what would happen, change nothing."""

    account: str
    settings: Settings
    backend: MailboxBackend
    store: StateStore
    drafter: Drafter
    facts: MessageFacts
    dry_run: bool = False
    # the pass it runs in: its audit entries carry it, so `undo --pass` finds them
    pass_id: int | None = None


@dataclass
class ActionOutcome:
    """What an action did (or would do): one entry in the log line and the audit log."""

    type: str
    summary: str  # e.g. "archived", "draft 3f2a…", "label introgate/known"
    changed: bool
    detail: dict[str, Any] = field(default_factory=dict)


class Action(ABC):
    """One kind of action a rule's ``then`` table may name; its instances are what runs.

    ``compile`` turns the checked setting into zero or more actions (``flag = false`` is
    none, a list of labels is one each); ``plan`` fixes what depends on the message (the
    draft's language) before anything runs, so ``describe`` shows exactly what ``apply``
    will do. Subclasses are frozen dataclasses: equal actions compare equal and hash
    alike, which is how several matching rules (or the requests of a digest) that plan
    the same thing do it once.
    """

    # the key in a rule's ``then`` table
    key: ClassVar[str]
    # the name in outcomes, the decision log and `explain`
    type: ClassVar[str]
    # lower runs first: labels and flags, then the draft, then the move (a move must be
    # last so a crash before it leaves the message where the next pass finds it again)
    stage: ClassVar[int]
    # the pydantic type of the value written in the rule file
    setting: ClassVar[Any]
    doc: ClassVar[str]
    # takes the message out of its folder: a message gets at most one such action
    moves: ClassVar[bool] = False
    # acts for the person who asked rather than on the message: a digest of several
    # requests runs it once per request instead of once for the message
    per_request: ClassVar[bool] = False

    @classmethod
    @abstractmethod
    def compile(cls, setting: Any) -> list[Action]:
        """The actions a checked setting stands for.

        Checks that need the configuration (templates) belong in the setting's
        validators, which get the ``LoadContext``.
        """

    @abstractmethod
    def plan(self, message: MessageView, default_language: str) -> Action:
        """This action as it applies to one message."""

    @abstractmethod
    def describe(self) -> dict[str, Any]:
        """``{"type": ..., ...}`` for `explain` and the decision log."""

    @abstractmethod
    def apply(self, ctx: ActionContext) -> ActionOutcome:
        """Do it, or with ``ctx.dry_run`` say what would be done and change nothing."""

    def apply_many(self, contexts: Sequence[ActionContext]) -> list[ActionOutcome | Exception]:
        """``apply`` for several messages: an outcome, or what failed, for each.

        One by one here, each message's state writes all or none; actions whose backend
        can change many messages in one request (labels, flags, moves) override it. A
        lost connection raises: it ends the pass.
        """
        results: list[ActionOutcome | Exception] = []
        for ctx in contexts:
            try:
                with nullcontext() if ctx.dry_run else ctx.store.transaction():
                    results.append(self.apply(ctx))
            except ConnectionLost:
                raise
            except Exception as exc:  # noqa: BLE001 - the failure belongs to this message alone
                results.append(exc)
        return results


class FixedAction(Action, ABC):
    """An action that is the same for every message it applies to."""

    @override
    def plan(self, message: MessageView, default_language: str) -> Action:
        return self


class SystemFlagAction(FixedAction, ABC):
    """``<key> = true`` sets one system flag on the message (``\\Flagged``, ``\\Seen``)."""

    stage: ClassVar[int] = 10
    setting: ClassVar[Any] = bool
    system_flag: ClassVar[str]
    # what the outcome says: "flagged" / "would flag"
    done: ClassVar[str]
    would: ClassVar[str]

    @classmethod
    def compile(cls, setting: bool) -> list[Action]:
        return [cls()] if setting else []

    def describe(self) -> dict[str, Any]:
        return {"type": self.type}

    def apply(self, ctx: ActionContext) -> ActionOutcome:
        ref = message_ref(ctx, self.type)
        if ctx.dry_run:
            return ActionOutcome(self.type, self.would, False, self.describe())
        ctx.backend.set_flags(ref, [self.system_flag])
        return ActionOutcome(self.type, self.done, True, self.describe())

    def apply_many(self, contexts: Sequence[ActionContext]) -> list[ActionOutcome | Exception]:
        refs = mailbox_refs(contexts)
        if refs is None:
            return super().apply_many(contexts)
        failed = contexts[0].backend.set_flags_many(refs, [self.system_flag])
        return [
            failed.get(ref) or ActionOutcome(self.type, self.done, True, self.describe())
            for ref in refs
        ]


class MoveAction(FixedAction, ABC):
    """An action that takes the message out of its folder; it runs last, and only one does."""

    stage: ClassVar[int] = MOVE_STAGE
    moves: ClassVar[bool] = True


def apply_and_audit(action: Action, ctx: ActionContext) -> ActionOutcome:
    """Apply one action; a real one (not a dry run) leaves its outcome in the audit log."""
    outcome = action.apply(ctx)
    _audit(ctx, outcome)
    return outcome


def apply_and_audit_many(
    action: Action, contexts: Sequence[ActionContext]
) -> list[ActionOutcome | Exception]:
    """``apply_and_audit`` of one action on several messages, changed together where the
    backend can; what failed is returned for its message, not raised."""
    results = action.apply_many(contexts)
    for ctx, result in zip(contexts, results, strict=True):
        if isinstance(result, ActionOutcome):
            _audit(ctx, result)
    return results


def _audit(ctx: ActionContext, outcome: ActionOutcome) -> None:
    if not ctx.dry_run:
        ctx.store.audit.record(
            ctx.account,
            ctx.facts.ref,
            outcome.type,
            {"summary": outcome.summary, "changed": outcome.changed, **outcome.detail},
            pass_id=ctx.pass_id,
        )


def mailbox_refs(contexts: Sequence[ActionContext]) -> list[MessageRef] | None:
    """The messages a real change to several at once is for; None when that cannot be
    (a dry run, a message not in a mailbox, or different mailboxes): then one by one."""
    if not contexts or any(ctx.dry_run or ctx.facts.ref is None for ctx in contexts):
        return None
    if any(ctx.backend is not contexts[0].backend for ctx in contexts):
        return None
    return [ctx.facts.ref for ctx in contexts if ctx.facts.ref is not None]


def message_ref(ctx: ActionContext, action: str) -> MessageRef:
    """The message to act on; facts read from a file (``explain FILE``) have none."""
    if ctx.facts.ref is None:
        raise ValueError(f"{action}: the message is not in a mailbox, there is nothing to change")
    return ctx.facts.ref
