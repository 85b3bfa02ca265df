"""``introgate login ACCOUNT``: sign in with OAuth2 and keep the tokens for the daemon."""

from __future__ import annotations

import time
import webbrowser
from typing import Annotated

import typer

from introgate.backends.imap import open_imap_client
from introgate.cli.options import ConfigOption
from introgate.config import load_settings
from introgate.errors import ConfigError
from introgate.oauth.flows import DeviceCode, login_with_browser, login_with_device_code
from introgate.oauth.providers import endpoints_for
from introgate.oauth.store import token_store_for


def login_command(
    account: Annotated[str, typer.Argument(help="The account's name in the config.")],
    config: ConfigOption = None,
    device: Annotated[
        bool,
        typer.Option(
            "--device", help="Sign in on another device with a short code (no browser here)."
        ),
    ] = False,
    no_browser: Annotated[
        bool,
        typer.Option("--no-browser", help="Print the sign-in address instead of opening it."),
    ] = False,
    check: Annotated[
        bool, typer.Option("--check/--no-check", help="Log in to IMAP with the new token.")
    ] = True,
) -> None:
    """Sign in to Google, Microsoft or another OAuth2 provider for ACCOUNT's IMAP and SMTP.

    The account needs an [accounts.imap.oauth2] section with your own client id (the README
    says how to register one). Tokens go to the system keyring, or to an encrypted file
    where there is none; `introgate run` refreshes them before they expire.

    Examples:

      introgate login work            # opens the browser

      introgate login work --device   # shows a code to enter on your phone
    """
    settings = load_settings(config)
    found = settings.account(account)
    if found.imap is None or found.imap.oauth2 is None:
        raise ConfigError(
            f"account {account!r} has no [accounts.imap.oauth2] section: add one with your "
            "provider and client id (README: Gmail, Microsoft 365), or run `introgate init`"
        )
    oauth2 = found.imap.oauth2
    endpoints = endpoints_for(oauth2)

    def open_url(url: str) -> None:
        typer.echo(f"Sign in to {endpoints.provider} in a browser; open this address:\n\n  {url}\n")
        if not no_browser:
            webbrowser.open(url)
        typer.echo("Waiting for the browser to come back …")

    def show_code(code: DeviceCode) -> None:
        typer.echo(
            f"On any device, open {code.verification_uri} and enter the code {code.user_code}\n"
            f"(valid for {code.expires_in / 60:.0f} minutes). Waiting …"
        )

    if device:
        tokens = login_with_device_code(endpoints, show_code)
    else:
        tokens = login_with_browser(endpoints, open_url, login_hint=found.imap.username)
    store = token_store_for(account, oauth2)
    store.save(tokens)
    typer.echo(f"Signed in: account {account!r}; tokens stored in {store.description}.")
    if not tokens.refresh_token:
        minutes = (tokens.expires_at - time.time()) / 60 if tokens.expires_at else 0
        typer.echo(
            "Warning: the provider gave no refresh token, so this sign-in ends when the access "
            f"token expires (in about {minutes:.0f} minutes). Is offline access in the scopes?"
        )
    if check:
        client = open_imap_client(account, found.imap)
        client.logout()
        typer.echo(f"IMAP login to {found.imap.host} works.")
