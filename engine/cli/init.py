"""``introgate init``: ask, look at the mailbox, write a commented config and a systemd unit.

Every question has a flag, so the whole set-up can be scripted (``--no-input`` then fails
on a missing answer instead of asking). An existing config is never overwritten without
a yes or ``--force``.
"""

from __future__ import annotations

import os
import shlex
import webbrowser
from pathlib import Path
from typing import Annotated

import typer

from introgate.backends.imap import ImapBackend
from introgate.config import FolderSettings, ImapSettings, OAuth2Settings, Settings
from introgate.errors import ConfigError
from introgate.oauth.flows import DeviceCode, login_with_browser, login_with_device_code
from introgate.oauth.providers import PRESETS, endpoints_for, preset_for_address
from introgate.oauth.store import token_store_for, usable_keyring
from introgate.recognition import Recogniser
from introgate.setup.config_file import Answers, render_config, render_unit
from introgate.setup.survey import SURVEY_DAYS, survey_mailbox

Opt = typer.Option


class _Asker:
    """Asks only what the flags left open; with ``--no-input`` a missing answer is an error."""

    def __init__(self, no_input: bool) -> None:
        self.no_input = no_input

    def __call__(
        self, given: str | None, question: str, default: str | None = None, flag: str = ""
    ) -> str:
        if given is not None:
            return given
        if self.no_input:
            if default is not None:
                return default
            raise ConfigError(f"init --no-input: {flag} is needed ({question.lower()})")
        return str(typer.prompt(question, default=default))

    def yes(self, question: str, *, force: bool) -> bool:
        if force:
            return True
        if self.no_input:
            return False
        return bool(typer.confirm(question, default=False))


def _default_config() -> Path:
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return xdg / "introgate" / "config.toml"


def _default_unit() -> Path:
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return xdg / "systemd" / "user" / "introgate.service"


