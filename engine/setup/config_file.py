"""A commented config and a systemd user unit from ``init``'s answers."""

from __future__ import annotations

import json
import shlex
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path


def _s(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def _list(values: list[str]) -> str:
    return "[" + ", ".join(_s(v) for v in values) + "]"


@dataclass
class Answers:
    """Everything ``init`` asked for or found; secrets never, only where they come from."""

    address: str
    name: str
    account: str = "mail"
    provider: str = "other"  # google, microsoft, custom or other (password)
    imap_host: str = ""
    imap_port: int = 993
    imap_security: str = "tls"
    username: str = ""
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_security: str = "starttls"
    # OAuth2 (google, microsoft, custom)
    client_id: str | None = None
    client_secret: str | None = None
    tenant: str | None = None
    oauth2_overrides: dict[str, str] = field(default_factory=dict)
    # password source (other)
    password_env: str | None = None
    password_command: list[str] | None = None
    keyring_service: str | None = None
    language: str = "en"
    signature: str = ""
    authserv_id: str | None = None
    folders: dict[str, str] = field(default_factory=dict)  # drafts/archive/sent -> name

    @property
    def uses_oauth2(self) -> bool:
        return self.provider in ("google", "microsoft", "custom")


def _credentials(answers: Answers, *, for_smtp: bool) -> list[str]:
    if answers.uses_oauth2:
        if for_smtp:
            return [
                "# sends with the same sign-in as the IMAP account (`introgate login`)",
                f"oauth2_account = {_s(answers.account)}",
            ]
        return []
    if answers.password_env:
        return [f"password_env = {_s(answers.password_env)}"]
    if answers.password_command:
        return [f"password_command = {_list(answers.password_command)}"]
    if answers.keyring_service:
        return [f"keyring_service = {_s(answers.keyring_service)}"]
    return ['# password_command = ["pass", "show", "mail"]  # set a password source']


def render_config(answers: Answers, *, now: datetime | None = None) -> str:
    """The config file: every section says what it is for; `introgate check` accepts it."""
    when = (now or datetime.now(UTC)).strftime("%Y-%m-%d")
    lines = [
        f"# introgate configuration, written by `introgate init` on {when}.",
        "# The README explains every setting; `introgate check` validates this file.",
        "# No password or sign-in token is stored here: they come from elsewhere.",
        "",
        "[identity]",
        "# Your name and address: drafted replies come from them.",
        f"name = {_s(answers.name)}",
        f"addresses = {_list([answers.address])}",
        '# Language of replies when the request\'s own language has no template ("de" or "en").',
        f"default_language = {_s(answers.language)}",
        "# Appended to every reply (\\n for a line break).",
        f"signature = {_s(answers.signature)}",
        "",
        "[trust]",
        "# The authserv-id your mail server writes at the start of Authentication-Results",
        "# headers; only its verdicts are believed (anyone can write such a header).",
        f"authserv_ids = {_list([answers.authserv_id] if answers.authserv_id else [])}",
        "",
        "[state]",
        "# What introgate has handled, its drafts and its log (SQLite), beside this file.",
        'path = "introgate-state.sqlite3"',
        "",
        "[[accounts]]",
        f"name = {_s(answers.account)}",
        'backend = "imap"',
        "# The first run looks this far back; later runs only at new mail.",
        'backfill = "30d"',
        "",
        "[accounts.imap]",
        f"host = {_s(answers.imap_host)}",
        f"port = {answers.imap_port}",
        f"security = {_s(answers.imap_security)}",
        f"username = {_s(answers.username or answers.address)}",
        *_credentials(answers, for_smtp=False),
    ]
    if answers.uses_oauth2:
        lines += [
            "",
            "[accounts.imap.oauth2]",
            "# Your own OAuth2 client (README: Gmail / Microsoft 365). Sign in again with",
            f"# `introgate login {answers.account}`; the tokens live in the keyring (or an",
            "# encrypted file where there is none), never here.",
            f"provider = {_s(answers.provider)}",
            f"client_id = {_s(answers.client_id or '')}",
        ]
        if answers.client_secret:
            lines.append(
                "# Google's desktop-app clients have a secret Google itself calls not secret"
            )
            lines.append(f"client_secret = {_s(answers.client_secret)}")
        if answers.tenant:
            lines.append(f"tenant = {_s(answers.tenant)}")
        for key, value in sorted(answers.oauth2_overrides.items()):
            if key == "scopes":
                lines.append(f"scopes = {_list(value.split())}")
            else:
                lines.append(f"{key} = {_s(value)}")
    if answers.folders:
        lines += [
            "",
            "[accounts.folders]",
            "# Found on the server by `introgate init`. Delete a line to have introgate look",
            "# again at every start (SPECIAL-USE flags, then the usual names).",
            *(f"{role} = {_s(name)}" for role, name in sorted(answers.folders.items())),
        ]
    lines += [
        "",
        "[contacts]",
        "# Someone you have written to before is a known contact: these folders tell.",
        f"correspondence_folders = {_list([answers.folders.get('sent', 'Sent')])}",
    ]
    if answers.smtp_host:
        lines += [
            "",
            "[smtp]",
            "# Used by `introgate drafts send`; drafts otherwise wait in your Drafts folder.",
            f"host = {_s(answers.smtp_host)}",
            f"port = {answers.smtp_port or 587}",
            f"security = {_s(answers.smtp_security)}",
            f"username = {_s(answers.username or answers.address)}",
            *_credentials(answers, for_smtp=True),
        ]
    return "\n".join(lines) + "\n"


def render_unit(config: Path, executable: str | None = None) -> str:
    """A systemd user unit that runs the daemon; SIGHUP reloads config and rules."""
    program = executable or f"{sys.executable} -m introgate"
    return "\n".join(
        [
            "# Written by `introgate init`. Install and start:",
            "#   systemctl --user daemon-reload && systemctl --user enable --now introgate",
            "[Unit]",
            "Description=introgate: draft replies to social-network contact requests",
            "After=network-online.target",
            "Wants=network-online.target",
            "",
            "[Service]",
            f"ExecStart={program} run --config {shlex.quote(str(config))}",
            "ExecReload=/bin/kill -HUP $MAINPID",
            "Restart=on-failure",
            "RestartSec=30",
            "",
            "[Install]",
            "WantedBy=default.target",
            "",
        ]
    )
