"""``older_than = "14d"``: the message is older than a duration."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from introgate.rules.conditions.age import AgeCondition


class OlderThan(AgeCondition):
    key: ClassVar[str] = "older_than"
    doc: ClassVar[str] = 'The message is older than this, e.g. "14d" (by its Date header).'

    def meets(self, age: timedelta) -> bool:
        return age > self.limit
