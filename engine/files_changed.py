"""Noticing that files changed without reading them: path, modification time and size.

Rule files and contact files are re-read only when their stamps differ from the last
read; a missing file has a stamp of its own, so its appearance is noticed too.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

FileStamp = tuple[str, int, int]


def stamps(paths: Iterable[Path]) -> tuple[FileStamp, ...]:
    return tuple(_stamp(path) for path in paths)


def _stamp(path: Path) -> FileStamp:
    try:
        stat = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), stat.st_mtime_ns, stat.st_size)
