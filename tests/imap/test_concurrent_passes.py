"""Two passes over one account at once give exactly what one pass gives.

Two `run --once` started together (or one beside the daemon) used to both draft and
archive the same new requests. One pass per account runs at a time across processes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from introgate.backends.imap import ImapBackend
from introgate.config import FolderSettings, load_settings
from introgate.state import SqliteStore

from .conftest import imap_settings, request, write_imap_config
from .dovecot import Dovecot

ROOT = Path(__file__).resolve().parents[2]


def count(server: Dovecot, folder: str) -> int:
    with ImapBackend("check", imap_settings(server), FolderSettings()) as backend:
        return len(backend.scan(folder, None).refs)


def test_two_run_once_at_the_same_time_draft_and_archive_each_request_once(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    config = write_imap_config(tmp_path / "introgate.toml", dovecot)
    total = 60
    for n in range(total):
        dovecot.deliver(request(n))
    command = [sys.executable, "-m", "introgate", "run", "--once", "--config", str(config)]
    both = [
        subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    results = [(p.wait(timeout=300), p.stderr.read().decode()) for p in both if p.stderr]

    assert [code for code, _ in results] == [0, 0], results
    assert count(dovecot, "Drafts") == total
    assert count(dovecot, "Archive") == total
    assert count(dovecot, "INBOX") == 0
    with SqliteStore(load_settings(config).state.path) as store:
        assert store.messages.counts("work") == {"done": total}
