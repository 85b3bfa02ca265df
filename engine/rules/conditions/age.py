"""What ``older_than`` and ``newer_than`` share: durations and the message's age.

A duration is a whole number and one unit, ``h`` (hours), ``d`` (days) or ``w`` (weeks);
anything else is refused when the file is loaded. A message without a readable Date
matches neither.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from datetime import UTC, timedelta
from typing import Annotated, Any, ClassVar, Self

from pydantic import AfterValidator, Field

from introgate.rules.conditions.base import MessageView, SettingCondition

_DURATION = re.compile(r"([1-9][0-9]{0,5})([hdw])")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


def parse_duration(text: str) -> timedelta:
    match = _DURATION.fullmatch(text)
    if match is None:
        raise ValueError(
            f'"{text}" is not a duration: write a whole number and h, d or w, e.g. "14d"'
        )
    return int(match.group(1)) * _UNITS[match.group(2)]


def _check_duration(text: str) -> str:
    parse_duration(text)
    return text


Duration = Annotated[
    str,
    Field(
        description='A whole number and h, d or w, e.g. "14d".',
        json_schema_extra={"pattern": f"^{_DURATION.pattern}$"},
    ),
    AfterValidator(_check_duration),
]


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

    setting: ClassVar[Any] = Duration

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
