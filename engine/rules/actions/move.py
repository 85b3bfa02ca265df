"""``move = "Folder"``: move the message. Runs last, so a crash before it changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from pydantic import Field

from introgate.rules.actions.base import (
    Action,
    ActionContext,
    ActionOutcome,
    MoveAction,
    mailbox_refs,
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


def move_all_to(
    action: Action, contexts: Sequence[ActionContext], kind: str, folder: str, done: str
) -> list[ActionOutcome | Exception]:
    """``move_to`` for several messages: one move to ``folder`` for all of them."""
    refs = mailbox_refs(contexts)
    if refs is None:
        return Action.apply_many(action, contexts)
    detail = {"type": kind, "folder": folder}
    failed = contexts[0].backend.move_many(refs, folder)
    return [
        ActionOutcome(kind, f"already in {folder}", False, detail)
        if ref.folder == folder
        else failed.get(ref) or ActionOutcome(kind, done, True, detail)
        for ref in refs
    ]


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

    def apply_many(self, contexts: Sequence[ActionContext]) -> list[ActionOutcome | Exception]:
        return move_all_to(self, contexts, "move", self.folder, f"moved to {self.folder}")
