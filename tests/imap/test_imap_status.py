"""`introgate status` and the pass summary count the same things on IMAP as on Maildir."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from introgate.backends.imap import ImapBackend
from introgate.config import FolderSettings, load_settings
from introgate.pipeline import Engine
from introgate.state import SqliteStore

from .conftest import imap_settings, plain_message, request, write_imap_config
from .dovecot import Dovecot


def introgate(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "introgate", *args, "--config", str(config)],
        capture_output=True,
        text=True,
        env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"},
        cwd=config.parent,
        check=False,
    )


def fill(server: Dovecot) -> None:
    """32 ordinary mails that stay, and 3 requests the shipped rules archive."""
    for n in range(32):
        server.deliver(plain_message(subject=f"Hello {n}"))
    for n in range(3):
        server.deliver(request(n))


def test_nothing_new_on_an_inbox_of_32_says_32_not_0(dovecot: Dovecot, tmp_path: Path) -> None:
    config = write_imap_config(tmp_path / "introgate.toml", dovecot)
    fill(dovecot)
    assert introgate(config, "run", "--once").returncode == 0
    second = introgate(config, "run", "--once")
    summary = " ".join(line.strip() for line in second.stdout.splitlines())
    assert second.returncode == 0
    assert "nothing new since the last pass (32 messages in the watched folders)" in summary
    status = introgate(config, "status")
    assert status.stdout.splitlines()[1:5] == [
        "work:",
        "  last pass #2, just now: 32 in the watched folders, 0 new, 0 drafted, 0 failed",
        "  requests by state: 3 asked",
        "  drafts waiting for review: 3 (see `introgate drafts list`)",
    ]
    [account] = json.loads(introgate(config, "status", "--json").stdout)["accounts"]
    assert (account["last_pass"]["in_folders"], account["last_pass"]["new"]) == (32, 0)


def test_a_kept_connection_counts_the_folder_after_its_own_moves_and_new_mail(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    """The daemon's path: the folder stays selected, NOOP brings what changed."""
    settings = load_settings(write_imap_config(tmp_path / "introgate.toml", dovecot))
    fill(dovecot)
    engine = Engine.load(settings)
    with (
        ImapBackend("work", imap_settings(dovecot), FolderSettings()) as backend,
        SqliteStore(settings.state.path) as store,
    ):
        first = engine.run(settings.accounts[0], backend, store)
        second = engine.run(settings.accounts[0], backend, store)
        dovecot.deliver(plain_message(subject="one more"))
        third = engine.run(settings.accounts[0], backend, store)
    counts = [(r.in_folders, r.scanned) for r in (first, second, third)]
    assert counts == [(35, 35), (32, 0), (33, 1)]
