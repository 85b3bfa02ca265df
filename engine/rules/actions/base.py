"""What an action gets to work with, and what it reports back."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from introgate.backends.base import MailboxBackend
from introgate.config import Settings
from introgate.drafts import Drafter
from introgate.facts import MessageFacts
from introgate.mail import MessageRef
from introgate.rules.conditions.base import MessageView
from introgate.rules.context import LoadContext
from introgate.state import StateStore


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


@dataclass
class ActionOutcome:
    """What an action did (or would do): one entry in the log line and the audit log."""

    type: str
    summary: str  # e.g. "archived", "draft 3f2a…", "label introgate/known"
    changed: bool
    detail: dict[str, Any] = field(default_factory=dict)


class PlannedAction(Protocol):
    type: ClassVar[str]
    # lower runs first: labels and flags, then the draft, then moves (a move must be last
    # so a crash before it leaves the message where the next pass finds it again)
    stage: ClassVar[int]

    def describe(self) -> dict[str, Any]: ...

    def apply(self, ctx: ActionContext) -> ActionOutcome: ...


class RuleAction(ABC):
    """One kind of action a rule's ``then`` table may name; instances are planned actions.

    ``compile`` turns the checked setting into zero or more actions (``flag = false`` is
    none, a list of labels is one each); ``plan`` fixes what depends on the message (the
    draft's language) before anything runs, so ``describe`` shows exactly what ``apply``
    will do. Subclasses are frozen dataclasses: equal actions compare equal and are
    deduplicated when several matching rules plan the same thing.
    """

    # the key in a rule's ``then`` table
    key: ClassVar[str]
    type: ClassVar[str]
    stage: ClassVar[int]
    # the pydantic type of the value written in the rule file
    setting: ClassVar[Any]
    doc: ClassVar[str]

    @classmethod
    @abstractmethod
    def compile(cls, setting: Any, context: LoadContext) -> list[RuleAction]:
        """The actions a checked setting stands for."""

    def plan(self, message: MessageView, default_language: str) -> RuleAction:
        """This action as it applies to one message; most depend on nothing in it."""
        return self

    @abstractmethod
    def describe(self) -> dict[str, Any]:
        """``{"type": ..., ...}`` for `explain` and the decision log."""

    @abstractmethod
    def apply(self, ctx: ActionContext) -> ActionOutcome:
        """Do it, or with ``ctx.dry_run`` say what would be done and change nothing."""


def message_ref(ctx: ActionContext, action: str) -> MessageRef:
    """The message to act on; facts read from a file (``explain FILE``) have none."""
    if ctx.facts.ref is None:
        raise ValueError(f"{action}: the message is not in a mailbox, there is nothing to change")
    return ctx.facts.ref
