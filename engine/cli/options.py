"""Options shared by several commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", "-c", help="Config file (default: ./introgate.toml, then XDG config dir)."
    ),
]
AccountOption = Annotated[
    str | None, typer.Option("--account", "-a", help="Only this account (default: all).")
]
