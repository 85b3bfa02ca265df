"""``move = "Folder"`` or ``move = { folder = "Folder", create = true }``: move the message.

Runs last, so a crash before it changes nothing. A folder the mailbox does not have is
an error (a misspelt name must not become a new folder that nobody looks at) unless the
rule says ``create = true``; `check --connect`, the dry run and the pass all refuse it
with the same line (:func:`missing_folder`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from introgate.errors import BackendError
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


def missing_folder(folder: str, hint: str = "") -> str:
    """Why a move to ``folder`` is refused, and the two ways out; ``hint``: did you mean."""
    name = json.dumps(folder, ensure_ascii=False)
    return (
        f"no folder {name} in the mailbox{hint}: create it, or write "
        f"move = {{ folder = {name}, create = true }}"
    )


class MoveSetting(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    folder: str = Field(min_length=1, description="The folder to move the message to.")
    create: bool = Field(
        default=False,
        description=(
            "Create the folder when the mailbox has none; without it a missing folder is an error."
        ),
    )


def _move_shorthand(value: Any) -> Any:
    if isinstance(value, str):
        return {"folder": value}
    if isinstance(value, dict):
        return value
    shown = json.dumps(value) if isinstance(value, bool | int | float) else type(value).__name__
    raise ValueError(
        'expected a folder name in quotes or a table such as { folder = "Contacts", '
        f"create = true }}, got {shown}"
    )


@dataclass(frozen=True)
class Move(MoveAction):
    key: ClassVar[str] = "move"
    type: ClassVar[str] = "move"
    setting: ClassVar[Any] = Annotated[
        MoveSetting,
        BeforeValidator(_move_shorthand, json_schema_input_type=str | MoveSetting),
    ]
    doc: ClassVar[str] = (
        'Move the message to this folder, or { folder = "X", create = true } to create it '
        "when missing (a missing folder is otherwise an error)."
    )

    folder: str
    create: bool = False

    @classmethod
    def compile(cls, setting: MoveSetting) -> list[Action]:
        return [cls(setting.folder, setting.create)]

    def describe(self) -> dict[str, Any]:
        described: dict[str, Any] = {"type": "move", "folder": self.folder}
        if self.create:
            described["create"] = True
        return described

    def apply(self, ctx: ActionContext) -> ActionOutcome:
        ref = message_ref(ctx, "move")
        if ref.folder == self.folder or ctx.backend.has_folder(self.folder):
            return move_to(ctx, "move", self.folder, f"moved to {self.folder}")
        if not self.create:
            raise BackendError(missing_folder(self.folder))
        outcome = move_to(ctx, "move", self.folder, f"moved to {self.folder} (folder created)")
        if ctx.dry_run:
            outcome.summary = f"would create {self.folder} and move there"
        return outcome

    def apply_many(self, contexts: Sequence[ActionContext]) -> list[ActionOutcome | Exception]:
        if contexts and not contexts[0].backend.has_folder(self.folder):
            # one by one: each is refused, or the first creates the folder and says so
            return Action.apply_many(self, contexts)
        return move_all_to(self, contexts, "move", self.folder, f"moved to {self.folder}")
