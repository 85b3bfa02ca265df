"""`introgate check --connect` against a real Dovecot: what a user reads before a first pass.

Dovecot here writes no Authentication-Results of its own, so the messages are APPENDed
carrying the header a receiving server would have written.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from introgate.backends.imap import ImapBackend
from introgate.config import FolderSettings

from .conftest import imap_settings, plain_message, running_dovecot, write_imap_config
from .dovecot import Dovecot


def introgate(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "introgate", *args, "--config", str(config)],
        capture_output=True,
        text=True,
        env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"},
        check=False,
    )


def append_received_by(server: Dovecot, authserv: str, count: int) -> None:
    """``count`` INBOX messages carrying the Authentication-Results ``authserv`` writes."""
    with ImapBackend("setup", imap_settings(server), FolderSettings()) as backend:
        for number in range(count):
            raw = plain_message(subject=f"Hello {number}")
            header = f"Authentication-Results: {authserv}; dkim=pass header.d=example.org\r\n"
            backend.append("INBOX", header.encode() + raw)


@pytest.fixture
def dovecot_without_trash() -> Iterator[Dovecot]:
    yield from running_dovecot(
        special_folders={"Drafts": "\\Drafts", "Sent": "\\Sent", "Archive": "\\Archive"}
    )


def test_check_connect_reports_folders_and_warns_when_trust_names_no_server_id(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    config = write_imap_config(tmp_path / "introgate.toml", dovecot)
    append_received_by(dovecot, "mx.posteo.example", 3)
    result = introgate(config, "check", "--connect")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"account 'work': logged in to 127.0.0.1 as {dovecot.user}",
        "account 'work': Drafts: \"Drafts\" (SPECIAL-USE \\Drafts)",
        "account 'work': Sent: \"Sent\" (SPECIAL-USE \\Sent)",
        "account 'work': Trash: \"Trash\" (SPECIAL-USE \\Trash)",
        "account 'work': Archive: \"Archive\" (SPECIAL-USE \\Archive)",
        "account 'work': authserv-ids on the 3 latest INBOX messages: mx.posteo.example (3)",
        f"ok: {config}, 6 networks, 7 rules, 1 accounts",
    ]
    trust_line = next(
        n for n, line in enumerate(config.read_text().splitlines(), 1) if "authserv_ids" in line
    )
    assert result.stderr.splitlines() == [
        f"{config}:{trust_line}:16: warning: trust.authserv_ids: account 'work' receives "
        "mail checked by mx.posteo.example, which is not listed: every request's "
        'authenticity is "unknown"; if mx.posteo.example is your mail server, write '
        'authserv_ids = ["mx.posteo.example"]'
    ]

    config.write_text(
        config.read_text().replace('"mx.demo.example"', '"MX.posteo.example"'), encoding="utf-8"
    )
    trusted = introgate(config, "check", "--connect")
    assert (trusted.returncode, trusted.stderr) == (0, "")


def test_check_connect_says_trash_is_missing_and_refuses_a_move_to_a_missing_folder(
    dovecot_without_trash: Dovecot, tmp_path: Path
) -> None:
    rules = tmp_path / "10-mine.toml"
    rules.write_text(
        '[[rule]]\nname = "contacts"\nwhen = { subject_matches = "connect" }\n'
        'then = { move = "Kontakte" }\n',
        encoding="utf-8",
    )
    config = write_imap_config(
        tmp_path / "introgate.toml",
        dovecot_without_trash,
        extra=f'\n[rules]\npaths = ["{rules.name}"]\n',
    )
    result = introgate(config, "check", "--connect")
    assert result.returncode == 1
    assert (
        "account 'work': Trash: none yet; \"Trash\" is created by the first discard"
        in result.stdout.splitlines()
    )
    assert result.stderr.splitlines()[-2:] == [
        f'{rules}:4:17: rule "contacts": then.move: no folder "Kontakte" in the mailbox: '
        'create it, or write move = { folder = "Kontakte", create = true }',
        "1 problem found",
    ]
    # the pass refuses the same way before touching anything, and without --connect
    # `check` cannot know (it reads files only)
    run = introgate(config, "run", "--once")
    assert run.returncode == 1
    assert f"account 'work': {result.stderr.splitlines()[-2]}" in run.stderr.splitlines()

    rules.write_text(
        rules.read_text().replace('"Kontakte"', '{ folder = "Kontakte", create = true }'),
        encoding="utf-8",
    )
    assert introgate(config, "check", "--connect").returncode == 0


def test_a_refused_login_is_one_line_in_the_servers_words(dovecot: Dovecot, tmp_path: Path) -> None:
    config = write_imap_config(tmp_path / "introgate.toml", dovecot)
    config.write_text(
        config.read_text().replace(f'password = "{dovecot.password}"', 'password = "wrong"'),
        encoding="utf-8",
    )
    result = introgate(config, "check", "--connect")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"account 'work' (127.0.0.1:{dovecot.port}): login refused for user "
        f"'{dovecot.user}': [AUTHENTICATIONFAILED] Authentication failed.",
        "1 problem found",
    ]
