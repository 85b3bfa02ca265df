"""``introgate web``: the review page, served until Ctrl+C (a thin client of ``introgate.web``)."""

from __future__ import annotations

import webbrowser
from typing import Annotated

import typer

from introgate.cli.options import ConfigOption
from introgate.config import load_settings
from introgate.errors import IntrogateError
from introgate.web.access import token_file


def web_command(
    config: ConfigOption = None,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the page in your browser.")
    ] = False,
    port: Annotated[
        int | None,
        typer.Option(
            help="Listen on this port instead of [web] port (0: any free port).", min=0, max=65535
        ),
    ] = None,
    url: Annotated[
        bool,
        typer.Option("--url", help="Print the address of the page already running, and exit."),
    ] = False,
) -> None:
    """Serve the review page: every request, its drafted question and one-click actions.

    The address it prints carries an access token (keep it to yourself).

    Examples:

      introgate web --open

      introgate web --url    # the address of the page the daemon serves ([web] enabled)
    """
    settings = load_settings(config)
    if url:
        path = token_file(settings.state.path)
        if not path.is_file():
            raise IntrogateError(
                "no review page is running: start one with 'introgate web', "
                "or set [web] enabled = true for the daemon"
            )
        typer.echo(path.read_text(encoding="utf-8").strip())
        return
    from introgate.web.serve import WebServer  # the server's imports only when serving

    server = WebServer.bind(settings, port)
    typer.echo(f"review page: {server.url}")
    typer.echo("(the address carries an access token; Ctrl+C stops the page)")
    if open_browser:
        webbrowser.open(server.url)
    server.serve()
