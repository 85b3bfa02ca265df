"""``days_since_asked = 14``: the question was drafted at least this many days ago."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import Field
from typing_extensions import override

from introgate.rules.conditions.base import AtLeastCondition, MessageView


class DaysSinceAsked(AtLeastCondition):
    key: ClassVar[str] = "days_since_asked"
    setting: ClassVar[Any] = Annotated[int, Field(ge=0)]
    doc: ClassVar[str] = "At least this many days since the question was drafted."
    needs_notification: ClassVar[bool] = False

    @override
    def count(self, message: MessageView) -> int | None:
        lifecycle = message.facts.lifecycle
        asked = lifecycle.asked_at if lifecycle else None
        if asked is None:
            return None
        return (message.now - asked).days
