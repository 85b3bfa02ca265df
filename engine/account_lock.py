"""One pass per account at a time, across processes: an OS file lock beside the state file.

Two passes over the same account at once (two ``run --once``, or one beside the daemon)
would both see the same new request and both draft and move it. The lock is ``flock`` on
``<state file>.<account>.lock``: the kernel releases it when its holder dies, so a lock
left by a killed process is simply free again, never stale. The file says who holds it
(pid, host, command, since when) so the process that waits can tell the user.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import socket
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from introgate.errors import IntrogateError

# how long a second process waits for a running pass before it gives up on this one
WAIT_SECONDS = 5.0
_POLL = 0.1


class AccountBusy(IntrogateError):
    """Another process is running a pass over this account; this pass is skipped."""


def lock_path(state_path: Path, account: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", account) or "_"
    return state_path.with_name(f"{state_path.name}.{safe}.lock")


@contextlib.contextmanager
def account_lock(state_path: Path, account: str, *, wait: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the account's lock for the body, or raise AccountBusy naming the holder."""
    path = lock_path(state_path, account)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise IntrogateError(
            f"{path}: cannot create the account lock: {exc.strerror or exc}; "
            "check that the state folder exists and is writable"
        ) from exc
    try:
        _acquire(fd, path, account, wait)
        _write_holder(fd)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _acquire(fd: int, path: Path, account: str, wait: float) -> None:
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise AccountBusy(
                    f"account '{account}' is being handled by {holder(path)}; "
                    "skipped this pass (it will be picked up by that process)"
                ) from None
            time.sleep(_POLL)


def _write_holder(fd: int) -> None:
    program = Path(sys.argv[0]).name if sys.argv else "?"
    if program == "__main__.py":  # python -m introgate
        program = "introgate"
    command = " ".join([*program.split(), *sys.argv[1:2]])
    since = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = f"pid {os.getpid()} on {socket.gethostname()} ({command}) since {since}\n"
    os.ftruncate(fd, 0)
    os.pwrite(fd, text.encode(), 0)


def holder(path: Path) -> str:
    """Who holds the lock, as its holder wrote it; 'another process' when unreadable."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        text = ""
    return f"process {text}" if text.startswith("pid ") else "another process"


def is_held(state_path: Path, account: str) -> str | None:
    """The holder's description while some process holds the account, else None."""
    return _held(lock_path(state_path, account))


def daemon_lock_path(state_path: Path) -> Path:
    return state_path.with_name(f"{state_path.name}.daemon.lock")


@contextlib.contextmanager
def daemon_lock(state_path: Path) -> Iterator[None]:
    """Held by the daemon for its whole life, so `status` and `run --once` can tell it runs.

    The account locks are held only during a pass; between passes nothing else would
    show that a daemon watches the accounts. A second daemon on the same state file is
    refused: it would only wait for the first one's passes.
    """
    path = daemon_lock_path(state_path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise IntrogateError(
            f"{path}: cannot create the daemon lock: {exc.strerror or exc}; "
            "check that the state folder exists and is writable"
        ) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IntrogateError(
                f"a daemon already runs for {state_path}: {holder(path)}; stop it first"
            ) from None
        _write_holder(fd)
        yield
    finally:
        os.close(fd)


def daemon_holder(state_path: Path) -> str | None:
    """Who runs the daemon for this state file, or None when no daemon runs."""
    return _held(daemon_lock_path(state_path))


def _held(path: Path) -> str | None:
    if not path.exists():
        return None
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return holder(path)
    finally:
        os.close(fd)
    return None
