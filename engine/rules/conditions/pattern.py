"""What the ``*_matches`` conditions share: a regex checked at load, compiled once.

A subclass names the text searched (``text``, None when the message has none) or,
when it searches more than one, overrides ``check`` and ``holds`` itself.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from introgate.rules.conditions.base import MessageView, SettingCondition
from introgate.rules.setting_types import Regex, compile_regex


class PatternMatch(SettingCondition):
    setting: ClassVar[Any] = Regex

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.pattern = compile_regex(expected)

    @classmethod
    def compile(cls, setting: str) -> Self:
        return cls(setting)

    def text(self, message: MessageView) -> str | None:
        """The text searched; None means the condition does not hold (nothing to search)."""
        raise NotImplementedError

    def check(self, message: MessageView) -> tuple[Any, bool]:
        text = self.text(message)
        if text is None:
            return None, False
        return text, self.pattern.search(text) is not None

    def holds(self, message: MessageView) -> bool:
        text = self.text(message)
        return text is not None and self.pattern.search(text) is not None
