"""``has_note = true``: the requester wrote a personal note (a network's default text is none)."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from introgate.rules.conditions.base import MessageView, SettingCondition


class HasNote(SettingCondition):
    key: ClassVar[str] = "has_note"
    setting: ClassVar[Any] = bool
    doc: ClassVar[str] = "Whether the requester wrote a personal note."
    needs_notification: ClassVar[bool] = True

    @classmethod
    def compile(cls, setting: bool) -> Self:
        return cls(setting)

    def check(self, message: MessageView) -> tuple[Any, bool]:
        notification = message.notification
        if notification is None:
            return None, False
        actual = bool(notification.note and notification.note.strip())
        return actual, actual is self.expected

    def holds(self, message: MessageView) -> bool:
        notification = message.notification
        if notification is None:
            return False
        return bool(notification.note and notification.note.strip()) is self.expected
