"""Online backups of the state file with SQLite's backup API, kept one per day.

The backup is taken while the daemon runs (WAL readers do not block), page by page into
a new file that is checked before it replaces the day's copy.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from introgate.state.sqlite.health import StateFileError, problems

KEEP_DAYS = 7


def backup_folder(state_path: Path) -> Path:
    return state_path.parent / f"{state_path.name}.backups"


def backup(state_path: Path, target: Path | None = None) -> Path:
    """Copy the state file consistently to ``target`` (default: today's backup)."""
    if target is None:
        folder = backup_folder(state_path)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{datetime.now(UTC):%Y-%m-%d}.sqlite3"
    partial = target.with_name(target.name + ".partial")
    source = sqlite3.connect(f"file:{state_path}?mode=ro", uri=True)
    try:
        copy = sqlite3.connect(str(partial))
        try:
            source.backup(copy)
            found = problems(copy)
        finally:
            copy.close()
    finally:
        source.close()
    if found:
        partial.unlink(missing_ok=True)
        raise StateFileError(f"backup of {state_path} fails its check: {found[0]}")
    partial.replace(target)
    rotate(state_path)
    return target


def rotate(state_path: Path, keep: int = KEEP_DAYS) -> list[Path]:
    """Delete all but the newest ``keep`` daily backups; returns the ones kept."""
    backups = sorted(backup_folder(state_path).glob("*.sqlite3"))
    for old in backups[:-keep]:
        old.unlink(missing_ok=True)
    return backups[-keep:]


def newest_backup(state_path: Path) -> Path | None:
    backups = sorted(backup_folder(state_path).glob("*.sqlite3"))
    return backups[-1] if backups else None


def restore(state_path: Path, source: Path) -> None:
    """Replace the state file with a checked backup; the damaged one is kept aside."""
    check = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        found = problems(check)
    except sqlite3.DatabaseError as exc:
        found = [str(exc)]
    finally:
        check.close()
    if found:
        raise StateFileError(f"backup {source} fails its check ({found[0]}): pick another")
    if state_path.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        state_path.replace(state_path.with_name(f"{state_path.name}.damaged-{stamp}"))
    for suffix in ("-wal", "-shm"):
        state_path.with_name(state_path.name + suffix).unlink(missing_ok=True)
    restored = sqlite3.connect(str(state_path))
    source_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        source_db.backup(restored)
    finally:
        source_db.close()
        restored.close()
