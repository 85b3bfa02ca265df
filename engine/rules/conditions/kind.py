"""``kind = "connection_request"`` or a list: what the notification asks for."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Self

from pydantic import BeforeValidator, Field

from engine.recognition.model import RequestKind
from engine.rules.conditions.base import Condition, MessageView
from engine.rules.context import LoadContext
from engine.rules.setting_types import one_or_many


class Kind(Condition):
    key: ClassVar[str] = "kind"
    setting: ClassVar[Any] = Annotated[
        list[RequestKind],
        Field(min_length=1),
        BeforeValidator(one_or_many, json_schema_input_type=RequestKind | list[RequestKind]),
    ]
    doc: ClassVar[str] = (
        "The kind of request: connection_request, friend_request, follow_request or follow."
    )
    needs_notification: ClassVar[bool] = True

    def __init__(self, expected: Any, kinds: frozenset[str]) -> None:
        super().__init__(expected)
        self.kinds = kinds

    @classmethod
    def compile(cls, setting: list[str], context: LoadContext) -> Self:
        return cls(setting[0] if len(setting) == 1 else setting, frozenset(setting))

    def check(self, message: MessageView) -> tuple[Any, bool]:
        notification = message.notification
        if notification is None:
            return None, False
        return notification.kind, notification.kind in self.kinds

    def holds(self, message: MessageView) -> bool:
        notification = message.notification
        return notification is not None and notification.kind in self.kinds

    def admits(self, kind: str | None, network: str | None) -> bool:
        return kind is not None and kind in self.kinds
