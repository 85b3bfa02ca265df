"""What ``kind``, ``language`` and ``network`` share: one notification field against a set.

The rule may name one value or a list; ``explain`` shows the single value as written
rather than a one-element list, and the field as the notification carries it.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from introgate.rules.conditions.base import MessageView, SettingCondition


class Membership(SettingCondition):
    # the RequestNotification field compared
    attribute: ClassVar[str]
    # compare the field lower-cased (the setting is already lower-case)
    fold_case: ClassVar[bool] = False
    needs_notification: ClassVar[bool] = True

    def __init__(self, expected: Any, allowed: frozenset[str]) -> None:
        super().__init__(expected)
        self.allowed = allowed

    @classmethod
    def compile(cls, setting: list[str]) -> Self:
        return cls(setting[0] if len(setting) == 1 else setting, frozenset(setting))

    def check(self, message: MessageView) -> tuple[Any, bool]:
        notification = message.notification
        if notification is None:
            return None, False
        value = getattr(notification, self.attribute)
        return value, self.holds(message)

    def holds(self, message: MessageView) -> bool:
        notification = message.notification
        if notification is None:
            return False
        value = getattr(notification, self.attribute)
        if self.fold_case and value is not None:
            value = value.lower()
        return value in self.allowed
