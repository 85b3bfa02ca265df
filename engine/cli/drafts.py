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

from introgate.backends import open_backend
from introgate.cli.columns import Column, cell, table_lines
from introgate.cli.options import ConfigOption
from introgate.config import load_settings
from introgate.drafts.review import DraftReview, DraftView, local_time, short_id
from introgate.errors import ConfigError
from introgate.state import DraftRecord, DraftStatus, SqliteStore

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
    """List drafted replies, oldest first.

    "requested" is the date of the request; "to" whom the draft in Drafts is addressed
    now, or, for a network message, the profile to answer on.

    Example:

      introgate drafts list --status drafted
    """
    with _review(config, account) as review:
        records = review.records(status)
        if not records:
            typer.echo("no drafts" + (f" with status {status}" if status else ""))
            return
        dates = review.request_dates(records)
        addressed = review.addressed_now()
        rows = [
            tuple(
                cell(text)
                for text in (
                    short_id(record),
                    local_date(dates.get(record.request_id)),
                    review.network_label(record),
                    record.requester,
                    _to_cell(record, addressed.get(record.request_id)),
                    record.status,
                )
            )
            for record in records
        ]
    for line in table_lines(_LIST_COLUMNS, rows, Console().width):
        typer.echo(line)


# the link or address shrinks first, then the name; id, date and status stay whole
_LIST_COLUMNS = (
    Column("id", natural=10, least=10, shrink_order=3),
    Column("requested", natural=10, least=10, shrink_order=3),
    Column("network", natural=9, least=6, shrink_order=2),
    Column("requester", natural=24, least=12, shrink_order=1),
    Column("to", natural=40, least=12, shrink_order=0),
    Column("status", natural=9, least=9, shrink_order=3),
)


def local_date(stamp: str | None) -> str:
    return local_time(stamp).split()[0] if stamp else "-"


def _to_cell(record: DraftRecord, now: tuple[str, ...] | None) -> str:
    """The recipient the draft has now; without one, the profile to answer on."""
    if now:
        return ", ".join(now)
    if now is None and record.recipient:  # no longer in Drafts: whom it was for
        return record.recipient
    link = record.profile_url or "-"
    for prefix in ("https://", "http://", "www."):
        link = link.removeprefix(prefix)
    return link


@drafts_app.command()
def show(draft: DraftId, config: ConfigOption = None, account: AccountOption = None) -> None:
    """Show the request, the requester's note (if any) and the draft.

    Example:

      introgate drafts show 3f2a9c1b
    """
    with _review(config, account) as review:
        view = review.show(review.find(draft))
    typer.echo(_render_view(view))


@drafts_app.command()
def discard(draft: DraftId, config: ConfigOption = None, account: AccountOption = None) -> None:
    """Remove the draft from Drafts (to Trash) and record the request as dismissed.

    Example:

      introgate drafts discard 3f2a9c1b
    """
    with _review(config, account) as review:
        typer.echo(review.discard(review.find(draft)))


@drafts_app.command()
def allow(draft: DraftId, config: ConfigOption = None, account: AccountOption = None) -> None:
    """Add the requester to the allowlist, label the request introgate/known, discard the draft.

    Example:

      introgate drafts allow 3f2a9c1b
    """
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
    """Send the draft (as it is in Drafts now) over SMTP and keep a copy in Sent.

    Example:

      introgate drafts send 3f2a9c1b
    """
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
