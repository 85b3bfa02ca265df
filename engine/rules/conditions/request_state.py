"""``request_state = "asked"`` or a list: where the request stands in its life.

For a request's own notification, its recorded state; for a message that introduces
someone, "introduced". Mail that is neither has no request state.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import BeforeValidator, Field

from introgate.rules.conditions.base import MessageView, SettingCondition
from introgate.rules.setting_types import one_or_many
from introgate.state.requests import RequestState

# the values of RequestState, as a rule file writes them
StateName = Literal[
    "new", "asked", "question_sent", "introduced", "no_answer", "known", "dismissed"
]


class RequestStateIs(SettingCondition):
    key: ClassVar[str] = "request_state"
    setting: ClassVar[Any] = Annotated[
        list[StateName],
        Field(min_length=1),
        BeforeValidator(one_or_many, json_schema_input_type=StateName | list[StateName]),
    ]
    doc: ClassVar[str] = (
        "Where the request stands: new, asked, question_sent, introduced, no_answer, known "
        "or dismissed."
    )

    def __init__(self, expected: Any, allowed: frozenset[RequestState]) -> None:
        super().__init__(expected)
        self.allowed = allowed

    @classmethod
    def compile(cls, setting: list[str]) -> Self:
        values = [RequestState(s) for s in setting]
        shown = values[0].value if len(values) == 1 else [v.value for v in values]
        return cls(shown, frozenset(values))

    def check(self, message: MessageView) -> tuple[Any, bool]:
        lifecycle = message.facts.lifecycle
        state = lifecycle.state if lifecycle else None
        return (state.value if state else None), state in self.allowed
