"""``introgate run``: one pass (``--once``) or the daemon."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from introgate.account_lock import AccountBusy, daemon_holder
from introgate.cli.options import AccountOption, ConfigOption
from introgate.cli.render import print_report
from introgate.config import Account, load_settings
from introgate.errors import BackendError
from introgate.passes import FreshConnection, run_recorded_pass
from introgate.pipeline import Engine, PassReport

log = logging.getLogger("introgate.run")


def run_command(
    config: ConfigOption = None,
    once: Annotated[bool, typer.Option("--once", help="Run one pass and exit.")] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print every decision; change neither mailbox nor state."),
    ] = False,
    account: AccountOption = None,
) -> None:
    """Process new mail: one pass with --once, otherwise keep watching (daemon).

    Examples:

      introgate run --once --dry-run   # what would happen, nothing changes

      introgate run --once             # one real pass

      introgate run                    # daemon: poll + IMAP IDLE until SIGTERM
    """
    if not once:
        from introgate.scheduling.daemon import run_daemon

        raise typer.Exit(run_daemon(config, dry_run=dry_run))
    settings = load_settings(config)
    engine = Engine.load(settings)
    accounts = [settings.account(account)] if account else settings.accounts
    if not accounts:
        raise typer.BadParameter("the configuration has no [[accounts]]")
    daemon = daemon_holder(settings.state.path)
    if daemon is not None and not dry_run:
        typer.echo(
            f"introgate: a daemon watches these accounts ({daemon}); this pass runs "
            "between its passes",
            err=True,
        )
    console = Console()
    failures = 0
    for selected in accounts:
        try:
            report = run_once(engine, selected, dry_run=dry_run, console=console)
        except AccountBusy as exc:
            typer.echo(str(exc), err=True)  # that process does the work: not a failure
            continue
        except BackendError as exc:
            failures += 1
            text = str(exc)
            if f"'{selected.name}'" not in text:
                text = f"account '{selected.name}': {text}"
            typer.echo(text, err=True)
            continue
        print_report(console, report)
    raise typer.Exit(1 if failures else 0)


def run_once(
    engine: Engine,
    account: Account,
    *,
    dry_run: bool,
    console: Console | None = None,
) -> PassReport:
    """One recorded pass on a fresh connection, with progress on a terminal."""
    connection = FreshConnection(account)
    try:
        return _run_with_progress(engine, account, connection, dry_run, console)
    finally:
        connection.close()


def _run_with_progress(
    engine: Engine,
    account: Account,
    connection: FreshConnection,
    dry_run: bool,
    console: Console | None,
) -> PassReport:
    """The pass, with a progress bar on a terminal (the first pass of a big mailbox is long)."""
    if console is None or not console.is_terminal:
        return run_recorded_pass(engine, account, connection, dry_run=dry_run)
    with Progress(
        TextColumn(f"[bold]{account.name}[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("pass", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return run_recorded_pass(engine, account, connection, dry_run=dry_run, progress=advance)
