"""``flag = true``: mark the message important (``\\Flagged``), so the user sees it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from introgate.mail import FLAGGED
from introgate.rules.actions.base import (
    Action,
    ActionContext,
    ActionOutcome,
    FixedAction,
    message_ref,
)


@dataclass(frozen=True)
class Flag(FixedAction):
    key: ClassVar[str] = "flag"
    type: ClassVar[str] = "flag"
    stage: ClassVar[int] = 10
    setting: ClassVar[Any] = bool
    doc: ClassVar[str] = "Flag the message (\\Flagged)."

    @classmethod
    def compile(cls, setting: bool) -> list[Action]:
        return [cls()] if setting else []

    def describe(self) -> dict[str, Any]:
        return {"type": "flag"}

    def apply(self, ctx: ActionContext) -> ActionOutcome:
        ref = message_ref(ctx, "flag")
        if ctx.dry_run:
            return ActionOutcome("flag", "would flag", False, self.describe())
        ctx.backend.set_flags(ref, [FLAGGED])
        return ActionOutcome("flag", "flagged", True, self.describe())
