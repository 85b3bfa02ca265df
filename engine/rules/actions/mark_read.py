"""``mark_read = true``: mark the message read (``\\Seen``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from introgate.mail import SEEN
from introgate.rules.actions.base import (
    Action,
    ActionContext,
    ActionOutcome,
    FixedAction,
    message_ref,
)


@dataclass(frozen=True)
class MarkRead(FixedAction):
    key: ClassVar[str] = "mark_read"
    type: ClassVar[str] = "mark_read"
    stage: ClassVar[int] = 10
    setting: ClassVar[Any] = bool
    doc: ClassVar[str] = "Mark the message read (\\Seen)."

    @classmethod
    def compile(cls, setting: bool) -> list[Action]:
        return [cls()] if setting else []

    def describe(self) -> dict[str, Any]:
        return {"type": "mark_read"}

    def apply(self, ctx: ActionContext) -> ActionOutcome:
        ref = message_ref(ctx, "mark_read")
        if ctx.dry_run:
            return ActionOutcome("mark_read", "would mark read", False, self.describe())
        ctx.backend.set_flags(ref, [SEEN])
        return ActionOutcome("mark_read", "marked read", True, self.describe())
