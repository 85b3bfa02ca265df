"""``note_matches = "regex"``: the personal note contains a pattern (case-insensitive)."""

from __future__ import annotations

from typing import ClassVar

from introgate.rules.conditions.base import MessageView
from introgate.rules.conditions.pattern import PatternMatch


class NoteMatches(PatternMatch):
    key: ClassVar[str] = "note_matches"
    doc: ClassVar[str] = "A regular expression searched in the note (case-insensitive)."
    needs_notification: ClassVar[bool] = True

    def text(self, message: MessageView) -> str | None:
        notification = message.notification
        if notification is None:
            return None
        return notification.note or ""
