"""Secrets for IMAP and SMTP: from the config, an environment variable, a command or the keyring.

The config model (``introgate.config.Credentials``) lists the sources; the first one that is
set wins, in the order of its fields. Errors name the source (the variable, the command's
program, the keyring service) and never the secret or a command's output, which may echo it.
OAuth2 sign-ins (``introgate login``) keep their tokens in ``introgate.oauth``; SMTP
borrows an IMAP account's sign-in (``smtp_signin``).
"""

from __future__ import annotations

import logging
import os
import subprocess

from introgate.config import Credentials, OAuth2Settings, Settings
from introgate.errors import ConfigError

log = logging.getLogger("introgate.credentials")

_COMMAND_TIMEOUT = 60.0


def resolve_password(creds: Credentials, purpose: str) -> str | None:
    """The password for ``purpose`` (e.g. "IMAP account 'work'"), or None if none is set."""
    if creds.password is not None:
        return creds.password.get_secret_value()
    if creds.password_env:
        value = os.environ.get(creds.password_env)
        if not value:
            raise ConfigError(
                f"{purpose}: password_env names ${creds.password_env}, which is not set or empty"
            )
        return value
    if creds.password_command:
        return _run_secret_command(creds.password_command, purpose, "password_command")
    if creds.keyring_service:
        return _from_keyring(creds.keyring_service, creds.username, purpose)
    return None


def resolve_oauth2_token(creds: Credentials, purpose: str) -> str | None:
    """An OAuth2 access token from ``oauth2_token_command``, or None when none is configured."""
    if not creds.oauth2_token_command:
        return None
    return _run_secret_command(creds.oauth2_token_command, purpose, "oauth2_token_command")


def _run_secret_command(argv: list[str], purpose: str, key: str) -> str:
    # argv list, no shell: the config cannot smuggle shell syntax into a command line.
    if not argv or not argv[0]:
        raise ConfigError(f"{purpose}: {key} is empty")
    program = argv[0]
    try:
        completed = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=_COMMAND_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError as exc:
        raise ConfigError(f"{purpose}: {key}: program {program!r} not found") from exc
    except subprocess.TimeoutExpired as exc:
        raise ConfigError(
            f"{purpose}: {key}: {program!r} did not finish within {_COMMAND_TIMEOUT:.0f}s"
        ) from exc
    except OSError as exc:
        raise ConfigError(f"{purpose}: {key}: cannot run {program!r}: {exc.strerror}") from exc
    if completed.returncode != 0:
        # stderr is not shown: password managers sometimes print the secret in their errors
        raise ConfigError(
            f"{purpose}: {key}: {program!r} exited with status {completed.returncode}"
        )
    secret = completed.stdout.splitlines()[0] if completed.stdout else ""
    if not secret:
        raise ConfigError(f"{purpose}: {key}: {program!r} printed nothing")
    log.debug("%s: secret read from %s (%s)", purpose, key, program)
    return secret


def _from_keyring(service: str, username: str | None, purpose: str) -> str:
    if not username:
        raise ConfigError(f"{purpose}: keyring_service needs a username to look the password up")
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError as exc:
        raise ConfigError(
            f"{purpose}: keyring_service is set but the keyring package is not installed "
            "(pip install 'introgate[keyring]')"
        ) from exc
    try:
        value = keyring.get_password(service, username)
    except KeyringError as exc:
        raise ConfigError(f"{purpose}: the system keyring is not usable: {exc}") from exc
    if not value:
        raise ConfigError(
            f"{purpose}: no password for user {username!r} in keyring service {service!r}"
        )
    return str(value)


def smtp_signin(settings: Settings) -> tuple[str, OAuth2Settings] | None:
    """The account whose OAuth2 sign-in ``[smtp]`` sends with, and its settings."""
    smtp = settings.smtp
    if smtp is None or not smtp.oauth2_account:
        return None
    account = settings.account(smtp.oauth2_account)
    if account.imap is None or account.imap.oauth2 is None:
        raise ConfigError(
            f"[smtp] oauth2_account = {smtp.oauth2_account!r}, but that account has no "
            "[accounts.imap.oauth2] section to sign in with"
        )
    return account.name, account.imap.oauth2
