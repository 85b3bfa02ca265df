"""``label = "introgate/unexplained"`` or a list: attach labels (IMAP keywords)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BeforeValidator, Field

from introgate.rules.actions.base import (
    Action,
    ActionContext,
    ActionOutcome,
    FixedAction,
    mailbox_refs,
    message_ref,
)
from introgate.rules.setting_types import one_or_many

# IMAP keywords are atoms: printable ASCII without space and ( ) { % * " \ ]
_KEYWORD = re.compile(r"[!#$&\'+-Z^-z|~]+")


def _label_name(value: str) -> str:
    if _KEYWORD.fullmatch(value) is None:
        raise ValueError(
            f'"{value}" cannot be a label: use ASCII letters, digits and - _ / . '
            "(no spaces or accents; labels become IMAP keywords)"
        )
    return value


LabelName = Annotated[str, AfterValidator(_label_name)]


@dataclass(frozen=True)
class Label(FixedAction):
    key: ClassVar[str] = "label"
    type: ClassVar[str] = "label"
    stage: ClassVar[int] = 10
    setting: ClassVar[Any] = Annotated[
        list[LabelName],
        Field(min_length=1),
        BeforeValidator(one_or_many, json_schema_input_type=str | list[str]),
    ]
    doc: ClassVar[str] = "Attach a label (an IMAP keyword); one name or a list."

    value: str

    @classmethod
    def compile(cls, setting: list[str]) -> list[Action]:
        return [cls(value) for value in setting]

    def describe(self) -> dict[str, Any]:
        return {"type": "label", "value": self.value}

    def apply(self, ctx: ActionContext) -> ActionOutcome:
        ref = message_ref(ctx, "label")
        if ctx.dry_run:
            return ActionOutcome("label", f"would label {self.value}", False, self.describe())
        ctx.backend.add_label(ref, self.value)
        return ActionOutcome("label", f"label {self.value}", True, self.describe())

    def apply_many(self, contexts: Sequence[ActionContext]) -> list[ActionOutcome | Exception]:
        refs = mailbox_refs(contexts)
        if refs is None:
            return super().apply_many(contexts)
        failed = contexts[0].backend.add_label_many(refs, self.value)
        return [
            failed.get(ref) or ActionOutcome("label", f"label {self.value}", True, self.describe())
            for ref in refs
        ]
