"""The ``introgate`` command: a thin client of the engine (load, call, render).

Every domain error becomes one readable line at this boundary and a non-zero exit.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from introgate import __version__
from introgate.cli.check import check_command
from introgate.cli.demo import demo_command
from introgate.cli.drafts import drafts_app
from introgate.cli.explain import explain_command
from introgate.cli.init import init_command
from introgate.cli.loading import print_problems
from introgate.cli.login import login_command
from introgate.cli.requests import requests_app
from introgate.cli.run import run_command
from introgate.cli.schema import schema_app
from introgate.cli.state import state_app
from introgate.cli.status import status_command
from introgate.cli.undo import undo_command
from introgate.cli.web import web_command
from introgate.errors import FileProblems, IntrogateError
from introgate.logs import configure_logging

app = typer.Typer(
    name="introgate",
    help=(
        "Recognise social-network contact requests in your mailbox, apply your rules and "
        "draft a reply asking for an introduction.\n\n"
        "Examples:\n\n"
        "  introgate demo                 # try it on a demo Maildir\n\n"
        "  introgate check                # validate config, rules, templates\n\n"
        "  introgate run --once --dry-run # show what a pass would do\n\n"
        "  introgate explain mail.eml     # why a message gets what it gets"
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"introgate {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
    log_json: Annotated[
        bool, typer.Option("--log-json", help="Log one JSON object per line (for log shippers).")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log debug detail.")] = False,
) -> None:
    configure_logging(json_lines=log_json, verbose=verbose)


app.command("demo")(demo_command)
app.command("run")(run_command)
app.command("check")(check_command)
app.command("explain")(explain_command)
app.command("status")(status_command)
app.command("undo")(undo_command)
app.command("init")(init_command)
app.command("login")(login_command)
app.command("web")(web_command)
app.add_typer(drafts_app, name="drafts")
app.add_typer(requests_app, name="requests")
app.add_typer(schema_app, name="schema")
app.add_typer(state_app, name="state")


def main() -> None:
    try:
        app()
    except FileProblems as exc:
        print_problems(exc.problems)
        sys.exit(2)
    except IntrogateError as exc:
        typer.echo(f"introgate: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
