"""``introgate reapply --since 30d``: the current rules over requests already handled."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from introgate.account_lock import account_lock
from introgate.cli.options import AccountOption, ConfigOption
from introgate.cli.terminal import fit
from introgate.config import load_settings
from introgate.durations import parse_duration
from introgate.errors import IntrogateError
from introgate.passes import FreshConnection
from introgate.pipeline import Engine
from introgate.reapply import reapply
from introgate.state import SqliteStore


def reapply_command(
    since: Annotated[
        str, typer.Option("--since", help='Requests of this long ago until now ("30d").')
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what the rules would do; change nothing.")
    ] = False,
    config: ConfigOption = None,
    account: AccountOption = None,
) -> None:
    """Run the current rules again over requests already handled, drafting nobody twice.

    For the requests of the last --since (after editing rules). A real run is a pass of
    its own, so `introgate undo --pass ID` takes it back.

    Examples:

      introgate reapply --since 30d --dry-run

      introgate reapply --since 30d
    """
    try:
        start = datetime.now(UTC) - parse_duration(since)
    except ValueError as exc:
        raise typer.BadParameter(f'{since!r} is not a duration such as "30d"') from exc
    settings = load_settings(config)
    if not settings.state.path.exists():
        raise IntrogateError(f"no state file at {settings.state.path}: nothing handled yet")
    engine = Engine.load(settings)
    accounts = [settings.account(account)] if account else settings.accounts
    with SqliteStore(settings.state.path) as store:
        for selected in accounts:
            connection = FreshConnection(selected)
            try:
                with account_lock(settings.state.path, selected.name):
                    backend, _ = connection.connected()
                    pass_id = None if dry_run else store.passes.start(selected.name)
                    results = reapply(
                        engine, selected, backend, store, start, dry_run=dry_run, pass_id=pass_id
                    )
                    if pass_id is not None:
                        store.passes.finish(
                            pass_id,
                            scanned=len(results),
                            processed=len(results),
                            failed=0,
                            drafted=sum(
                                1
                                for r in results
                                for o in r.outcomes
                                if o.type == "draft" and o.changed
                            ),
                            error=None,
                        )
            finally:
                connection.close()
            prefix = "dry run: " if dry_run else ""
            for result in results:
                what = (
                    "its mail is not in Archive or where it was found: left as it is"
                    if result.missing
                    else ", ".join(o.summary for o in result.outcomes) or "left alone"
                )
                typer.echo(fit(f"{prefix}{result.network} request from {result.requester}: {what}"))
            typer.echo(
                f"{prefix}account {selected.name}: {len(results)} request"
                f"{'' if len(results) == 1 else 's'} since {start.date().isoformat()}"
                + (f" (pass #{pass_id})" if pass_id is not None else "")
            )
