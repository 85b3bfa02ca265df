"""``introgate status``: is it running, and is anything waiting for me?"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from introgate.account_lock import daemon_lock_path
from introgate.backends.maildir import MaildirBackend
from introgate.cli import main
from introgate.demo import linkedin_invitation
from introgate.mail import MessageRef
from introgate.state import ProcessedStatus, SqliteStore


def introgate(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, list[str], list[str]]:
    """Exit code, stdout lines and stderr lines of the command as a user runs it."""
    monkeypatch.setattr(sys, "argv", ["introgate", *args])
    monkeypatch.setenv("COLUMNS", "80")
    code: int | str | None = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return (
        code if isinstance(code, int) else 0,
        captured.out.splitlines(),
        captured.err.splitlines(),
    )


def deliver(maildir: MaildirBackend, count: int, first: int = 0) -> None:
    for n in range(first, first + count):
        mail = linkedin_invitation(
            f"Person{n} Example", f"person-{n}", "PM", language="en", note=None
        )
        (maildir.root / "new" / f"{n}.request").write_bytes(mail.as_bytes())


def test_status_answers_running_and_waiting_in_lines_that_fit_80_columns(
    write_config: Callable[..., Path],
    maildir: MaildirBackend,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = write_config('\n[[accounts]]\nname = "idle"\nbackend = "maildir"\nmaildir = "M2"\n')
    with SqliteStore(tmp_path / "state.sqlite3") as store:
        failed = store.passes.start("test")
        store.passes.finish(
            failed, scanned=0, processed=0, failed=0, drafted=0, error="server unreachable"
        )
        good = store.passes.start("test")
        store.passes.finish(
            good, scanned=3, processed=3, failed=0, drafted=2, error=None, in_folders=12
        )
        store.messages.record("test", MessageRef("INBOX", "a"), status=ProcessedStatus.DONE)
        store.messages.record("test", MessageRef("INBOX", "b"), status=ProcessedStatus.DONE)
        store.messages.record("test", MessageRef("INBOX", "c"), status=ProcessedStatus.SKIPPED)
    code, out, err = introgate(capsys, monkeypatch, "status", "--config", str(config))
    assert (code, err) == (0, [])
    assert out[0] == "daemon: not running (start it with `introgate run`)"
    assert out[1:3] == [
        "test:",
        f"  last pass #{good}, just now: 12 in the watched folders, 3 new, 2 drafted, 0 failed",
    ]
    assert out[3] == "  last error just now: server unreachable"
    assert out[4:] == [
        "  requests by state: none yet",
        "  drafts waiting for review: none",
        "  messages: 2 done, 1 skipped",
        "idle:",
        "  last pass: never",
        "  requests by state: none yet",
        "  drafts waiting for review: none",
        "  messages: none yet",
    ]
    assert max(len(line) for line in out) <= 80


def test_status_after_real_passes_counts_what_the_folder_holds_not_what_was_listed(
    write_config: Callable[..., Path],
    maildir: MaildirBackend,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = str(write_config())
    deliver(maildir, 3)  # drafted and archived by the shipped rules
    for n in range(32):
        (maildir.root / "cur" / f"plain{n}:2,S").write_bytes(
            f"From: a{n}@example.org\nSubject: hello {n}\nMessage-ID: <p{n}@x>\n\nhi\n".encode()
        )
    assert introgate(capsys, monkeypatch, "run", "--once", "--config", config)[0] == 0
    code, out, _ = introgate(capsys, monkeypatch, "run", "--once", "--config", config)
    assert code == 0
    # the pass summary's layout is the pass output's business; its numbers are checked here
    summary = " ".join(line.strip() for line in out)
    assert "nothing new since the last pass (32 messages in the watched folders)" in summary
    assert "(pass #2)" in summary
    code, out, _ = introgate(capsys, monkeypatch, "status", "--config", config)
    assert out[1:5] == [
        "test:",
        "  last pass #2, just now: 32 in the watched folders, 0 new, 0 drafted, 0 failed",
        "  requests by state: 3 asked",
        "  drafts waiting for review: 3 (see `introgate drafts list`)",
    ]
    code, out, _ = introgate(capsys, monkeypatch, "status", "--json", "--config", config)
    [account] = json.loads(out[0])["accounts"]
    assert {k: account["last_pass"][k] for k in ("id", "in_folders", "new", "drafted")} == {
        "id": 2,
        "in_folders": 32,
        "new": 0,
        "drafted": 0,
    }
    assert (account["requests"], account["drafts_waiting"]) == ({"asked": 3}, 3)


def test_a_long_error_is_wrapped_and_hostile_control_characters_are_not_printed(
    write_config: Callable[..., Path],
    maildir: MaildirBackend,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = write_config()
    with SqliteStore(tmp_path / "state.sqlite3") as store:
        pass_id = store.passes.start("test")
        store.passes.finish(
            pass_id,
            scanned=0,
            processed=0,
            failed=0,
            drafted=0,
            error="login refused \x1b[31mred\x1b[0m " + "because " * 12,
        )
    code, out, _ = introgate(capsys, monkeypatch, "status", "--config", str(config))
    assert code == 1
    assert out[2].startswith(f"  last pass #{pass_id}, just now: FAILED: login refused ?[31mred")
    assert out[3].startswith("      because")
    assert max(len(line) for line in out) <= 80
    assert not any("\x1b" in line for line in out)


def test_status_before_the_first_run_says_so(
    write_config: Callable[..., Path],
    maildir: MaildirBackend,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, out, _ = introgate(capsys, monkeypatch, "status", "--config", str(write_config()))
    assert (code, out[0]) == (0, "daemon: not running (start it with `introgate run`)")
    assert " ".join(line.strip() for line in out[1:]) == (
        f"introgate has not run yet (no state file at {tmp_path / 'state.sqlite3'})"
    )


@pytest.fixture
def daemon(
    write_config: Callable[..., Path], maildir: MaildirBackend, tmp_path: Path
) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """``introgate run`` (the daemon) on the test account, stopped by SIGTERM afterwards."""
    config = write_config()
    process = subprocess.Popen(
        [sys.executable, "-m", "introgate", "run", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=tmp_path,
    )
    lock = daemon_lock_path(tmp_path / "state.sqlite3")
    deadline = time.monotonic() + 30
    while not (lock.exists() and lock.read_text().startswith("pid ")):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.1)
    try:
        yield config, process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def test_status_names_the_running_daemon_and_run_once_warns_about_it(
    daemon: tuple[Path, subprocess.Popen[str]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config, process = daemon
    code, out, _ = introgate(capsys, monkeypatch, "status", "--config", str(config))
    who = f"pid {process.pid} on {socket.gethostname()} (introgate run) since "
    assert re.fullmatch(
        rf"daemon: running, {re.escape(who)}\d{{4}}-\d\d-\d\d \d\d:\d\d UTC", out[0]
    )
    code, _, err = introgate(capsys, monkeypatch, "run", "--once", "--config", str(config))
    assert err[0].startswith(f"introgate: a daemon watches these accounts (process {who}")
    assert err[0].endswith("); this pass runs between its passes")
    assert code == 0


def test_a_second_daemon_on_the_same_state_is_refused_in_one_line(
    daemon: tuple[Path, subprocess.Popen[str]],
) -> None:
    config, process = daemon
    second = subprocess.run(
        [sys.executable, "-m", "introgate", "run", "--config", str(config)],
        capture_output=True,
        text=True,
        cwd=config.parent,
        timeout=60,
        env={**os.environ, "COLUMNS": "80"},
        check=False,
    )
    assert second.returncode == 2
    [line] = [line for line in second.stderr.splitlines() if "daemon" in line]
    assert line.startswith(
        f"introgate: a daemon already runs for {config.parent / 'state.sqlite3'}: "
        f"process pid {process.pid} on "
    )
    assert line.endswith("; stop it first")
