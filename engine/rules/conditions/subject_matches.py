"""``subject_matches = "regex"``: works on any mail, not only notifications."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from engine.rules.conditions.base import Condition, MessageView
from engine.rules.context import LoadContext
from engine.rules.setting_types import Regex, compile_regex


class SubjectMatches(Condition):
    key: ClassVar[str] = "subject_matches"
    setting: ClassVar[Any] = Regex
    doc: ClassVar[str] = "A regular expression searched in the Subject (case-insensitive)."

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.pattern = compile_regex(expected)

    @classmethod
    def compile(cls, setting: str, context: LoadContext) -> Self:
        return cls(setting)

    def check(self, message: MessageView) -> tuple[Any, bool]:
        subject = message.facts.subject
        return subject, self.pattern.search(subject) is not None

    def holds(self, message: MessageView) -> bool:
        return self.pattern.search(message.facts.subject) is not None
