"""``mutual_at_least = 3``: the requester shares at least this many contacts with the user."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import Field

from introgate.rules.conditions.base import AtLeastCondition, MessageView


class MutualAtLeast(AtLeastCondition):
    key: ClassVar[str] = "mutual_at_least"
    setting: ClassVar[Any] = Annotated[int, Field(ge=0)]
    doc: ClassVar[str] = (
        "At least this many mutual contacts; false when the notification does not say."
    )

    def count(self, message: MessageView) -> int | None:
        notification = message.notification
        return notification.mutual_connections if notification is not None else None
