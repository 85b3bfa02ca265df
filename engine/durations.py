"""The one duration grammar, shared by the config (``backfill``) and rule conditions.

A duration is a whole number and one unit: ``m`` (minutes), ``h`` (hours), ``d`` (days)
or ``w`` (weeks), e.g. ``"30d"``. Where "no limit" makes sense (``backfill``), ``"0"`` or
``"all"`` say so. Both are checked when a file is loaded, so ``introgate check`` refuses
what a pass would refuse, with a message that says what is accepted.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

_DURATION = re.compile(r"([0-9]{1,6})\s*([mhdw])")
_UNITS = {
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
}
_UNLIMITED = frozenset({"0", "all"})
EXAMPLES = '"30d", "12h", "2w" or "45m"'


def parse_duration(text: str, *, unlimited: bool = False) -> timedelta:
    """``"30d"`` as a timedelta; with ``unlimited``, ``"0"``/``"all"`` are ``timedelta(0)``.

    Raises ``ValueError`` with a message for the person editing the file.
    """
    cleaned = text.strip().lower()
    if unlimited and cleaned in _UNLIMITED:
        return timedelta(0)
    match = _DURATION.fullmatch(cleaned)
    if match is None:
        accepted = EXAMPLES + (', or "0"/"all" for no limit' if unlimited else "")
        raise ValueError(
            f'"{text}" is not a duration: write a whole number and m, h, d or w, like {accepted}'
        )
    return int(match.group(1)) * _UNITS[match.group(2)]


def check_duration(text: str) -> str:
    """A rule's duration as written (kept for ``explain``), refused unless it parses."""
    parse_duration(text)
    return text


def _written_duration(value: object, *, unlimited: bool) -> object:
    """Text becomes a timedelta; a bare number is refused (TOML ``30`` is not ``"30d"``)."""
    if isinstance(value, timedelta):
        return value
    if unlimited and isinstance(value, int) and not isinstance(value, bool) and value == 0:
        return timedelta(0)
    if isinstance(value, str):
        return parse_duration(value, unlimited=unlimited)
    accepted = EXAMPLES + (', or "0"/"all"' if unlimited else "")
    raise ValueError(f"expected a duration in quotes, like {accepted}")


def _duration(value: object) -> object:
    return _written_duration(value, unlimited=False)


def _duration_or_unlimited(value: object) -> object:
    return _written_duration(value, unlimited=True)


def written_duration(value: timedelta) -> str:
    """A timedelta as a file would write it (``"30d"``); ``"all"`` for no limit."""
    if not value:
        return "all"
    minutes = int(value.total_seconds()) // 60
    for unit, size in (("d", 24 * 60), ("h", 60)):
        if minutes % size == 0:
            return f"{minutes // size}{unit}"
    return f"{minutes}m"


_PATTERN = "^[0-9]{1,6} *[mhdw]$"

DurationText = Annotated[
    str,
    Field(
        description=f"A whole number and m, h, d or w, like {EXAMPLES}.",
        json_schema_extra={"pattern": _PATTERN},
    ),
    AfterValidator(check_duration),
]
"""A duration in a rule file: kept as written, checked by ``parse_duration`` at load."""

Duration = Annotated[
    timedelta,
    BeforeValidator(_duration, json_schema_input_type=str),
    Field(
        description=f"A whole number and m, h, d or w, like {EXAMPLES}.",
        json_schema_extra={"pattern": _PATTERN},
    ),
]
"""A duration written in a file, validated into a ``timedelta``."""

DurationOrUnlimited = Annotated[
    timedelta,
    BeforeValidator(_duration_or_unlimited, json_schema_input_type=str),
    Field(
        description=f'A whole number and m, h, d or w, like {EXAMPLES}; "0" or "all": no limit.',
        json_schema_extra={"pattern": "^([0-9]{1,6} *[mhdw]|0|all)$"},
    ),
]
"""A duration that may also be ``"0"``/``"all"`` (no limit, ``timedelta(0)``)."""
