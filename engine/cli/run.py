"""``introgate run``: one pass (``--once``) or the daemon."""

from __future__ import annotations

import logging
import sys
from typing import Annotated

import typer

from introgate.account_lock import AccountBusy, daemon_holder
from introgate.cli.options import AccountOption, ConfigOption
from introgate.cli.progress import pass_progress
from introgate.cli.render import Listing, PassPrinter
from introgate.config import Account, load_settings
from introgate.errors import BackendError
from introgate.logs import quiet_unless_verbose
from introgate.passes import FreshConnection, run_recorded_pass
from introgate.pipeline import Decision, Engine, PassReport, log_decision

log = logging.getLogger("introgate.run")


def run_command(
    config: ConfigOption = None,
    once: Annotated[bool, typer.Option("--once", help="Run one pass and exit.")] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Show what a pass would do; change neither mailbox nor state."
        ),
    ] = False,
    every: Annotated[
        bool,
        typer.Option(
            "--all", help="List every message, not only requests and what rules acted on."
        ),
    ] = False,
    json_lines: Annotated[
        bool,
        typer.Option(
            "--json", help="One JSON object per message on stdout (full ids), nothing else."
        ),
    ] = False,
    account: AccountOption = None,
) -> None:
    """Process new mail: one pass with --once, otherwise keep watching (daemon).

    A pass lists each request and each message a rule acted on, then a summary;
    progress goes to stderr.

    Examples:

      introgate run --once --dry-run   # what would happen, nothing changes

      introgate run --once             # one real pass

      introgate run --once --json > decisions.jsonl

      introgate run                    # daemon: poll + IMAP IDLE until SIGTERM
    """
    if not once:
        from introgate.scheduling.daemon import run_daemon

        raise typer.Exit(run_daemon(config, dry_run=dry_run))
    listing = Listing.JSON if json_lines else Listing.EVERY if every else Listing.WORTH_READING
    quiet_unless_verbose()  # the rows say what the info log lines would; warnings still show
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
    failures = 0
    for selected in accounts:
        try:
            run_once(engine, selected, dry_run=dry_run, listing=listing)
        except AccountBusy as exc:
            typer.echo(str(exc), err=True)  # that process does the work: not a failure
            continue
        except BackendError as exc:
            failures += 1
            for line in str(exc).splitlines():
                named = f"'{selected.name}'" in line
                typer.echo(line if named else f"account '{selected.name}': {line}", err=True)
            continue
    raise typer.Exit(1 if failures else 0)


def run_once(
    engine: Engine,
    account: Account,
    *,
    dry_run: bool,
    listing: Listing = Listing.WORTH_READING,
) -> PassReport:
    """One recorded pass on a fresh connection: progress on stderr, rows as they come, summary.

    With ``--json`` stdout carries the decisions only; the summary goes to stderr.
    """
    printer = PassPrinter(account.name, dry_run, listing)

    def show(decision: Decision) -> None:
        log_decision(decision, dry_run=dry_run, quiet=True)  # the row says it
        printer(decision)

    connection = FreshConnection(account)
    try:
        with pass_progress(account.name) as progress:
            report = run_recorded_pass(
                engine, account, connection, dry_run=dry_run, progress=progress, on_decision=show
            )
    finally:
        connection.close()
    printer.finish()
    printer.follow_ups(report)
    out = sys.stderr if listing is Listing.JSON else sys.stdout
    for line in printer.summary(report):
        out.write(line + "\n")
    return report
