"""``introgate state check|backup|restore``: look after the state file by hand.

The state file is introgate's memory of what it handled. ``check`` runs SQLite's full
integrity check; ``backup`` copies it online (safe while the daemon runs) into the daily
backups next to it; ``restore`` puts a checked backup back, keeping the damaged file aside.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from introgate.cli.options import ConfigOption
from introgate.config import load_settings
from introgate.state import SqliteStore
from introgate.state.sqlite.backup import backup, backup_folder, newest_backup, restore
from introgate.state.sqlite.health import StateFileError

state_app = typer.Typer(
    help=(
        "Check, back up or restore the state file.\n\nExamples:\n\n"
        "  introgate state check\n\n"
        "  introgate state backup --to ~/introgate-state.bak"
    ),
    no_args_is_help=True,
)


@state_app.command("check")
def check_command(config: ConfigOption = None) -> None:
    """Run SQLite's full integrity check on the state file; exit 2 when it is damaged.

    Examples:

      introgate state check
    """
    path = load_settings(config).state.path
    if not path.exists():
        typer.echo(f"no state yet at {path}: nothing to check")
        raise typer.Exit(0)
    with SqliteStore(path) as store:  # opening runs the quick check and says what is wrong
        found = store.problems(thorough=True)
    if found:
        raise StateFileError(
            f"state file {path} is damaged ({found[0]}): restore it with `introgate state restore`"
        )
    typer.echo(f"{path}: ok")


@state_app.command("backup")
def backup_command(
    to: Annotated[Path | None, typer.Option("--to", help="Write the backup here instead.")] = None,
    config: ConfigOption = None,
) -> None:
    """Copy the state file consistently, even while the daemon runs.

    Without --to the copy is today's in the backups folder next to the state file (the
    daemon makes one a day and keeps a week).

    Examples:

      introgate state backup

      introgate state backup --to /mnt/usb/introgate-state.sqlite3
    """
    path = load_settings(config).state.path
    if not path.exists():
        raise StateFileError(f"no state file at {path}: nothing to back up")
    typer.echo(f"backed up {path} to {backup(path, to)}")


@state_app.command("restore")
def restore_command(
    source: Annotated[
        Path | None,
        typer.Argument(help="The backup to restore (default: the newest daily backup)."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Replace the state file with a checked backup; the old file is kept aside.

    Stop the daemon first.

    Examples:

      introgate state restore

      introgate state restore ~/.local/state/introgate/state.sqlite3.backups/2026-12-01.sqlite3
    """
    path = load_settings(config).state.path
    chosen = source or newest_backup(path)
    if chosen is None:
        raise StateFileError(f"no backups in {backup_folder(path)}: name one to restore")
    restore(path, chosen)
    typer.echo(f"restored {path} from {chosen}")
