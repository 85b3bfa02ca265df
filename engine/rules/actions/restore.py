"""``restore = true``: move a request's notification back to the folder it was found in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from introgate.rules.actions.base import Action, ActionContext, ActionOutcome, MoveAction
from introgate.rules.actions.move import move_to


@dataclass(frozen=True)
class Restore(MoveAction):
    key: ClassVar[str] = "restore"
    type: ClassVar[str] = "restore"
    setting: ClassVar[Any] = bool
    doc: ClassVar[str] = (
        "Move the request back to the folder it was found in (un-archive it); "
        "nothing to do when it is already there."
    )

    @classmethod
    def compile(cls, setting: bool) -> list[Action]:
        return [cls()] if setting else []

    def describe(self) -> dict[str, Any]:
        return {"type": "restore"}

    def apply(self, ctx: ActionContext) -> ActionOutcome:
        lifecycle = ctx.facts.lifecycle
        record = lifecycle.record if lifecycle else None
        if record is None or not record.source_folder:
            return ActionOutcome("restore", "nothing to restore: not a followed request", False)
        folder = record.source_folder
        return move_to(ctx, "restore", folder, f"restored to {folder}")
