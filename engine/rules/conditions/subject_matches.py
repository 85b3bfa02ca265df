"""``subject_matches = "regex"``: works on any mail, not only notifications."""

from __future__ import annotations

from typing import ClassVar

from introgate.rules.conditions.base import MessageView
from introgate.rules.conditions.pattern import PatternMatch


class SubjectMatches(PatternMatch):
    key: ClassVar[str] = "subject_matches"
    doc: ClassVar[str] = "A regular expression searched in the Subject (case-insensitive)."

    def text(self, message: MessageView) -> str | None:
        return message.facts.subject
