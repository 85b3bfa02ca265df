"""Loading what every command needs, and printing file problems the same way everywhere."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import typer

from introgate.config import Settings, default_config_path, load_settings, validated_settings
from introgate.errors import FileProblem


def settings_or_defaults(config: Path | None) -> Settings:
    """The configured settings, or built-in defaults when no config file exists (explain)."""
    if config is None and not default_config_path().is_file():
        return validated_settings({})
    return load_settings(config)


def print_problems(problems: Iterable[FileProblem | str]) -> int:
    """Each problem once, as ``FILE:LINE:COL: key: message``, then the count; returns it."""
    lines = list(dict.fromkeys(str(problem) for problem in problems))
    for line in lines:
        typer.echo(line, err=True)
    typer.echo(f"{len(lines)} problem{'' if len(lines) == 1 else 's'} found", err=True)
    return len(lines)
