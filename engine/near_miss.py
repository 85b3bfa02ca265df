"""Near misses in what a user typed: the key or name they probably meant.

Config, network and rule files all answer an unknown key with the closest allowed one;
each keeps its own wording, and this module only finds the candidate. Keys are found by
following a validation error's location through the pydantic models, the same path
pydantic took.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The one choice close enough to be a typing slip for ``word``, or None."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside a field's type: ``Model``, ``list[Model]``, ``Model | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = model_in(arg)
        if found is not None:
            return found
    return None


def keys_at(root: type[BaseModel], path: Sequence[int | str]) -> list[str]:
    """The keys the table at ``path`` inside ``root`` may have (list indexes are skipped).

    Keys as written in the file: a field's alias where it has one. Empty when the path
    leads to no table.
    """
    model = root
    for part in path:
        if isinstance(part, int):
            continue
        field = next(
            (info for name, info in model.model_fields.items() if (info.alias or name) == part),
            None,
        )
        if field is None:
            return []
        found = model_in(field.annotation)
        if found is None:
            return []
        model = found
    return [info.alias or name for name, info in model.model_fields.items()]
