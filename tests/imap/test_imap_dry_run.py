"""`run --once --dry-run` against a real Dovecot says what `run --once` then does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from introgate.backends.imap import ImapBackend
from introgate.config import FolderSettings
from introgate.demo import linkedin_invitation, xing_request

from .conftest import imap_settings, plain_message, write_imap_config
from .dovecot import Dovecot


def introgate(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "introgate", *args, "--config", str(config)],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
        check=False,
    )


def folder_sizes(server: Dovecot) -> dict[str, int]:
    with ImapBackend("look", imap_settings(server), FolderSettings()) as backend:
        return {folder: len(backend.scan(folder, None).refs) for folder in backend.list_folders()}


def test_dry_run_and_real_run_count_the_same_on_a_real_server(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    config = write_imap_config(tmp_path / "introgate.toml", dovecot)
    mails = [
        linkedin_invitation(
            "Anna Schäfer", "anna-s", "PM", language="de", note=None, minutes_ago=90
        ),
        linkedin_invitation(
            "Anna Schäfer", "anna-s", "PM", language="de", note=None, minutes_ago=50
        ),
        xing_request("Anna Schäfer", "Anna_Schaefer", language="de", note=None, minutes_ago=40),
        linkedin_invitation("Bernd Kurz", "bernd-k", "CTO", language="en", note=None),
    ]
    with ImapBackend("setup", imap_settings(dovecot), FolderSettings()) as backend:
        for mail in mails:
            backend.append("INBOX", mail.as_bytes())
        backend.append("INBOX", plain_message(subject="Lunch?"))
    before = folder_sizes(dovecot)

    dry = introgate(config, "run", "--once", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[-2:] == [
        "dry run: 5 new, 2 would be drafted, 0 failed",
        "1 other message left alone, not listed (--all lists every message)",
    ]
    assert folder_sizes(dovecot) == before

    real = introgate(config, "run", "--once")
    assert real.returncode == 0, real.stderr
    assert real.stdout.splitlines()[-2:] == [
        "5 new, 2 drafted, 0 failed (pass #1)",
        "1 other message left alone, not listed (--all lists every message)",
    ]
    assert dry.stdout.count("no draft: asked on ") == 2
    assert real.stdout.count("no draft: asked on ") == 2
    after = folder_sizes(dovecot)
    assert (after["Drafts"], after["Archive"], after["INBOX"]) == (2, 4, 1)
