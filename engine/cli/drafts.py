"""``introgate drafts``: review drafted replies from the command line.

A thin client of ``introgate.drafts.review``: load the config, open the store and the
mailbox, call one review operation, print its result. Problems are ``IntrogateError``s,
which ``introgate``'s main() prints as one line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from introgate.backends import open_backend
from introgate.cli.options import ConfigOption
from introgate.config import load_settings
from introgate.drafts.review import DraftReview, DraftView, local_time, short_id
from introgate.errors import ConfigError
from introgate.state import DraftStatus, SqliteStore

drafts_app = typer.Typer(
    help=(
        "Review drafted replies: list them, show one, discard it, allow the requester, "
        "or send it.\n\nExample: introgate drafts list; introgate drafts send 3f2a9c1b"
    ),
    no_args_is_help=True,
)

# unlike `run`, a draft belongs to one account: the first unless named
AccountOption = Annotated[
    str | None, typer.Option("--account", "-a", help="Account name (default: the first account).")
]
DraftId = Annotated[
    str, typer.Argument(help="Draft id from 'introgate drafts list' (a unique prefix will do).")
]


@contextmanager
def _review(config: Path | None, account: str | None) -> Iterator[DraftReview]:
    settings = load_settings(config)
    if not settings.accounts:
        raise ConfigError("no [[accounts]] in the configuration")
    chosen = settings.account(account) if account else settings.accounts[0]
    with SqliteStore(settings.state.path) as store, open_backend(chosen) as backend:
        yield DraftReview(settings, store, backend, chosen.name)


@drafts_app.command("list")
def list_drafts(
    config: ConfigOption = None,
    account: AccountOption = None,
    status: Annotated[
        DraftStatus | None,
        typer.Option(help="only drafts with this status"),
    ] = None,
) -> None:
    """List drafted replies, oldest first."""
    with _review(config, account) as review:
        records = review.records(status)
    if not records:
        typer.echo("no drafts" + (f" with status {status}" if status else ""))
        return
    table = Table("id", "date", "network", "requester", "language", "status")
    for record in records:
        # Text(), not str: a requester called "[bold]x" must print as written
        table.add_row(
            Text(short_id(record), no_wrap=True),
            Text(local_time(record.created_at)),
            Text(review.network_label(record)),
            Text(record.requester or ""),
            Text(record.language or ""),
            Text(record.status),
        )
    Console(width=max(100, Console().width)).print(table)


@drafts_app.command()
def show(draft: DraftId, config: ConfigOption = None, account: AccountOption = None) -> None:
    """Show the request, the requester's note (if any) and the draft."""
    with _review(config, account) as review:
        view = review.show(review.find(draft))
    typer.echo(_render_view(view))


@drafts_app.command()
def discard(draft: DraftId, config: ConfigOption = None, account: AccountOption = None) -> None:
    """Remove the draft from Drafts and record the request as dismissed."""
    with _review(config, account) as review:
        typer.echo(review.discard(review.find(draft)))


@drafts_app.command()
def allow(draft: DraftId, config: ConfigOption = None, account: AccountOption = None) -> None:
    """Add the requester to the allowlist, label the request introgate/known, discard the draft."""
    with _review(config, account) as review:
        typer.echo(review.allow(review.find(draft)))


@drafts_app.command()
def send(
    draft: DraftId,
    config: ConfigOption = None,
    account: AccountOption = None,
    resend: Annotated[
        bool, typer.Option("--resend", help="send again after an interrupted send")
    ] = False,
) -> None:
    """Send the draft (as it is in Drafts now) over SMTP and keep a copy in Sent."""
    with _review(config, account) as review:
        typer.echo(review.send(review.find(draft), resend=resend))


def _render_view(view: DraftView) -> str:
    record = view.record
    lines = [
        f"draft {short_id(record)} ({record.status})",
        f"request:   {view.network_label} request from {record.requester}"
        + (f" <{record.profile_url}>" if record.profile_url else ""),
        f"drafted:   {local_time(record.created_at)}",
        f"language:  {record.language}",
        f"to:        {_recipient_line(view)}",
    ]
    if not view.note_known:
        lines.append("note:      (the request could not be read again from the mailbox)")
    elif view.note:
        lines.append("note:")
        lines.extend(f"    {line}" for line in view.note.splitlines())
    else:
        lines.append("note:      (none)")
    lines.append("")
    if view.text is None:
        lines.append(f"(the draft is no longer in Drafts; status {record.status})")
    else:
        lines.append("-" * 72)
        lines.append(view.text.rstrip("\n"))
        lines.append("-" * 72)
    return "\n".join(lines)


def _recipient_line(view: DraftView) -> str:
    """Whom the draft in Drafts goes to now: a To: the user added counts."""
    if view.recipients:
        return ", ".join(view.recipients)
    if view.text is None:
        return view.record.recipient or "(none)"
    return "(no address: answer on the network, or add a To: in your mail client)"