def init_command(
    config: Annotated[Path | None, Opt("--config", "-c", help="Where to write the config.")] = None,
    address: Annotated[str | None, Opt(help="Your mail address.")] = None,
    name: Annotated[str | None, Opt(help="Your name, as replies are signed.")] = None,
    provider: Annotated[
        str | None, Opt(help="google, microsoft, custom (OAuth2) or other (password).")
    ] = None,
    account: Annotated[str, Opt(help="The account's name in the config.")] = "mail",
    imap_host: Annotated[str | None, Opt(help="IMAP server (presets know theirs).")] = None,
    imap_port: Annotated[int | None, Opt(help="IMAP port.")] = None,
    imap_security: Annotated[str | None, Opt(help="tls, starttls or plain.")] = None,
    username: Annotated[str | None, Opt(help="Login name (default: the address).")] = None,
    smtp_host: Annotated[str | None, Opt(help="SMTP server for `drafts send` ('' = none).")] = None,
    client_id: Annotated[str | None, Opt(help="Your OAuth2 client id (see README).")] = None,
    client_secret: Annotated[str | None, Opt(help="Google desktop clients' secret.")] = None,
    tenant: Annotated[str | None, Opt(help="Microsoft tenant (default: common).")] = None,
    authorization_url: Annotated[str | None, Opt(help="custom provider: authorize URL.")] = None,
    token_url: Annotated[str | None, Opt(help="custom provider: token URL.")] = None,
    device_url: Annotated[str | None, Opt(help="custom provider: device code URL.")] = None,
    scopes: Annotated[str | None, Opt(help="custom provider: scopes, space-separated.")] = None,
    device: Annotated[bool, Opt("--device", help="Sign in with a code on another device.")] = False,
    no_browser: Annotated[
        bool, Opt("--no-browser", help="Print the sign-in address only.")
    ] = False,
    password_env: Annotated[str | None, Opt(help="Variable that holds the password.")] = None,
    password_command: Annotated[str | None, Opt(help="Command that prints it.")] = None,
    keyring_service: Annotated[str | None, Opt(help="Keyring service holding it.")] = None,
    language: Annotated[str | None, Opt(help="Default reply language: en or de.")] = None,
    signature: Annotated[str | None, Opt(help="Signature under replies.")] = None,
    systemd_unit: Annotated[Path | None, Opt(help="Where to write the unit file.")] = None,
    no_input: Annotated[bool, Opt("--no-input", help="Never ask; fail on a gap.")] = False,
    force: Annotated[bool, Opt("--force", help="Overwrite an existing config and unit.")] = False,
) -> None:
    """Set introgate up for your mailbox: asks a few questions, signs in, writes the config.

    Examples:

      introgate init                       # asks everything

      introgate init --address alex@gmail.com --name "Alex" --client-id ID --no-input
    """
    ask = _Asker(no_input)
    target = config or _default_config()
    unit = systemd_unit or _default_unit()
    for path in (target, unit):
        if path.exists() and not ask.yes(f"{path} exists. Overwrite it?", force=force):
            typer.echo(f"{path} left as it is (pass --force to replace it).", err=True)
            raise typer.Exit(1)

    answers = Answers(address="", name="", account=account)
    answers.address = ask(address, "Your mail address", flag="--address").strip()
    domain = answers.address.rpartition("@")[2].lower()
    answers.name = ask(name, "Your name", flag="--name")
    preset = preset_for_address(answers.address)
    answers.provider = ask(
        provider,
        "Provider: google, microsoft or other (password)",
        preset.name if preset else "other",
        "--provider",
    ).lower()
    if answers.provider not in ("google", "microsoft", "custom", "other"):
        raise ConfigError(
            f"unknown provider {answers.provider!r}: google, microsoft, custom, other"
        )
    chosen = PRESETS.get(answers.provider)
    answers.imap_host = ask(
        imap_host, "IMAP server", chosen.imap_host if chosen else f"imap.{domain}", "--imap-host"
    )
    answers.imap_port = imap_port or (chosen.imap_port if chosen else 993)
    answers.imap_security = imap_security or "tls"
    answers.username = username or answers.address
    smtp = ask(
        smtp_host,
        "SMTP server for sending reviewed drafts (empty: none)",
        chosen.smtp_host if chosen else "",
        "--smtp-host",
    )
    answers.smtp_host = smtp or None
    if chosen and smtp == chosen.smtp_host:
        answers.smtp_port, answers.smtp_security = chosen.smtp_port, chosen.smtp_security

    imap = _sign_in(
        answers,
        ask,
        client_id=client_id,
        client_secret=client_secret,
        tenant=tenant,
        overrides={
            "authorization_url": authorization_url,
            "token_url": token_url,
            "device_authorization_url": device_url,
            "scopes": scopes,
        },
        device=device,
        no_browser=no_browser,
        password_sources=(password_env, password_command, keyring_service),
    )

    typer.echo(f"Connecting to {answers.imap_host} …")
    with ImapBackend(account, imap, FolderSettings()) as backend:
        assert isinstance(backend, ImapBackend)
        survey = survey_mailbox(backend, Recogniser.load(Settings()))
    for role, folder in survey.folders.items():
        typer.echo(f"  {role.value:<8} {folder}")
        if role.value in ("drafts", "archive", "sent"):
            answers.folders[role.value] = folder
    typer.echo(f"Notifications in INBOX in the last {SURVEY_DAYS} days:")
    for label, count in sorted(survey.notifications.items()) or [("(none found)", 0)]:
        requests = survey.requests.get(label, 0)
        typer.echo(
            f"  {label:<12} {count:>4}" + (f"  ({requests} contact requests)" if requests else "")
        )
    answers.authserv_id = survey.authserv_id
    if survey.authserv_id:
        typer.echo(f"Your mail server checks senders as {survey.authserv_id!r}; trusting it.")

    answers.language = ask(language, "Reply language when unknown (en or de)", "en", "--language")
    if answers.language not in ("en", "de"):
        raise ConfigError(f"reply language {answers.language!r}: choose en or de")
    answers.signature = ask(signature, "Signature", answers.name, "--signature")

    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_config(answers), encoding="utf-8")
    unit.parent.mkdir(parents=True, exist_ok=True)
    unit.write_text(render_unit(target.resolve()), encoding="utf-8")
    typer.echo(f"Wrote {target} and {unit}.")
    typer.echo(
        "Next: introgate check --config {c}; introgate run --once --dry-run --config {c};\n"
        "then systemctl --user daemon-reload && systemctl --user enable --now introgate".format(
            c=shlex.quote(str(target))
        )
    )


