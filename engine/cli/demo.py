"""``introgate demo``: a demo Maildir, one real pass, the results and two drafted replies."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from introgate.backends import FolderRole, open_backend
from introgate.cli.columns import cell
from introgate.cli.run import run_once
from introgate.config import Account, load_settings
from introgate.demo import deliver_late_introduction, write_demo
from introgate.logs import quiet_unless_verbose
from introgate.pipeline import Engine
from introgate.state import SqliteStore


def demo_command(
    directory: Annotated[
        Path | None,
        typer.Argument(help="Where to put the demo (default: ./introgate-demo)."),
    ] = None,
    late_introduction: Annotated[
        bool,
        typer.Option(
            "--late-introduction",
            help="After the first run: a stranger writes after all; see the request come back.",
        ),
    ] = False,
) -> None:
    """Write a demo Maildir with social-network requests, run one pass, show the drafts.

    Running it again on the same folder finds nothing new and drafts nothing;
    with --late-introduction, Anna Schäfer writes after her bare request and her
    request comes back to INBOX while the unsent question goes to Trash.

    Example:

      introgate demo /tmp/try-introgate
    """
    target = (directory or Path.cwd() / "introgate-demo").resolve()
    quiet_unless_verbose()
    fresh = not (target / "introgate.toml").is_file()
    config = write_demo(target)
    if late_introduction and not fresh:
        deliver_late_introduction(target)
    settings = load_settings(config)
    engine = Engine.load(settings)
    console = Console()
    typer.echo(f"demo mailbox: {target / 'Maildir'}")
    typer.echo(f"config:       {config}")
    account = settings.accounts[0]
    report = run_once(engine, account, dry_run=False)
    if report.drafted:
        _show_drafts(console, settings.state.path, account)
    if not late_introduction:
        typer.echo(f"\nThen: introgate demo --late-introduction {target}")
    typer.echo("\nTry:")
    typer.echo(f"  cd {target}")
    for command in ("requests", "drafts list", "explain"):
        more = " Maildir/cur/<file>" if command == "explain" else ""
        typer.echo(f"  introgate {command} --config {config.name}{more}")


def _show_drafts(console: Console, state_path: Path, account: Account) -> None:
    """Print one drafted reply per language, as it sits in the Drafts folder."""
    with SqliteStore(state_path) as store, open_backend(account) as backend:
        drafts_folder = backend.folder_for(FolderRole.DRAFTS)
        shown: set[str] = set()
        for record in store.drafts.records():
            if record.language in shown or record.status != "drafted":
                continue
            refs = backend.find_by_message_id(drafts_folder, record.draft_id)
            items = backend.fetch_full(refs[:1])
            if not items:
                continue
            shown.add(record.language or "")
            message = BytesParser(policy=policy.default).parsebytes(items[0].raw)
            assert isinstance(message, EmailMessage)
            body = message.get_body(preferencelist=("plain",))
            text = body.get_content() if body is not None else ""
            head = f"To: {message['To'] or '(no recipient: answer on the network)'}\n"
            head += f"Subject: {message['Subject']}\n\n"
            # Text, not str: rich would read "[...]" in a name or note as markup
            title = f"draft for {cell(record.requester)} ({record.network}, {record.language})"
            console.print(Panel(Text(head + text.rstrip()), title=Text(title), expand=False))
