"""Values that validate but cannot work on this machine: placeholders, unset variables.

The config model accepts ``host = "imap.example.org"`` and ``password_env = "X"`` (they
are well-formed), yet the first connection would fail on them. ``introgate check`` asks
this module so that the unmodified example config is not "ok": each placeholder host or
login, each password variable that is not set and each password program that is not
installed is one ``FILE:LINE:COL`` line. Nothing here connects, runs a command or reads a
secret: the password source is looked at the way ``introgate.credentials`` picks it (the
first one set wins), and only whether it can be used is told, never its value.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from introgate.config import Credentials, Settings
from introgate.errors import FileProblem
from introgate.toml_locate import KeyPath, TomlPositions, locate

# RFC 2606 and RFC 6761: names that never reach a real server
_EXAMPLE_DOMAINS = ("example.org", "example.com", "example.net")
_EXAMPLE_SUFFIXES = (".example", ".invalid", ".test")


def is_example_domain(name: str) -> bool:
    """``imap.example.org``, ``alex@example.com``, ``mx.demo.example`` ...: reserved names."""
    host = name.rsplit("@", 1)[-1].strip().rstrip(".").lower()
    if host in _EXAMPLE_DOMAINS or host.endswith(tuple(f".{d}" for d in _EXAMPLE_DOMAINS)):
        return True
    return host.endswith(_EXAMPLE_SUFFIXES) or host in {s[1:] for s in _EXAMPLE_SUFFIXES}


def unready_values(settings: Settings) -> list[FileProblem]:
    """Each server setting that would make a connection (or a send) fail, in file order."""
    path: Path | str = settings.config_path or "configuration"
    positions = _positions(settings.config_path)
    problems: list[FileProblem] = []

    def problem(key: KeyPath, message: str) -> None:
        at = positions.value(key)
        problems.append(FileProblem(path, at.line, at.column, _dotted(key), message))

    for index, account in enumerate(settings.accounts):
        if account.backend == "maildir" and account.maildir is not None:
            if not (account.maildir / "cur").is_dir():
                problem(
                    ("accounts", index, "maildir"),
                    f"{account.maildir} is not a Maildir (no cur/ folder in it)",
                )
            continue
        imap = account.imap
        if imap is None:
            continue
        where: KeyPath = ("accounts", index, "imap")
        _server_values(imap.host, imap.username, where, problem)
        # the order of introgate.backends.imap's login: a password, a sign-in, a token
        if _password_source(imap) is not None or imap.oauth2 is None:
            _credentials(imap, where, problem, purpose="log in")
    why = _unwritable(settings.state.path)
    if why is not None:
        problem(("state", "path"), f"{settings.state.path}: {why}")
    smtp = settings.smtp
    if smtp is not None:
        _server_values(smtp.host, smtp.username, ("smtp",), problem)
        if smtp.username and not smtp.oauth2_account:
            _credentials(smtp, ("smtp",), problem, purpose="send drafts")
    return sorted(problems, key=lambda found: found.order)


Report = Callable[[KeyPath, str], None]


def _unwritable(path: Path) -> str | None:
    """Why the state file cannot be created or written there, or None.

    A pass creates missing folders on the way, so the nearest folder that exists decides.
    """
    if path.exists():
        if not path.is_file():
            return "the state file is not a file"
        return None if os.access(path, os.R_OK | os.W_OK) else "the state file is not writable"
    ancestor = path.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        return f"cannot create the state file: {ancestor} is not a folder"
    if not os.access(ancestor, os.W_OK | os.X_OK):
        return f"cannot create the state file: {ancestor} is not writable"
    return None


def _positions(config_path: Path | None) -> TomlPositions:
    if config_path is None:
        return TomlPositions()
    try:
        return locate(config_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return TomlPositions()


def _server_values(host: str, username: str | None, where: KeyPath, problem: Report) -> None:
    if is_example_domain(host):
        problem(
            (*where, "host"),
            f'"{host}" is a placeholder (example domains are never a real server): '
            "write your mail server's name",
        )
    if username and "@" in username and is_example_domain(username):
        problem(
            (*where, "username"),
            f'"{username}" is a placeholder (an address at an example domain): '
            "write the name you log in with",
        )


def _password_source(creds: Credentials) -> str | None:
    """The key of the password source ``introgate.credentials`` would use, if any."""
    for key in ("password", "password_env", "password_command", "keyring_service"):
        if getattr(creds, key):
            return key
    return None


def _credentials(creds: Credentials, where: KeyPath, problem: Report, *, purpose: str) -> None:
    source = _password_source(creds)
    if source == "password_env":
        variable = creds.password_env or ""
        if not os.environ.get(variable):
            problem(
                (*where, "password_env"),
                f"the environment variable {variable} is not set here, so introgate cannot "
                f"{purpose}: set it (for the systemd unit in ~/.config/introgate/env), or use "
                "password_command or keyring_service",
            )
    elif source == "password_command":
        _program(creds.password_command, (*where, "password_command"), problem, purpose)
    elif source is None and creds.oauth2_token_command:
        _program(creds.oauth2_token_command, (*where, "oauth2_token_command"), problem, purpose)
    elif source is None:
        problem(
            where,
            f"no password source, so introgate cannot {purpose}: set password_env, "
            "password_command, keyring_service or oauth2_token_command",
        )


def _program(argv: list[str] | None, key: KeyPath, problem: Report, purpose: str) -> None:
    program = (argv or [""])[0]
    if not program or shutil.which(program) is None:
        problem(
            key,
            f'program "{program}" not found, so introgate cannot {purpose}: install it or '
            "name another command",
        )


def _dotted(key: KeyPath) -> str:
    text = ""
    for part in key:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
