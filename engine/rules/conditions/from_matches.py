"""``from_matches = "regex"``: the sender's address or display name contains a pattern."""

from __future__ import annotations

from typing import Any, ClassVar

from introgate.rules.conditions.base import MessageView
from introgate.rules.conditions.pattern import PatternMatch


class FromMatches(PatternMatch):
    key: ClassVar[str] = "from_matches"
    doc: ClassVar[str] = (
        "A regular expression searched in the sender's address and, separately, display name."
    )

    def check(self, message: MessageView) -> tuple[Any, bool]:
        facts = message.facts
        # separately, so "^x@" and "example\.org$" anchor where the user expects
        matched = self.pattern.search(facts.from_address) is not None or (
            bool(facts.from_name) and self.pattern.search(facts.from_name) is not None
        )
        shown = (
            f"{facts.from_name} <{facts.from_address}>" if facts.from_name else facts.from_address
        )
        return shown, matched

    def holds(self, message: MessageView) -> bool:
        facts = message.facts
        search = self.pattern.search
        if search(facts.from_address) is not None:
            return True
        return bool(facts.from_name) and search(facts.from_name) is not None
