"""A broken state file stops introgate with one line naming the path and the fix, exit 2."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from introgate.backends.maildir import MaildirBackend
from introgate.cli import main
from introgate.demo import linkedin_invitation
from introgate.state import SqliteStore


def introgate(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, list[str]]:
    monkeypatch.setattr(sys, "argv", ["introgate", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    captured = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 0), captured.err.splitlines()


@pytest.fixture
def config(write_config: Callable[..., Path], maildir: MaildirBackend) -> Path:
    request = linkedin_invitation("Anna Example", "anna-e", "PM", language="en", note=None)
    (maildir.root / "new" / "1.anna").write_bytes(request.as_bytes())
    return write_config()


def filled_state(path: Path) -> None:
    with SqliteStore(path) as store:
        for n in range(400):
            store.audit.record("test", None, "label", {"summary": "x" * 200, "n": n})
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def folder(path: Path) -> None:
    path.mkdir()


def truncated(path: Path) -> None:
    filled_state(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def corrupt_in_the_middle(path: Path) -> None:
    filled_state(path)
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 4096] = b"\xa5" * 4096
    path.write_bytes(bytes(data))


def not_a_database(path: Path) -> None:
    path.write_bytes(b"this is not SQLite\n" * 100)


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (folder, "is a folder"),
        (truncated, "is damaged"),
        (corrupt_in_the_middle, "is damaged"),
        (not_a_database, "is damaged"),
    ],
)
def test_a_broken_state_file_gives_one_line_and_exit_2(
    damage: Callable[[Path], None],
    expected: str,
    config: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state = tmp_path / "state.sqlite3"
    damage(state)
    code, err = introgate(capsys, monkeypatch, "run", "--once", "--config", str(config))
    assert code == 2
    assert [line for line in err if "state file" in line] == err
    [line] = err
    assert line.startswith(f"introgate: state file {state} {expected}")
    assert (tmp_path / "Maildir" / "new" / "1.anna").exists()  # nothing was touched


def test_a_state_file_locked_by_another_process_gives_one_line_and_exit_2(
    config: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("introgate.state.sqlite.database.BUSY_TIMEOUT", 0.2)
    state = tmp_path / "state.sqlite3"
    SqliteStore(state).close()
    holder = sqlite3.connect(state, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code, err = introgate(capsys, monkeypatch, "status", "--config", str(config))
    finally:
        holder.close()
    assert (code, err) == (
        2,
        [
            f"introgate: state file {state} is locked by another process: wait for it to "
            "finish, or stop the other introgate (introgate status shows what runs)"
        ],
    )


def test_state_backup_and_restore_bring_back_a_damaged_state(
    config: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state = tmp_path / "state.sqlite3"
    assert introgate(capsys, monkeypatch, "run", "--once", "--config", str(config))[0] == 0
    assert introgate(capsys, monkeypatch, "state", "backup", "--config", str(config))[0] == 0
    with SqliteStore(state) as store:
        handled = store.messages.counts("test")
    corrupt_in_the_middle(state)
    assert introgate(capsys, monkeypatch, "state", "check", "--config", str(config))[0] == 2
    assert introgate(capsys, monkeypatch, "state", "restore", "--config", str(config))[0] == 0
    assert introgate(capsys, monkeypatch, "state", "check", "--config", str(config))[0] == 0
    with SqliteStore(state) as store:
        assert store.messages.counts("test") == handled
    assert len(list(tmp_path.glob("state.sqlite3.damaged-*"))) == 1


def chattr(flag: str, path: Path) -> None:
    """A real read-only condition even for root (tests run as root: chmod denies nothing)."""
    done = subprocess.run(["chattr", flag, str(path)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"chattr is not supported here: {done.stderr.decode().strip()}")


def test_an_immutable_state_file_gives_one_line_and_exit_2(
    config: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state = tmp_path / "state.sqlite3"
    SqliteStore(state).close()
    chattr("+i", state)
    try:
        code, err = introgate(capsys, monkeypatch, "run", "--once", "--config", str(config))
    finally:
        chattr("-i", state)
    assert (code, err) == (
        2,
        [
            f"introgate: state file {state} is read-only although its permissions allow "
            "writing (immutable, or on a read-only file system): make it writable "
            f"(chattr -i {state}, remount) or set [state] path elsewhere"
        ],
    )
    assert (tmp_path / "Maildir" / "new" / "1.anna").exists()  # nothing was touched


def test_a_state_file_in_a_read_only_folder_gives_one_line_and_exit_2(
    config: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "state"
    folder.mkdir()
    state = folder / "state.sqlite3"
    SqliteStore(state).close()
    config.write_text(
        config.read_text().replace('path = "state.sqlite3"', 'path = "state/state.sqlite3"')
    )
    chattr("+i", folder)
    try:
        code, err = introgate(capsys, monkeypatch, "status", "--config", str(config))
    finally:
        chattr("-i", folder)
    assert (code, err) == (
        2,
        [
            f"introgate: state file {state} is in a folder introgate cannot write to "
            f"({folder}): SQLite needs it for its journal; make it writable "
            f"(chattr -i {folder}, or remount)"
        ],
    )
