"""``archive = true``: move the message to the account's archive folder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from introgate.backends.base import FolderRole
from introgate.rules.actions.base import Action, ActionContext, ActionOutcome, MoveAction
from introgate.rules.actions.move import move_all_to, move_to


@dataclass(frozen=True)
class Archive(MoveAction):
    key: ClassVar[str] = "archive"
    type: ClassVar[str] = "archive"
    setting: ClassVar[Any] = bool
    doc: ClassVar[str] = "Move the message to the archive folder (config, SPECIAL-USE or Archive)."

    @classmethod
    def compile(cls, setting: bool) -> list[Action]:
        return [cls()] if setting else []

    def describe(self) -> dict[str, Any]:
        return {"type": "archive"}

    def apply(self, ctx: ActionContext) -> ActionOutcome:
        folder = ctx.backend.folder_for(FolderRole.ARCHIVE)
        return move_to(ctx, "archive", folder, "archived")

    def apply_many(self, contexts: Sequence[ActionContext]) -> list[ActionOutcome | Exception]:
        if not contexts or contexts[0].dry_run:
            return super().apply_many(contexts)
        folder = contexts[0].backend.folder_for(FolderRole.ARCHIVE)
        return move_all_to(self, contexts, "archive", folder, "archived")
