"""``mutual_at_least = 3``: the requester shares at least this many contacts with the user."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Self

from pydantic import Field

from introgate.rules.conditions.base import MessageView, SettingCondition


class MutualAtLeast(SettingCondition):
    key: ClassVar[str] = "mutual_at_least"
    setting: ClassVar[Any] = Annotated[int, Field(ge=0)]
    doc: ClassVar[str] = (
        "At least this many mutual contacts; false when the notification does not say."
    )
    needs_notification: ClassVar[bool] = True

    def __init__(self, expected: int) -> None:
        super().__init__(expected)
        self.minimum = expected

    @classmethod
    def compile(cls, setting: int) -> Self:
        return cls(setting)

    def check(self, message: MessageView) -> tuple[Any, bool]:
        notification = message.notification
        if notification is None or notification.mutual_connections is None:
            return None, False
        mutual = notification.mutual_connections
        return mutual, mutual >= self.minimum

    def holds(self, message: MessageView) -> bool:
        notification = message.notification
        if notification is None or notification.mutual_connections is None:
            return False
        return notification.mutual_connections >= self.minimum
