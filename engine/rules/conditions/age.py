"""What ``older_than`` and ``newer_than`` share: durations and the message's age.

Durations follow the one grammar of ``introgate.durations`` (``"14d"``, ``"3h"``, ...),
the same as the config's ``backfill``; anything else is refused when the file is loaded.
A message without a readable Date matches neither.
"""

from __future__ import annotations

from abc import abstractmethod
from datetime import UTC, timedelta
from typing import Any, ClassVar, Self

from introgate.durations import DurationText, parse_duration
from introgate.rules.conditions.base import MessageView, SettingCondition


def describe_age(age: timedelta) -> str:
    """``16d 3h``: an age an eye can compare with the rule's duration."""
    if age < timedelta(0):
        return "in the future"
    days, seconds = age.days, age.seconds
    return f"{days}d {seconds // 3600}h" if days else f"{seconds // 3600}h {seconds % 3600 // 60}m"


def message_age(message: MessageView) -> timedelta | None:
    date = message.facts.date
    if date is None and message.notification is not None:
        date = message.notification.date
    if date is None:
        return None
    if date.tzinfo is None:
        date = date.replace(tzinfo=UTC)
    return message.now - date


class AgeCondition(SettingCondition):
    """A condition on the message's age; subclasses say which side of the limit holds."""

    setting: ClassVar[Any] = DurationText

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.limit = parse_duration(expected)

    @classmethod
    def compile(cls, setting: str) -> Self:
        return cls(setting)

    def check(self, message: MessageView) -> tuple[Any, bool]:
        age = message_age(message)
        if age is None:
            return None, False
        return describe_age(age), self.meets(age)

    @abstractmethod
    def meets(self, age: timedelta) -> bool:
        """Whether a message of this age meets the limit."""
