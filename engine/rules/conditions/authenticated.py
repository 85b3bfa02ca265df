"""``authenticated = false``: the user's own server says the sender was forged.

``"unknown"`` means no trusted Authentication-Results header said either way.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Self

from pydantic import PlainValidator, WithJsonSchema

from introgate.rules.conditions.base import MessageView, SettingCondition
from introgate.rules.context import did_you_mean

UNKNOWN = "unknown"


def _authenticity(value: Any) -> bool | str:
    if isinstance(value, bool) or value == UNKNOWN:
        return value  # type: ignore[no-any-return]
    hint = did_you_mean(value, [UNKNOWN, "true", "false"]) if isinstance(value, str) else ""
    shown = f'"{value}"' if isinstance(value, str) else repr(value)
    raise ValueError(f'expected true, false or "unknown", got {shown}{hint}')


class Authenticated(SettingCondition):
    key: ClassVar[str] = "authenticated"
    setting: ClassVar[Any] = Annotated[
        Any,
        PlainValidator(_authenticity),
        WithJsonSchema({"anyOf": [{"type": "boolean"}, {"const": UNKNOWN}]}),
    ]
    doc: ClassVar[str] = (
        'Whether the sender passed the trusted server\'s checks: true, false or "unknown".'
    )
    needs_notification: ClassVar[bool] = True

    @classmethod
    def compile(cls, setting: bool | str) -> Self:
        return cls(setting)

    def check(self, message: MessageView) -> tuple[Any, bool]:
        notification = message.notification
        if notification is None:
            return None, False
        verdict = notification.authenticated
        actual: bool | str = UNKNOWN if verdict is None else verdict
        return actual, actual == self.expected and type(actual) is type(self.expected)
