"""``INTROGATE_...`` environment variables as overrides of the config file's values.

``INTROGATE_<SECTION>__<KEY>`` (``__`` for nesting, any case) sets one value;
``INTROGATE_<SECTION>`` sets a whole section, a list or a table written as JSON. The
overrides are merged into the file's tables before the whole is validated, so a bad
value from the environment is reported like one from the file (naming the variable).
pydantic-settings does the same, but importing it costs every command ~0.15 s of its
start-up.
"""

from __future__ import annotations

import json
import os
import types
from collections.abc import Mapping
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

from introgate.errors import ConfigError


def environment_overrides(model: type[BaseModel], prefix: str, nesting: str) -> dict[str, Any]:
    """The values the environment sets for ``model``'s fields, as nested tables."""
    found = {name.lower(): value for name, value in os.environ.items()}
    prefix, nesting = prefix.lower(), nesting.lower()
    overrides: dict[str, Any] = {}
    for field, info in model.model_fields.items():
        variable = prefix + field
        value: Any = found.get(variable)
        if value is not None and _is_complex(info.annotation):
            value = _json(variable, value)
        nested = _nested(found, variable + nesting, nesting, info.annotation)
        if nested:
            value = merged(value, nested) if isinstance(value, dict) else nested
        if value is not None:
            overrides[field] = value
    return overrides


def merged(base: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``overrides`` laid over it, table by table; other values replace."""
    result = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


def _nested(found: Mapping[str, str], start: str, nesting: str, annotation: Any) -> dict[str, Any]:
    """``PREFIX_SECTION__A__B=value`` as ``{"a": {"b": value}}``."""
    tree: dict[str, Any] = {}
    for name, value in sorted(found.items()):
        if not name.startswith(start):
            continue
        *keys, last = name[len(start) :].split(nesting)
        node = tree
        model = _model_in(annotation)
        for key in keys:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                break
            model = _model_in(_annotation_of(model, key))
        else:
            target = _annotation_of(model, last)
            node[last] = _json(name.upper(), value) if _is_complex(target) else value
    return tree


def _annotation_of(model: type[BaseModel] | None, key: str) -> Any:
    if model is None or key not in model.model_fields:
        return None
    return model.model_fields[key].annotation


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (``X`` or ``X | None``), if it holds one."""
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _is_complex(annotation: Any) -> bool:
    """Whether the field holds a table or list (written as JSON in a variable)."""
    if annotation is None:
        return False
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        return any(_is_complex(arg) for arg in get_args(annotation) if arg is not type(None))
    if origin in (list, dict, tuple, set, frozenset):
        return True
    return isinstance(annotation, type) and issubclass(
        annotation, (BaseModel, list, dict, tuple, set, frozenset)
    )


def _json(variable: str, value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError as exc:
        raise ConfigError(
            f"environment variable {variable.upper()}: not valid JSON (a list or table is "
            f"written as JSON here): {exc}"
        ) from exc
