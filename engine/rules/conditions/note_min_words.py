"""``note_min_words = 8``: the note is long enough to be an introduction."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import Field

from introgate.rules.conditions.base import AtLeastCondition, MessageView


class NoteMinWords(AtLeastCondition):
    key: ClassVar[str] = "note_min_words"
    setting: ClassVar[Any] = Annotated[int, Field(ge=1)]
    doc: ClassVar[str] = "The note has at least this many words."

    def count(self, message: MessageView) -> int | None:
        notification = message.notification
        if notification is None:
            return None
        return len(notification.note.split()) if notification.note else 0