def _sign_in(
    answers: Answers,
    ask: _Asker,
    *,
    client_id: str | None,
    client_secret: str | None,
    tenant: str | None,
    overrides: dict[str, str | None],
    device: bool,
    no_browser: bool,
    password_sources: tuple[str | None, str | None, str | None],
) -> ImapSettings:
    """The IMAP settings, signed in (OAuth2) or with a password source that works."""
    base = {
        "host": answers.imap_host,
        "port": answers.imap_port,
        "security": answers.imap_security,
        "username": answers.username,
    }
    if answers.uses_oauth2:
        answers.client_id = ask(client_id, "Your OAuth2 client id (README)", flag="--client-id")
        if answers.provider == "google":
            answers.client_secret = (
                ask(client_secret, "The client's secret (Google shows it beside the id)", "", "")
                or None
            )
        answers.tenant = tenant if answers.provider == "microsoft" else None
        answers.oauth2_overrides = {k: v for k, v in overrides.items() if v}
        oauth2 = OAuth2Settings.model_validate(
            {
                "provider": answers.provider,
                "client_id": answers.client_id,
                "client_secret": answers.client_secret,
                **({"tenant": answers.tenant} if answers.tenant else {}),
                **{
                    k: (v.split() if k == "scopes" else v)
                    for k, v in answers.oauth2_overrides.items()
                },
            }
        )
        endpoints = endpoints_for(oauth2)

        def open_url(url: str) -> None:
            typer.echo(f"Sign in to {endpoints.provider}; open this address:\n\n  {url}\n")
            if not no_browser:
                webbrowser.open(url)

        def show(code: DeviceCode) -> None:
            typer.echo(f"Open {code.verification_uri} and enter the code {code.user_code}")

        tokens = (
            login_with_device_code(endpoints, show)
            if device
            else login_with_browser(endpoints, open_url, login_hint=answers.username)
        )
        store = token_store_for(answers.account, oauth2)
        store.save(tokens)
        typer.echo(f"Signed in; tokens stored in {store.description}.")
        return ImapSettings.model_validate({**base, "oauth2": oauth2})

    env, command, service = password_sources
    if not (env or command or service) and ask.no_input:
        raise ConfigError(
            "init --no-input: pass --password-env, --password-command or --keyring-service"
        )
    if not (env or command or service):
        way = ask(None, "Password from: keyring, command or env", "keyring")
        if way == "env":
            env = ask(None, "Name of the environment variable", "INTROGATE_PASSWORD", "")
        elif way == "command":
            command = ask(None, "Command that prints the password", None, "--password-command")
        else:
            service = _store_in_keyring(answers.username)
    answers.password_env, answers.keyring_service = env, service
    answers.password_command = shlex.split(command) if command else None
    return ImapSettings.model_validate(
        {
            **base,
            "password_env": env,
            "password_command": answers.password_command,
            "keyring_service": service,
        }
    )


def _store_in_keyring(username: str) -> str:
    if usable_keyring() is None:
        raise ConfigError(
            "no system keyring is usable here: choose `command` (e.g. pass show mail) or `env`"
        )
    import keyring

    service = "introgate"
    keyring.set_password(service, username, typer.prompt("Password", hide_input=True))
    return service
