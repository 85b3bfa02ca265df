"""Opening the state file: every way it can be broken becomes one line naming what to do.

A state file that is a folder, unwritable, read-only, held by another process, truncated
or corrupt stops introgate before anything changes in the mailbox; the user reads the
path and the fix instead of a traceback. ``PRAGMA quick_check`` at open notices damage
in the middle of the file that reading the first page would not.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from introgate.errors import IntrogateError

RESTORE_HINT = (
    "restore it from a backup with `introgate state restore`, or move it away to start afresh"
)


class StateFileError(IntrogateError):
    """The state file cannot be used; the message names the path and what to do."""


def check_path(path: Path) -> None:
    """Problems visible before SQLite opens the file."""
    if path.is_dir():
        raise StateFileError(
            f"state file {path} is a folder: move it away or set [state] path to a file"
        )
    folder = path.parent
    if not path.exists():
        if folder.exists() and not os.access(folder, os.W_OK | os.X_OK):
            raise StateFileError(
                f"state file {path} cannot be created: the folder {folder} is not writable; "
                "make it writable or set [state] path elsewhere"
            )
        return
    if not os.access(path, os.R_OK | os.W_OK) and _mode_allows_writing(path):
        raise StateFileError(
            f"state file {path} is read-only although its permissions allow writing "
            f"(immutable, or on a read-only file system): make it writable (chattr -i {path}, "
            "remount) or set [state] path elsewhere"
        )
    if not os.access(path, os.R_OK | os.W_OK):
        raise StateFileError(
            f"state file {path} is not readable and writable by this user: fix its "
            f"permissions (chmod u+rw {path}) or run introgate as its owner"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StateFileError(
            f"state file {path} is in a folder introgate cannot write to ({folder}): SQLite "
            "needs it for its journal; make it writable"
            + (f" (chattr -i {folder}, or remount)" if _mode_allows_writing(folder) else "")
        )


def _mode_allows_writing(path: Path) -> bool:
    """Whether the permission bits let this user write: then something else forbids it
    (the immutable attribute, a read-only mount), which chmod does not fix."""
    try:
        stat = path.stat()
    except OSError:
        return False
    euid = os.geteuid()
    return euid == 0 or (stat.st_uid == euid and bool(stat.st_mode & 0o200))


def explain_sqlite_error(path: Path, exc: sqlite3.Error) -> StateFileError:
    """The one line for an error SQLite gave while opening or checking the file."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return StateFileError(
            f"state file {path} is locked by another process: wait for it to finish, or "
            "stop the other introgate (introgate status shows what runs)"
        )
    if "readonly" in text or "read-only" in text:
        return StateFileError(
            f"state file {path} is read-only (file, folder or file system): make it writable"
        )
    if "unable to open" in text:
        return StateFileError(
            f"state file {path} cannot be opened: check that its folder exists and is writable"
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return StateFileError(f"state file {path} is damaged ({exc}): {RESTORE_HINT}")
    return StateFileError(f"state file {path}: {exc}: {RESTORE_HINT}")


def problems(db: sqlite3.Connection, *, thorough: bool = False) -> list[str]:
    """What SQLite's own check finds: [] for a sound file.

    ``quick_check`` reads every page (fast enough at each start); ``integrity_check`` also
    compares every index with its table (the daemon runs it once a day).
    """
    pragma = "integrity_check" if thorough else "quick_check"
    rows = db.execute(f"PRAGMA {pragma}(20)").fetchall()
    found = [str(row[0]) for row in rows]
    if found == ["ok"]:
        return []
    # one problem a line, without SQLite's "*** in database main ***" headings
    lines = (line.strip() for text in found for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("***")] or found[:1]
