"""``note_min_words = 8``: the note is long enough to be an introduction."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Self

from pydantic import Field

from introgate.rules.conditions.base import MessageView, SettingCondition


class NoteMinWords(SettingCondition):
    key: ClassVar[str] = "note_min_words"
    setting: ClassVar[Any] = Annotated[int, Field(ge=1)]
    doc: ClassVar[str] = "The note has at least this many words."
    needs_notification: ClassVar[bool] = True

    def __init__(self, expected: int) -> None:
        super().__init__(expected)
        self.minimum = expected

    @classmethod
    def compile(cls, setting: int) -> Self:
        return cls(setting)

    def check(self, message: MessageView) -> tuple[Any, bool]:
        notification = message.notification
        if notification is None:
            return None, False
        words = len(notification.note.split()) if notification.note else 0
        return words, words >= self.minimum
