"""``language = "de"`` or a list: the language the notification is written in.

Any two-letter code: the languages a notification can be in are those its network file
has phrases for, so no list of languages lives in code.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BeforeValidator, Field

from introgate.rules.conditions.membership import Membership
from introgate.rules.setting_types import one_or_many

_CODE = re.compile(r"[a-z]{2}")


def _language_code(value: str) -> str:
    if _CODE.fullmatch(value) is None:
        raise ValueError(f'"{value}" is not a two-letter language code such as "fr"')
    return value


LanguageCode = Annotated[
    str,
    Field(description="A two-letter code such as fr", json_schema_extra={"pattern": "^[a-z]{2}$"}),
    AfterValidator(_language_code),
]


class Language(Membership):
    key: ClassVar[str] = "language"
    setting: ClassVar[Any] = Annotated[
        list[LanguageCode],
        Field(min_length=1),
        BeforeValidator(one_or_many, json_schema_input_type=str | list[str]),
    ]
    doc: ClassVar[str] = "The notification's language as a two-letter code (fr, ...)."
    attribute: ClassVar[str] = "language"
