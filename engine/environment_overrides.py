"""``INTROGATE_...`` environment variables as overrides of the config file's values.

``INTROGATE_<SECTION>__<KEY>`` (``__`` for nesting, any case) sets one value;
``INTROGATE_<SECTION>`` sets a whole section, a list or a table written as JSON. The
overrides are merged into the file's tables before the whole is validated, so a bad
value from the environment is reported like one from the file (naming the variable).

pydantic-settings reads the variables (its ``EnvSettingsSource``: nesting, JSON, case),
imported only when one is set: its import costs ~0.15 s, which every short command
(``status``, ``drafts list``) would pay for nothing.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from introgate.errors import ConfigError


def environment_overrides(model: type[BaseModel], prefix: str, nesting: str) -> dict[str, Any]:
    """The values the environment sets for ``model``'s fields, as nested tables."""
    wanted = prefix.lower()
    if not any(name.lower().startswith(wanted) for name in os.environ):
        return {}
    from pydantic_settings import EnvSettingsSource, SettingsError

    source = EnvSettingsSource(
        model,  # type: ignore[arg-type]  # it reads only the fields of a BaseSettings
        case_sensitive=False,
        env_prefix=prefix,
        env_nested_delimiter=nesting,
    )
    try:
        return source()
    except SettingsError as exc:
        raise ConfigError(_not_json(prefix, exc)) from exc


def _not_json(prefix: str, exc: Exception) -> str:
    """The problem line for a list or table that is not JSON, naming its variable.

    pydantic-settings names only the section; the variables under it whose values do not
    read as JSON are the ones to fix.
    """
    section = re.search(r'field "([^"]+)"', str(exc))
    start = prefix.lower() + (section.group(1).lower() if section else "")
    suspects = sorted(
        name.upper()
        for name, value in os.environ.items()
        if name.lower().startswith(start) and not _reads_as_json(value)
    )
    if not suspects:
        return f"environment: {exc}"
    return (
        f"environment variable {', '.join(suspects)}: not valid JSON "
        "(a list or table is written as JSON here)"
    )


def _reads_as_json(value: str) -> bool:
    try:
        json.loads(value)
    except ValueError:
        return False
    return True


def merged(base: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``overrides`` laid over it, table by table; other values replace."""
    result = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result
