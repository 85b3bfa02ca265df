"""``move = "Folder"``: move the message. Runs last, so a crash before it changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from pydantic import Field

from introgate.rules.actions.base import (
    Action,
    ActionContext,
    ActionOutcome,
    MoveAction,
    message_ref,
)


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
class Move(MoveAction):
    key: ClassVar[str] = "move"
    type: ClassVar[str] = "move"
    setting: ClassVar[Any] = Annotated[str, Field(min_length=1)]
    doc: ClassVar[str] = "Move the message to this folder (checked to exist by `introgate check`)."

    folder: str

    @classmethod
    def compile(cls, setting: str) -> list[Action]:
        return [cls(setting)]

    def describe(self) -> dict[str, Any]:
        return {"type": "move", "folder": self.folder}

    def apply(self, ctx: ActionContext) -> ActionOutcome:
        return move_to(ctx, "move", self.folder, f"moved to {self.folder}")
