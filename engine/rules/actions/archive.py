"""``archive = true``: move the message to the account's archive folder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from introgate.backends.base import FolderRole
from introgate.rules.actions.base import ActionContext, ActionOutcome, RuleAction
from introgate.rules.actions.move import MOVE_STAGE, move_to
from introgate.rules.context import LoadContext


@dataclass(frozen=True)
class Archive(RuleAction):
    key: ClassVar[str] = "archive"
    type: ClassVar[str] = "archive"
    stage: ClassVar[int] = MOVE_STAGE
    setting: ClassVar[Any] = bool
    doc: ClassVar[str] = "Move the message to the archive folder (config, SPECIAL-USE or Archive)."

    @classmethod
    def compile(cls, setting: bool, context: LoadContext) -> list[RuleAction]:
        return [cls()] if setting else []

    def describe(self) -> dict[str, Any]:
        return {"type": "archive"}

    def apply(self, ctx: ActionContext) -> ActionOutcome:
        folder = ctx.backend.folder_for(FolderRole.ARCHIVE)
        return move_to(ctx, "archive", folder, "archived")
