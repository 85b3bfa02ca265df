"""Pydantic types for settings written in rule files, shared by conditions and actions.

TOML is typed, so validation is strict (``"true"`` is not a boolean) and a single value
may stand for a one-element list. Messages are written for someone editing the file.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from introgate.recognition.regex_cost import BoundedPattern, check_linear


def one_or_many(value: Any) -> Any:
    """``"x"`` means ``["x"]``; a list is left for the list type to judge item by item."""
    if isinstance(value, list):
        return value
    if isinstance(value, str | dict):
        return [value]
    shown = ("true" if value else "false") if isinstance(value, bool) else repr(value)
    raise ValueError(f"expected one value or a list [ ... ] of them, got {shown}")


def check_regex(value: str) -> str:
    """Refuse a pattern that does not compile, or that could take exponential time on a
    hostile mail, at load time rather than mid-pass."""
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from exc
    return check_linear(value, re.IGNORECASE)


def compile_regex(value: str) -> BoundedPattern:
    """Patterns ignore case: mail headers and notes vary in case; ``(?-i:...)`` turns it off.
    A pattern searches the first ``MAX_SEARCHED_CHARS`` characters of a text only."""
    return BoundedPattern(re.compile(value, re.IGNORECASE))


NonEmptyText = Annotated[str, Field(min_length=1)]
Regex = Annotated[
    str,
    Field(min_length=1, description="A Python regular expression, searched, case-insensitive."),
    AfterValidator(check_regex),
]
Names = Annotated[
    list[NonEmptyText],
    Field(min_length=1),
    BeforeValidator(one_or_many, json_schema_input_type=str | list[str]),
]
