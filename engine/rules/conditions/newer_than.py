"""``newer_than = "3h"``: the message is newer than a duration."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from introgate.rules.conditions.age import AgeCondition


class NewerThan(AgeCondition):
    key: ClassVar[str] = "newer_than"
    doc: ClassVar[str] = 'The message is newer than this, e.g. "3h" (by its Date header).'

    def meets(self, age: timedelta) -> bool:
        return age < self.limit
