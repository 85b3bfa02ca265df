"""``introgate requests``: every contact request and where it stands, from the state file.

A thin client of ``introgate.introductions.overview``: no mailbox connection is needed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console

from introgate.cli.columns import Column, cell, table_lines
from introgate.cli.options import ConfigOption
from introgate.config import load_settings
from introgate.drafts.review import local_time
from introgate.drafts.untrusted import paragraphs
from introgate.durations import parse_duration
from introgate.introductions.overview import find_request, history, mark_sent, overview
from introgate.state import RequestState, SqliteStore

requests_app = typer.Typer(
    help=(
        "Follow contact requests from asked to introduced: list them, show one's history, "
        "or mark a question you sent on the network yourself.\n\n"
        "Example: introgate requests --state asked; introgate requests show 3f2a9c1b"
    ),
    invoke_without_command=True,
)

RequestId = Annotated[
    str, typer.Argument(help="Request id from 'introgate requests' (a unique prefix will do).")
]


@requests_app.callback()
def list_requests(
    ctx: typer.Context,
    config: ConfigOption = None,
    state: Annotated[
        list[RequestState] | None, typer.Option("--state", help="only requests in this state")
    ] = None,
    network: Annotated[str | None, typer.Option(help="only requests from this network")] = None,
    since: Annotated[
        str | None,
        typer.Option(help='only requests since a date (2026-11-01) or a duration ago ("14d")'),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON array, for scripts")] = False,
) -> None:
    """One row per request: person, network, when, state, age, note or introduction."""
    if ctx.invoked_subcommand is not None:
        return
    settings = load_settings(config)
    with SqliteStore(settings.state.path) as store:
        rows = overview(
            store,
            states=frozenset(state) if state else None,
            network=network,
            since=_since(since) if since else None,
        )
    if as_json:
        typer.echo(json.dumps([row.as_json() for row in rows], indent=2, ensure_ascii=False))
        return
    if not rows:
        typer.echo("no requests")
        return
    cells = [
        tuple(
            cell(text)
            for text in (
                row.short_id,
                row.record.requester,
                row.record.network,
                local_time(row.record.requested_at).split()[0],
                row.record.state.value,
                f"{row.age_days}d",
                row.preview,
            )
        )
        for row in rows
    ]
    for line in table_lines(_COLUMNS, cells, Console().width):
        typer.echo(line)


# the note or introduction shrinks first, then the name; the rest stays whole
_COLUMNS = (
    Column("id", natural=10, least=10, shrink_order=3),
    Column("person", natural=24, least=12, shrink_order=1),
    Column("network", natural=9, least=6, shrink_order=2),
    Column("requested", natural=10, least=10, shrink_order=3),
    Column("state", natural=13, least=8, shrink_order=2),
    Column("age", natural=4, least=3, shrink_order=3),
    Column("note / introduction", natural=60, least=12, shrink_order=0),
)


@requests_app.command()
def show(request: RequestId, config: ConfigOption = None) -> None:
    """The request and every change of its state, with time and cause.

    Example:

      introgate requests show 3f2a9c1b
    """
    settings = load_settings(config)
    with SqliteStore(settings.state.path) as store:
        record = find_request(store, request)
        changes = history(store, record)
    lines = [
        f"request {record.request_id[:10]} ({record.state.value})",
        f"person:      {cell(record.requester)}"
        + (f" <{cell(record.profile_url)}>" if record.profile_url else ""),
        f"network:     {record.network}",
        f"requested:   {local_time(record.requested_at)} (found in {record.source_folder})",
    ]
    # the requester's own words: line breaks kept, nothing that could steer the terminal
    if record.note:
        lines.append(f"note:        {_indented(record.note)}")
    if record.introduction:
        lines.append(f"introduced:  {_indented(record.introduction)}")
    lines.append("history:")
    for change in changes:
        before = change.from_state.value if change.from_state else "(recorded)"
        why = f"{change.cause}" + (f" ({change.detail})" if change.detail else "")
        lines.append(f"  {local_time(change.at)}  {before} -> {change.to_state.value}: {why}")
    typer.echo("\n".join(lines))


def _indented(text: str) -> str:
    return paragraphs(text).replace("\n", "\n             ")


@requests_app.command("mark-sent")
def mark_sent_command(request: RequestId, config: ConfigOption = None) -> None:
    """Record that you asked the person yourself (on the network, by hand).

    Example:

      introgate requests mark-sent 3f2a9c1b
    """
    settings = load_settings(config)
    with SqliteStore(settings.state.path) as store:
        typer.echo(mark_sent(store, find_request(store, request)))


def _since(text: str) -> datetime:
    try:
        return datetime.now(UTC) - parse_duration(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter(
            f'{text!r} is neither a date (2026-11-01) nor a duration ("14d")'
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
