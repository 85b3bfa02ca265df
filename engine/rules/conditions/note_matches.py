"""``note_matches = "regex"``: the personal note contains a pattern (case-insensitive)."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from engine.rules.conditions.base import Condition, MessageView
from engine.rules.context import LoadContext
from engine.rules.setting_types import Regex, compile_regex


class NoteMatches(Condition):
    key: ClassVar[str] = "note_matches"
    setting: ClassVar[Any] = Regex
    doc: ClassVar[str] = "A regular expression searched in the note (case-insensitive)."
    needs_notification: ClassVar[bool] = True

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.pattern = compile_regex(expected)

    @classmethod
    def compile(cls, setting: str, context: LoadContext) -> Self:
        return cls(setting)

    def check(self, message: MessageView) -> tuple[Any, bool]:
        notification = message.notification
        if notification is None:
            return None, False
        note = notification.note or ""
        return note, self.pattern.search(note) is not None

    def holds(self, message: MessageView) -> bool:
        notification = message.notification
        return notification is not None and self.pattern.search(notification.note or "") is not None
