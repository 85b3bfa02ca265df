"""One hostile message never stops introgate: a poisoned Date among 500 real mails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from introgate.config import load_settings
from introgate.state import ProcessedStatus, SqliteStore

from .conftest import plain_message, request, write_imap_config
from .dovecot import Dovecot
from .test_imap_pipeline import mailbox

POISONED_DATE = b"Date: Mon, 1 Jan 99999999999 00:00:00 +0000"


def poisoned(raw: bytes) -> bytes:
    head, _, body = raw.partition(b"\n\n")
    lines = [POISONED_DATE if line.startswith(b"Date:") else line for line in head.split(b"\n")]
    return b"\n".join(lines) + b"\n\n" + body


def introgate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "introgate", *args],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
        check=False,
    )


def test_a_poisoned_date_in_the_middle_of_500_messages_leaves_the_others_handled(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    config = write_imap_config(tmp_path / "introgate.toml", dovecot)
    for n in range(500):
        if n == 250:
            dovecot.deliver(poisoned(request(n)))
        elif n % 50 == 0:
            dovecot.deliver(request(n))
        else:
            dovecot.deliver(plain_message(subject=f"Mail {n}"))
    result = introgate("run", "--once", "--config", str(config))
    assert (result.returncode, "Traceback" in result.stderr) == (0, False)
    with SqliteStore(load_settings(config).state.path) as store:
        assert store.messages.counts("work") == {ProcessedStatus.DONE: 500}
    box = mailbox(dovecot)
    # the 10 requests (every 50th, the poisoned one among them) are archived and drafted
    assert (len(box["INBOX"]), len(box["Archive"]), len(box["Drafts"])) == (490, 10, 10)


def test_explain_on_a_poisoned_date_prints_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "poisoned.eml"
    path.write_bytes(poisoned(request(1)))
    result = introgate("explain", str(path))
    assert (result.returncode, "Traceback" in result.stderr) == (0, False)
    assert "Person1 Example" in result.stdout
