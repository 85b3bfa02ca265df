"""The ``introgate`` command: a thin client of the engine (load, call, render).

Every domain error becomes one readable line at this boundary and a non-zero exit.

A command imports only what it uses: ``main`` looks at the command line first and loads
the one command asked for; the others are listed by name and summary (``COMMANDS``), so
``introgate --version``, ``--help`` and ``status`` start without loading the whole
engine. ``app`` (for tests and tools) is the full command set, loaded when first used.
"""

from __future__ import annotations

import importlib
import sys
from typing import Annotated, Any

import typer

from introgate import __version__
from introgate.cli.arguments import in_click_order
from introgate.cli.help_text import WholeSentenceGroup
from introgate.errors import FileProblems, IntrogateError
from introgate.logs import configure_logging

# name: (module, attribute, what `introgate --help` lists for it), in the order listed.
# The summary is the first paragraph of the command's own help (a test holds them equal).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "demo": (
        "introgate.cli.demo",
        "demo_command",
        "Write a demo Maildir with social-network requests, run one pass, show the drafts.",
    ),
    "run": (
        "introgate.cli.run",
        "run_command",
        "Process new mail: one pass with --once, otherwise keep watching (daemon).",
    ),
    "check": (
        "introgate.cli.check",
        "check_command",
        "Check config, network files, rule files, templates and contacts; exit 0 when all is well.",
    ),
    "explain": (
        "introgate.cli.explain",
        "explain_command",
        "Show what introgate recognises in each message and how every rule decides.",
    ),
    "status": (
        "introgate.cli.status",
        "status_command",
        "Is introgate running, and is anything waiting for you? Exit 1 if a last pass failed.",
    ),
    "undo": (
        "introgate.cli.undo",
        "undo_command",
        "Move back what a pass moved (to the folder it came from) and remove its labels.",
    ),
    "reapply": (
        "introgate.cli.reapply",
        "reapply_command",
        "Run the current rules again over requests already handled, drafting nobody twice.",
    ),
    "init": (
        "introgate.cli.init",
        "init_command",
        "Set introgate up for your mailbox: asks a few questions, signs in, writes the config.",
    ),
    "login": (
        "introgate.cli.login",
        "login_command",
        "Sign in to Google, Microsoft or another OAuth2 provider for ACCOUNT's IMAP and SMTP.",
    ),
    "web": (
        "introgate.cli.web",
        "web_command",
        "Serve the review page: every request, its drafted question and one-click actions.",
    ),
    "drafts": (
        "introgate.cli.drafts",
        "drafts_app",
        "Review drafted replies: list them, show one, discard it, allow the requester, or send it.",
    ),
    "requests": (
        "introgate.cli.requests",
        "requests_app",
        "Follow contact requests from asked to introduced: list them, show one's history, or "
        "mark a question you sent on the network yourself.",
    ),
    "schema": (
        "introgate.cli.schema",
        "schema_app",
        "Print JSON Schemas of introgate's files (point your editor's TOML plug-in at them).",
    ),
    "state": ("introgate.cli.state", "state_app", "Check, back up or restore the state file."),
}
# options of `introgate` itself, before the command's name
_GLOBAL_OPTIONS = {"--version", "--log-json", "--verbose", "-v", "--help"}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"introgate {__version__}")
        raise typer.Exit()


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


def _listed_only() -> None:
    """Stands for a command that was not loaded: it is only listed, never run."""


def build_app(loaded: set[str] | None = None) -> typer.Typer:
    """The command set with the commands in ``loaded`` (None: all) ready to run."""
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
        cls=WholeSentenceGroup,
        pretty_exceptions_enable=False,
        add_completion=False,
        rich_markup_mode=None,
    )
    app.callback()(_main)
    for name, (module, attribute, summary) in COMMANDS.items():
        if loaded is not None and name not in loaded:
            app.command(name, help=summary)(_listed_only)
            continue
        target = getattr(importlib.import_module(module), attribute)
        if isinstance(target, typer.Typer):
            app.add_typer(target, name=name, cls=WholeSentenceGroup)
        else:
            app.command(name)(target)
    return app


def _asked_for(argv: list[str]) -> set[str] | None:
    """The command the command line names (an empty set: none); None: load them all."""
    for word in argv:
        if word in _GLOBAL_OPTIONS:
            continue
        return {word} if word in COMMANDS else None  # an unknown one: click says so
    return set()


def __getattr__(name: str) -> Any:
    if name == "app":
        app = build_app()
        globals()["app"] = app
        return app
    raise AttributeError(name)


def main() -> None:
    try:
        args = in_click_order(sys.argv[1:])
        build_app(_asked_for(args))(args=args)
    except FileProblems as exc:
        from introgate.cli.loading import print_problems  # only on errors

        print_problems(exc.problems)
        sys.exit(2)
    except IntrogateError as exc:
        typer.echo(f"introgate: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
