"""`introgate drafts ...` as a user runs it, against a real Dovecot."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from introgate.backends.imap import ImapBackend
from introgate.config import FolderSettings

from .conftest import imap_settings, request, running_dovecot, write_imap_config
from .dovecot import Dovecot


@pytest.fixture
def dovecot_without_trash() -> Iterator[Dovecot]:
    """A server with Drafts, Sent and Archive but no Trash folder (none by name either)."""
    yield from running_dovecot(
        special_folders={"Drafts": "\\Drafts", "Sent": "\\Sent", "Archive": "\\Archive"}
    )


def introgate(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "introgate", *args, "--config", str(config)],
        capture_output=True,
        text=True,
        env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"},
        cwd=config.parent,
        check=False,
    )


def folder_message_ids(server: Dovecot) -> dict[str, list[str]]:
    with ImapBackend("check", imap_settings(server), FolderSettings()) as backend:
        found: dict[str, list[str]] = {}
        for folder in backend.list_folders():
            items = backend.fetch_headers(backend.scan(folder, None).refs)
            found[folder] = [
                re.search(rb"(?im)^Message-ID:\s*(\S+)", item.raw).group(1).decode()  # type: ignore[union-attr]
                for item in items
            ]
        return found


def test_discard_on_a_server_without_trash_creates_trash_and_keeps_the_draft_there(
    dovecot_without_trash: Dovecot, tmp_path: Path
) -> None:
    server = dovecot_without_trash
    config = write_imap_config(tmp_path / "introgate.toml", server)
    server.deliver(request(1))
    assert "Trash" not in folder_message_ids(server)
    assert introgate(config, "run", "--once").returncode == 0
    [draft_id] = folder_message_ids(server)["Drafts"]
    short = draft_id[len("<introgate.") :][:10]

    result = introgate(config, "drafts", "discard", short)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"draft {short} moved to Trash; request recorded as dismissed"
    ]
    after = folder_message_ids(server)
    assert after["Drafts"] == []
    assert after["Trash"] == [draft_id]
