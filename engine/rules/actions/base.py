"""What an action is, what it gets to work with, and what it reports back."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from typing_extensions import override

from introgate.backends.base import MailboxBackend
from introgate.config import Settings
from introgate.drafts import Drafter
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


class MoveAction(FixedAction, ABC):
    """An action that takes the message out of its folder; it runs last, and only one does."""

    stage: ClassVar[int] = MOVE_STAGE
    moves: ClassVar[bool] = True


def apply_and_audit(action: Action, ctx: ActionContext) -> ActionOutcome:
    """Apply one action; a real one (not a dry run) leaves its outcome in the audit log."""
    outcome = action.apply(ctx)
    if not ctx.dry_run:
        ctx.store.audit.record(
            ctx.account,
            ctx.facts.ref,
            outcome.type,
            {"summary": outcome.summary, "changed": outcome.changed, **outcome.detail},
            pass_id=ctx.pass_id,
        )
    return outcome


def message_ref(ctx: ActionContext, action: str) -> MessageRef:
    """The message to act on; facts read from a file (``explain FILE``) have none."""
    if ctx.facts.ref is None:
        raise ValueError(f"{action}: the message is not in a mailbox, there is nothing to change")
    return ctx.facts.ref
