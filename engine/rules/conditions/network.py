"""``network = "linkedin"`` or a list: which social network sent the request."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo
from typing_extensions import override

from introgate.rules.conditions.membership import Membership
from introgate.rules.context import LoadContext, did_you_mean
from introgate.rules.setting_types import one_or_many


def _known_network(value: str, info: ValidationInfo) -> str:
    context = info.context
    name = value.lower()
    if isinstance(context, LoadContext) and context.networks and name not in context.networks:
        known = sorted(context.networks)
        raise ValueError(
            f'unknown network "{value}"{did_you_mean(name, known)}; known: {", ".join(known)}'
        )
    return name


class Network(Membership):
    key: ClassVar[str] = "network"
    setting: ClassVar[Any] = Annotated[
        list[Annotated[str, AfterValidator(_known_network)]],
        Field(min_length=1),
        BeforeValidator(one_or_many, json_schema_input_type=str | list[str]),
    ]
    doc: ClassVar[str] = "The network that sent the request: one name or a list."
    attribute: ClassVar[str] = "network"
    fold_case: ClassVar[bool] = True

    @override
    def admits(self, kind: str | None, network: str | None) -> bool:
        return network is not None and network.lower() in self.allowed
