"""``kind = "connection_request"`` or a list: what the notification asks for."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator, Field
from typing_extensions import override

from introgate.recognition.model import RequestKind
from introgate.rules.conditions.membership import Membership
from introgate.rules.setting_types import one_or_many


class Kind(Membership):
    key: ClassVar[str] = "kind"
    setting: ClassVar[Any] = Annotated[
        list[RequestKind],
        Field(min_length=1),
        BeforeValidator(one_or_many, json_schema_input_type=RequestKind | list[RequestKind]),
    ]
    doc: ClassVar[str] = (
        "The kind of request: connection_request, friend_request, follow_request or follow."
    )
    attribute: ClassVar[str] = "kind"

    @override
    def admits(self, kind: str | None, network: str | None) -> bool:
        return kind is not None and kind in self.allowed
