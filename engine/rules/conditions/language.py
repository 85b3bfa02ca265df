"""``language = "de"`` or a list: the language the notification is written in."""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, Self

from pydantic import AfterValidator, BeforeValidator, Field

from engine.rules.conditions.base import Condition, MessageView
from engine.rules.context import LoadContext
from engine.rules.setting_types import one_or_many

_CODE = re.compile(r"[a-z]{2}")


def _language_code(value: str) -> str:
    if _CODE.fullmatch(value) is None:
        raise ValueError(f'"{value}" is not a two-letter language code such as "de" or "en"')
    return value


LanguageCode = Annotated[
    str,
    Field(description="A two-letter code: de, en ...", json_schema_extra={"pattern": "^[a-z]{2}$"}),
    AfterValidator(_language_code),
]


class Language(Condition):
    key: ClassVar[str] = "language"
    setting: ClassVar[Any] = Annotated[
        list[LanguageCode],
        Field(min_length=1),
        BeforeValidator(one_or_many, json_schema_input_type=str | list[str]),
    ]
    doc: ClassVar[str] = "The notification's language as a two-letter code (de, en ...)."
    needs_notification: ClassVar[bool] = True

    def __init__(self, expected: Any, languages: frozenset[str]) -> None:
        super().__init__(expected)
        self.languages = languages

    @classmethod
    def compile(cls, setting: list[str], context: LoadContext) -> Self:
        return cls(setting[0] if len(setting) == 1 else setting, frozenset(setting))

    def check(self, message: MessageView) -> tuple[Any, bool]:
        notification = message.notification
        if notification is None:
            return None, False
        return notification.language, notification.language in self.languages

    def holds(self, message: MessageView) -> bool:
        notification = message.notification
        return notification is not None and notification.language in self.languages
