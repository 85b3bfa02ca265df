"""Network files audited once: the text of a file that passed is remembered, not re-audited.

Auditing a network file (every pattern compiled and checked for exponential
backtracking, ``regex_cost``) was most of a short command's start-up, and every command
reads the network files. The verdict depends only on the file's text and on the code
that audits it, so after a file passes, a digest of both is remembered in the user's
cache folder (``$XDG_CACHE_HOME/introgate``, default ``~/.cache/introgate``); a file
whose digest is remembered is read with the audit left out. A changed file (or a new
introgate, Python or pydantic) gives another digest and is audited again; a file with
problems is never remembered, so its problems are reported, located, every time. A
record that cannot be read or parsed counts as empty, and one that cannot be written
only costs the next start its audit.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from functools import cache
from pathlib import Path

import pydantic

from introgate import __version__

RECORD_NAME = "networks-audited.json"
# digests kept: the shipped files, a user's own, and a few of their earlier versions
_KEPT = 64
# the modules whose code decides whether a network file passes
_AUDITING_MODULES = ("network_file.py", "regex_cost.py", "model.py")


def cache_folder() -> Path:
    """``$XDG_CACHE_HOME/introgate``, else ``~/.cache/introgate``."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "introgate"


@cache
def _auditing_code() -> bytes:
    """What the verdict depends on besides the file: the auditing source and its versions."""
    digest = hashlib.sha256()
    for part in (__version__, sys.version, pydantic.VERSION):
        digest.update(part.encode() + b"\0")
    here = Path(__file__).resolve().parent
    for name in _AUDITING_MODULES:
        digest.update((here / name).read_bytes())
    return digest.digest()


def _digest(text: str) -> str:
    return hashlib.sha256(_auditing_code() + text.encode("utf-8")).hexdigest()


class NetworkAudits:
    """The digests of network file texts that passed the audit under this code."""

    def __init__(self, path: Path | None) -> None:
        """``path`` None: remember nothing (every file is audited)."""
        self.path = path
        self._passed: list[str] = self._read() if path is not None else []
        self._known = set(self._passed)
        self._added = False

    @classmethod
    def in_cache_folder(cls) -> NetworkAudits:
        return cls(cache_folder() / RECORD_NAME)

    def _read(self) -> list[str]:
        assert self.path is not None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        passed = data.get("passed") if isinstance(data, dict) else None
        if not isinstance(passed, list):
            return []
        return [item for item in passed if isinstance(item, str)]

    def passed(self, text: str) -> bool:
        return self.path is not None and _digest(text) in self._known

    def remember(self, text: str) -> None:
        """``text`` passed the audit."""
        digest = _digest(text)
        if self.path is None or digest in self._known:
            return
        self._known.add(digest)
        self._passed.append(digest)
        self._added = True

    def save(self) -> None:
        """Write the record if it grew; a cache folder that cannot be written is no error."""
        if self.path is None or not self._added:
            return
        self._added = False
        text = json.dumps({"passed": self._passed[-_KEPT:]})
        # written whole under a name of this process, then renamed: a reader never sees
        # half a record, and two processes writing at once do not mix their records
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(text, encoding="utf-8")
            temporary.replace(self.path)
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
