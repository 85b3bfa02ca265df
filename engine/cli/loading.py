"""Loading what every command needs, turning data-file problems into one readable error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from introgate.config import Settings, default_config_path, load_settings
from introgate.errors import IntrogateError

T = TypeVar("T")


def settings_or_defaults(config: Path | None) -> Settings:
    """The configured settings, or built-in defaults when no config file exists (explain)."""
    if config is None and not default_config_path().is_file():
        return Settings()
    return load_settings(config)


def problems_of(exc: Exception) -> list[str] | None:
    """The list of problems of a rules/network file error, if ``exc`` is one."""
    problems = getattr(exc, "problems", None)
    if isinstance(problems, list) and all(isinstance(p, str) for p in problems):
        return problems
    return None


def loaded(build: Callable[[], T]) -> T:
    """Run a loader; a data-file error becomes an IntrogateError listing every problem."""
    try:
        return build()
    except IntrogateError:
        raise
    except Exception as exc:
        problems = problems_of(exc)
        if problems is None:
            raise
        raise IntrogateError("\n".join(problems)) from exc
