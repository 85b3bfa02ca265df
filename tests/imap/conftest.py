"""A real Dovecot per test (127.0.0.1, free port, temp dirs) and a backend logged in to it.

Without Dovecot the tests are skipped on a workstation but fail in CI (``CI`` set), so a
CI image that lost ``dovecot-imapd`` cannot pass silently.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from introgate.backends.imap import ImapBackend
from introgate.config import FolderSettings, ImapSettings

from .dovecot import Dovecot, dovecot_installed


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(pytest.mark.imap)


def require_dovecot() -> None:
    if not dovecot_installed():
        message = "Dovecot is not installed (apt-get install dovecot-imapd)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def running_dovecot(**options: Any) -> Iterator[Dovecot]:
    """A started Dovecot in a folder of its own under /tmp, not under pytest's tmp_path.

    Dovecot's users must traverse every parent folder, and each new pytest session sets
    pytest's temp root back to mode 0700: a server running under it would lose its
    files whenever another test session starts on the same machine.
    """
    require_dovecot()
    base = Path(tempfile.mkdtemp(prefix="introgate-dovecot-", dir="/tmp"))
    server = Dovecot.create(base / "dovecot", **options)
    server.start()
    try:
        yield server
    finally:
        server.dispose()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    yield from running_dovecot()


def imap_settings(server: Dovecot, **overrides: object) -> ImapSettings:
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": server.port,
        "security": "plain",
        "username": server.user,
        "password": SecretStr(server.password),
        "connect_timeout": 5.0,
        "read_timeout": 10.0,
        "fetch_chunk": 50,
    }
    values.update(overrides)
    return ImapSettings.model_validate(values)


@pytest.fixture
def backend(dovecot: Dovecot) -> Iterator[ImapBackend]:
    with ImapBackend("test", imap_settings(dovecot), FolderSettings()) as connected:
        assert isinstance(connected, ImapBackend)
        yield connected


def plain_message(
    subject: str = "Hello",
    sender: str = "alice@example.org",
    to: str = "me@example.net",
    body: str = "Just a note.\n",
    message_id: str | None = None,
    date: datetime | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date or datetime.now(UTC))
    msg["Message-ID"] = message_id or make_msgid(domain="example.org")
    msg.set_content(body)
    return msg.as_bytes()


IMAP_CONFIG = """
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
name = "work"
backend = "imap"
backfill = "all"
poll_interval = {poll_interval}

[accounts.imap]
host = "127.0.0.1"
port = {port}
security = "plain"
username = "{user}"
password = "{password}"
connect_timeout = 5.0
read_timeout = 10.0
fetch_chunk = 50
"""


def write_imap_config(
    path: Path, server: Dovecot, *, poll_interval: int = 300, extra: str = ""
) -> Path:
    """A config whose only account ("work") reads ``server``; ``extra`` is appended TOML."""
    text = IMAP_CONFIG.format(
        port=server.port, user=server.user, password=server.password, poll_interval=poll_interval
    )
    path.write_text(text + extra, encoding="utf-8")
    return path


def request(n: int, *, note: str | None = None) -> bytes:
    """A LinkedIn invitation from a different stranger for each ``n``."""
    from introgate.demo import linkedin_invitation

    return linkedin_invitation(
        f"Person{n} Example", f"person-{n}-example", "Consultant", language="en", note=note
    ).as_bytes()


def free_port_text() -> str:
    """A port nothing listens on (for an account that cannot connect)."""
    from .dovecot import free_port

    return str(free_port())
