"""``requester_known = true``: the user already knows the requester.

Known means in the contacts files, in the allowlist, or in earlier correspondence; the
last may search the mailbox, so this condition runs after the cheap ones of its rule and
only when they all held.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from introgate.rules.conditions.base import MessageView, SettingCondition


class RequesterKnown(SettingCondition):
    key: ClassVar[str] = "requester_known"
    setting: ClassVar[Any] = bool
    doc: ClassVar[str] = "Whether the requester is in contacts, the allowlist or earlier mail."
    needs_notification: ClassVar[bool] = True
    costly = True

    @classmethod
    def compile(cls, setting: bool) -> Self:
        return cls(setting)

    def check(self, message: MessageView) -> tuple[Any, bool]:
        if message.notification is None:
            return None, False
        known = message.facts.requester_known()
        return known, known is self.expected
