"""The daemon against a real Dovecot: IDLE push, reconnects, account isolation, SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from introgate.backends.imap import ImapBackend
from introgate.config import FolderSettings, load_settings
from introgate.pipeline import PassReport
from introgate.scheduling.daemon import Daemon
from introgate.state import SqliteStore

from .conftest import free_port_text, imap_settings, request, write_imap_config
from .dovecot import Dovecot

ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition: Callable[[], bool], timeout: float = 20.0, step: float = 0.02) -> float:
    """Seconds until ``condition`` held; fails the test after ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(step)
    pytest.fail(f"condition not met within {timeout}s")


def drafts_in(server: Dovecot) -> int:
    try:
        with ImapBackend("check", imap_settings(server), FolderSettings()) as backend:
            return len(backend.scan("Drafts", None).refs)
    except ConnectionError:
        return -1


@contextmanager
def running(config: Path, **options: float) -> Iterator[tuple[Daemon, list[str]]]:
    """A daemon in this process (no signal handlers); yields it and the finished passes."""
    daemon = Daemon(config, load_settings(config), **options)
    finished: list[str] = []
    done = threading.Condition()

    def record(name: str, report: PassReport | None, error: str | None) -> None:
        with done:
            finished.append(f"{name}:{'ok' if error is None else 'error'}")
            done.notify_all()

    daemon.pass_listeners.append(record)
    daemon.start()
    try:
        yield daemon, finished
    finally:
        daemon.shutdown()


def test_idle_turns_a_new_request_into_a_draft_within_seconds(
    dovecot: Dovecot, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    config = write_imap_config(tmp_path / "introgate.toml", dovecot, poll_interval=3600)
    with running(config) as (daemon, finished):
        wait_for(lambda: finished == ["work:ok"])
        [watcher] = daemon.runners["work"].watchers
        wait_for(lambda: watcher.connections == 1)
        time.sleep(0.3)  # let the watcher enter IDLE
        delivered = time.monotonic()
        dovecot.deliver(request(1))
        wait_for(lambda: drafts_in(dovecot) == 1, timeout=20)
        latency = time.monotonic() - delivered
    record_property("idle_latency_seconds", round(latency, 3))
    print(f"IDLE: new request to draft in {latency:.2f}s")
    assert finished[:2] == ["work:ok", "work:ok"]


def test_every_watched_folder_is_idled_on(dovecot: Dovecot, tmp_path: Path) -> None:
    config = write_imap_config(
        tmp_path / "introgate.toml",
        dovecot,
        poll_interval=3600,
        extra='[accounts.folders]\nwatch = ["INBOX", "Lists"]\n',
    )
    dovecot.deliver(b"From: a@example.org\r\nSubject: hi\r\n\r\nx\r\n", folder="Lists")
    with running(config) as (daemon, finished):
        wait_for(lambda: finished == ["work:ok"])
        watchers = daemon.runners["work"].watchers
        assert [w.folder for w in watchers] == ["INBOX", "Lists"]
        wait_for(lambda: all(w.connections == 1 for w in watchers))
        time.sleep(0.3)  # let the watchers enter IDLE
        dovecot.deliver(request(1), folder="Lists")
        wait_for(lambda: drafts_in(dovecot) == 1, timeout=20)


def test_daemon_survives_a_server_restart_and_a_broken_account(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    broken = f"""
[[accounts]]
name = "broken"
backend = "imap"
poll_interval = 3600
[accounts.imap]
host = "127.0.0.1"
port = {free_port_text()}
security = "plain"
username = "nobody"
password = "x"
connect_timeout = 2.0
"""
    config = write_imap_config(
        tmp_path / "introgate.toml", dovecot, poll_interval=3600, extra=broken
    )
    with running(config, retry_first=0.2, retry_cap=1.0) as (daemon, finished):
        wait_for(lambda: "work:ok" in finished and "broken:error" in finished)
        dovecot.stop()
        dovecot.deliver(request(1))
        dovecot.start()
        # the IDLE watcher notices the dead connection, reconnects and triggers a pass
        wait_for(lambda: drafts_in(dovecot) == 1, timeout=30)
        assert daemon.runners["broken"].failures >= 2
    with SqliteStore(load_settings(config).state.path) as store:
        passes = {health.account: health for health in store.passes.latest()}
    assert passes["work"].error is None and passes["work"].drafted == 1
    assert "cannot connect" in str(passes["broken"].last_error)


def test_sigterm_during_a_pass_finishes_the_message_and_exits_0(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    config = write_imap_config(tmp_path / "introgate.toml", dovecot, poll_interval=3600)
    total = 80
    for n in range(total):
        dovecot.deliver(request(n))
    process = subprocess.Popen(
        [sys.executable, "-m", "introgate", "run", "--config", str(config)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        wait_for(lambda: drafts_in(dovecot) >= 1, timeout=30)
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, output.decode(errors="replace")
    settings = load_settings(config)
    with SqliteStore(settings.state.path) as store:
        handled = store.messages.counts("work")
        assert handled.get("pending", 0) == 0
        assert 0 < handled.get("done", 0) < total
    # the next run finishes the rest: every request drafted exactly once
    finish = subprocess.run(
        [sys.executable, "-m", "introgate", "run", "--once", "--config", str(config)],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert finish.returncode == 0, finish.stderr.decode(errors="replace")
    assert drafts_in(dovecot) == total
    with SqliteStore(settings.state.path) as store:
        assert store.messages.counts("work") == {"done": total}
        assert store.checkpoints.get("work", "INBOX") is not None
