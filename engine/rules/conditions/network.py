"""``network = "linkedin"`` or a list: which social network sent the request."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Self

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo

from engine.rules.conditions.base import Condition, MessageView
from engine.rules.context import LoadContext, did_you_mean
from engine.rules.setting_types import one_or_many


def _known_network(value: str, info: ValidationInfo) -> str:
    context = info.context
    name = value.lower()
    if isinstance(context, LoadContext) and context.networks and name not in context.networks:
        known = sorted(context.networks)
        raise ValueError(
            f'unknown network "{value}"{did_you_mean(name, known)}; known: {", ".join(known)}'
        )
    return name


class Network(Condition):
    key: ClassVar[str] = "network"
    setting: ClassVar[Any] = Annotated[
        list[Annotated[str, AfterValidator(_known_network)]],
        Field(min_length=1),
        BeforeValidator(one_or_many, json_schema_input_type=str | list[str]),
    ]
    doc: ClassVar[str] = "The network that sent the request: one name or a list."
    needs_notification: ClassVar[bool] = True

    def __init__(self, expected: Any, names: frozenset[str]) -> None:
        super().__init__(expected)
        self.names = names

    @classmethod
    def compile(cls, setting: list[str], context: LoadContext) -> Self:
        return cls(setting[0] if len(setting) == 1 else setting, frozenset(setting))

    def check(self, message: MessageView) -> tuple[Any, bool]:
        notification = message.notification
        if notification is None:
            return None, False
        return notification.network, notification.network.lower() in self.names

    def holds(self, message: MessageView) -> bool:
        notification = message.notification
        return notification is not None and notification.network.lower() in self.names

    def admits(self, kind: str | None, network: str | None) -> bool:
        return network is not None and network.lower() in self.names
