"""Fixtures shared by every test area: a Maildir account and its settings."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from introgate.backends.maildir import MaildirBackend
from introgate.config import Settings, load_settings

FIXTURES = Path(__file__).parent / "fixtures"

CONFIG_TEMPLATE = """
[identity]
name = "Alex Beispiel"
addresses = ["alex@example.org"]
default_language = "en"
signature = "Alex"

[trust]
authserv_ids = ["mx.demo.example"]

[state]
path = "state.sqlite3"

[contacts]
files = []
correspondence_folders = ["Sent"]

[[accounts]]
name = "test"
backend = "maildir"
maildir = "Maildir"
backfill = "all"
"""


@pytest.fixture
def maildir(tmp_path: Path) -> MaildirBackend:
    backend = MaildirBackend(tmp_path / "Maildir")
    for folder in ("INBOX", "Drafts", "Archive", "Sent", "Trash"):
        backend.ensure_folder(folder)
    return backend


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., Path]:
    """Write a config for the ``maildir`` fixture's folder; ``extra`` is appended TOML."""

    def write(extra: str = "") -> Path:
        path = tmp_path / "introgate.toml"
        path.write_text(CONFIG_TEMPLATE + extra, encoding="utf-8")
        return path

    return write


@pytest.fixture
def settings(write_config: Callable[..., Path], maildir: MaildirBackend) -> Settings:
    return load_settings(write_config())


@pytest.fixture
def audited(settings: Settings) -> Callable[[], list[tuple[str, str]]]:
    """(account, action) of every audit row, oldest first, read from the state file itself.

    introgate only writes the audit log; a user reads it with any SQLite client.
    """

    def read() -> list[tuple[str, str]]:
        with sqlite3.connect(settings.state.path) as db:
            rows = db.execute("SELECT account, action FROM audit ORDER BY id").fetchall()
        return [(str(account), str(action)) for account, action in rows]

    return read


@pytest.fixture(autouse=True, scope="session")
def _cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """introgate's cache folder (``$XDG_CACHE_HOME/introgate``) for this test session:
    shared by its tests, and the user's own stays untouched."""
    patch = pytest.MonkeyPatch()
    patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    yield
    patch.undo()
