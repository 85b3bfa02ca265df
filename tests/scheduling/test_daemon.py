"""The daemon on Maildir accounts: backoff, account isolation, SIGHUP reload, SIGTERM exit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from introgate.backends.maildir import MaildirBackend
from introgate.config import load_settings
from introgate.demo import linkedin_invitation
from introgate.scheduling.daemon import Daemon
from introgate.scheduling.idle import backoff_delay
from introgate.state import PassHealth, SqliteStore

ROOT = Path(__file__).resolve().parents[2]

SECOND_ACCOUNT = """
[[accounts]]
name = "second"
backend = "maildir"
maildir = "Second"
backfill = "all"
"""


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"condition not met within {timeout}s")


def passes(state: Path) -> dict[str, PassHealth]:
    if not state.exists():
        return {}
    with SqliteStore(state) as store:
        return {health.account: health for health in store.passes.latest()}


def invitation() -> bytes:
    return linkedin_invitation(
        "Jo Stranger", "jo-stranger-1", "Recruiter", language="en", note=None
    ).as_bytes()


def test_backoff_doubles_and_stops_at_the_cap() -> None:
    delays = [backoff_delay(n, 5, 300) for n in range(9)]
    assert delays == [0, 5, 10, 20, 40, 80, 160, 300, 300]


def test_a_broken_account_backs_off_while_the_other_is_handled(
    write_config: Callable[..., Path], maildir: MaildirBackend, tmp_path: Path
) -> None:
    (maildir.root / "new" / "1.jo").write_bytes(invitation())
    broken = '\n[[accounts]]\nname = "broken"\nbackend = "maildir"\nmaildir = "Nowhere"\n'
    config = write_config(broken)
    daemon = Daemon(config, load_settings(config), retry_first=0.05, retry_cap=0.2)
    daemon.start()
    try:
        wait_for(lambda: daemon.runners["broken"].failures >= 3)
        wait_for(lambda: daemon.runners["test"].passes >= 1)
    finally:
        daemon.shutdown()
    rows = passes(tmp_path / "state.sqlite3")
    assert rows["test"].error is None and rows["test"].drafted == 1
    assert "not a Maildir" in str(rows["broken"].last_error)
    assert len(maildir.scan("Drafts", None).refs) == 1


def test_sighup_reloads_the_config_and_sigterm_exits_0(
    write_config: Callable[..., Path], maildir: MaildirBackend, tmp_path: Path
) -> None:
    config = write_config()
    MaildirBackend(tmp_path / "Second").ensure_folder("INBOX")
    state = tmp_path / "state.sqlite3"
    process = subprocess.Popen(
        [sys.executable, "-m", "introgate", "run", "--config", str(config)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        wait_for(lambda: "test" in passes(state))
        config.write_text("this is [not toml", encoding="utf-8")
        process.send_signal(signal.SIGHUP)  # a broken edit: keep running the old config
        time.sleep(0.5)
        assert process.poll() is None
        write_config(SECOND_ACCOUNT)
        process.send_signal(signal.SIGHUP)
        wait_for(lambda: "second" in passes(state))
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    text = output.decode(errors="replace")
    assert process.returncode == 0, text
    assert "reload failed" in text
    assert "configuration reloaded" in text
