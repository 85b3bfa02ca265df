"""``answered = true``: the person explained themselves after their request.

True for a request that became "introduced" (a message or a reply from them arrived),
and for the message or reply that introduced them.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from introgate.rules.conditions.base import MessageView, SettingCondition


class Answered(SettingCondition):
    key: ClassVar[str] = "answered"
    setting: ClassVar[Any] = bool
    doc: ClassVar[str] = (
        "Whether the requester wrote after the request (for the request, and for their message)."
    )

    @classmethod
    def compile(cls, setting: bool) -> Self:
        return cls(setting)

    def check(self, message: MessageView) -> tuple[Any, bool]:
        lifecycle = message.facts.lifecycle
        actual = bool(lifecycle and lifecycle.answered)
        return actual, actual is self.expected
