"""``header = { name = "List-Id", matches = "regex" }`` (or a list of them, all must hold)."""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, Self

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from introgate.rules.conditions.base import MessageView, SettingCondition
from introgate.rules.setting_types import Regex, compile_regex, one_or_many

_HEADER_NAME = re.compile(r"[!-9;-~]+")


def _header_name(value: str) -> str:
    if _HEADER_NAME.fullmatch(value) is None:
        raise ValueError(f'"{value}" is not a header name (letters, digits and "-", no colon)')
    return value


class HeaderSetting(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: Annotated[
        str,
        Field(description="The header's name, e.g. List-Id."),
        AfterValidator(_header_name),
    ]
    matches: Regex


class Header(SettingCondition):
    key: ClassVar[str] = "header"
    setting: ClassVar[Any] = Annotated[
        list[HeaderSetting],
        Field(min_length=1),
        BeforeValidator(one_or_many, json_schema_input_type=HeaderSetting | list[HeaderSetting]),
    ]
    doc: ClassVar[str] = (
        "A header whose value matches a regular expression; a list means all must match."
    )

    def __init__(self, expected: Any, tests: list[tuple[str, Any]]) -> None:
        super().__init__(expected)
        self.tests = tests

    @classmethod
    def compile(cls, setting: list[HeaderSetting]) -> Self:
        expected = [item.model_dump() for item in setting]
        tests = [(item.name, compile_regex(item.matches)) for item in setting]
        return cls(expected[0] if len(expected) == 1 else expected, tests)

    def check(self, message: MessageView) -> tuple[Any, bool]:
        actual: dict[str, list[str] | None] = {}
        result = True
        for name, pattern in self.tests:
            values = message.header_values(name)
            actual[name] = values or None
            if not any(pattern.search(value) for value in values):
                result = False
        if len(actual) == 1:
            return next(iter(actual.values())), result
        return actual, result

    def holds(self, message: MessageView) -> bool:
        for name, pattern in self.tests:
            for value in message.header_values(name):
                if pattern.search(value) is not None:
                    break
            else:
                return False
        return True
