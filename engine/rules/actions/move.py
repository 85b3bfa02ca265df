"""``move = "Folder"``: move the message. Runs last, so a crash before it changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from pydantic import Field

from introgate.rules.actions.base import ActionContext, ActionOutcome, RuleAction, message_ref
from introgate.rules.context import LoadContext

MOVE_STAGE = 90


def move_to(ctx: ActionContext, kind: str, folder: str, done: str) -> ActionOutcome:
    """Shared by move and archive: nothing to do when the message is already there."""
    ref = message_ref(ctx, kind)
    detail = {"type": kind, "folder": folder}
    if ref.folder == folder:
        return ActionOutcome(kind, f"already in {folder}", False, detail)
    if ctx.dry_run:
        return ActionOutcome(kind, f"would move to {folder}", False, detail)
    ctx.backend.move(ref, folder)
    return ActionOutcome(kind, done, True, detail)


@dataclass(frozen=True)
class Move(RuleAction):
    key: ClassVar[str] = "move"
    type: ClassVar[str] = "move"
    stage: ClassVar[int] = MOVE_STAGE
    setting: ClassVar[Any] = Annotated[str, Field(min_length=1)]
    doc: ClassVar[str] = "Move the message to this folder (checked to exist by `introgate check`)."

    folder: str

    @classmethod
    def compile(cls, setting: str, context: LoadContext) -> list[RuleAction]:
        return [cls(setting)]

    def describe(self) -> dict[str, Any]:
        return {"type": "move", "folder": self.folder}

    def apply(self, ctx: ActionContext) -> ActionOutcome:
        return move_to(ctx, "move", self.folder, f"moved to {self.folder}")
