"""``introgate undo --pass ID``: put back what one pass moved and take off its labels."""

from __future__ import annotations

from typing import Annotated

import typer

from introgate.account_lock import account_lock
from introgate.cli.options import ConfigOption
from introgate.cli.terminal import fit
from introgate.config import load_settings
from introgate.errors import IntrogateError
from introgate.passes import FreshConnection
from introgate.state import SqliteStore
from introgate.undo import UndoReport, undo_pass


def undo_command(
    pass_id: Annotated[
        int, typer.Option("--pass", help="The pass to undo (`introgate status` shows its id).")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be put back; change nothing.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Move back what a pass moved (to the folder it came from) and remove its labels.

    Drafts of that pass stay in Drafts (discard them with `introgate drafts discard`),
    flags stay, and the messages stay handled: the next pass leaves them alone. Running
    it again changes nothing; an interrupted undo is finished by running it again.

    Examples:

      introgate undo --pass 12 --dry-run   # what would be put back

      introgate undo --pass 12
    """
    settings = load_settings(config)
    path = settings.state.path
    if not path.exists():
        raise IntrogateError(f"no state file at {path}: introgate has not run, nothing to undo")
    with SqliteStore(path) as store:
        health = store.passes.get(pass_id)
        if health is None:
            raise IntrogateError(
                f"no pass #{pass_id} in {path}: `introgate status` shows each account's last pass"
            )
        account = settings.account(health.account)
        connection = FreshConnection(account)
        try:
            with account_lock(path, account.name):
                backend, _ = connection.connected()
                report = undo_pass(account.name, backend, store, pass_id, dry_run=dry_run)
        finally:
            connection.close()
    typer.echo(
        fit(
            f"{'dry run: ' if dry_run else ''}undo of pass #{pass_id} "
            f"(account {health.account}, {health.started_at}):"
        )
    )
    by_message: dict[str, list[str]] = {}
    for step in report.steps:
        by_message.setdefault(step.message, []).append(step.result)
    for message, results in by_message.items():
        typer.echo(fit(f"  {message}:"))
        for result in results:
            typer.echo(fit(f"    {result}"))
    if report.drafts_kept:
        count = len(report.drafts_kept)
        typer.echo(
            fit(
                f"  {count} draft{'s stay' if count > 1 else ' stays'} in Drafts: "
                "`introgate drafts discard ID` moves one to Trash"
            )
        )
    typer.echo(_summary(report))


def _summary(report: UndoReport) -> str:
    changes = sum(1 for step in report.steps if step.changed)
    if not report.steps and report.done_before:
        return f"nothing left to undo: pass #{report.pass_id} was undone before"
    if not report.steps:
        return f"nothing to undo: pass #{report.pass_id} moved and labelled nothing"
    verb = "would undo" if report.dry_run else "undid"
    return f"{verb} {changes} change{'' if changes == 1 else 's'}" + (
        f" ({report.done_before} undone before)" if report.done_before else ""
    )
