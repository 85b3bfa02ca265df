"""The review page as a user meets it: ``introgate web`` started as a process, a real
headless Chromium (Debian's), and the demo's requests in a Maildir or a real Dovecot.

Without Chromium (or Dovecot) the tests are skipped on a workstation but fail in CI
(``CI`` set), so a CI image that lost a package cannot pass silently.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from bench.dovecot_server import Dovecot, dovecot_installed
from introgate.backends import FolderRole, open_backend
from introgate.config import load_settings
from introgate.demo import CONTACTS_VCF, demo_messages, linkedin_invitation, write_demo

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
HOSTILE_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_NOTE = "<script>alert(2)</script> we met at <b>the</b> fair"
ARTIFACTS = Path(os.environ.get("INTROGATE_ARTIFACTS") or REPO / "tests" / "artifacts")

IMAP_CONFIG = """\
[identity]
name = "Alex Beispiel"
addresses = ["alex@example.org"]
default_language = "en"
signature = "Alex Beispiel"

[trust]
authserv_ids = ["mx.demo.example"]

[state]
path = "state.sqlite3"

[contacts]
files = ["contacts.vcf"]
allowlist = "allowlist.txt"
correspondence_folders = ["Sent"]

[[accounts]]
name = "work"
backend = "imap"
backfill = "all"

[accounts.imap]
host = "127.0.0.1"
port = {port}
security = "plain"
username = "{user}"
password = "{password}"
connect_timeout = 5.0
read_timeout = 10.0
"""


def missing(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def hostile_requests() -> list[bytes]:
    """LinkedIn invitations from someone whose name is HTML, and with a note that is."""
    return [
        linkedin_invitation(
            HOSTILE_NAME, "img-x", "Recruiter", language="en", note=None, mutual=4, minutes_ago=5
        ).as_bytes(),
        linkedin_invitation(
            "Eve Noter", "eve-noter", "Sales", language="en", note=HOSTILE_NOTE, minutes_ago=4
        ).as_bytes(),
    ]


def introgate(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "introgate", *args, "--config", str(config)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "100"},
        cwd=config.parent,
        check=False,
        timeout=120,
    )


@dataclass
class Mailbox:
    """The demo's mailbox (Maildir or Dovecot), its config, and what the user would check."""

    kind: str
    config: Path
    server: Dovecot | None = None

    @property
    def directory(self) -> Path:
        return self.config.parent

    def deliver(self, raw: bytes) -> None:
        if self.server is not None:
            self.server.deliver(raw)
        else:
            new = self.directory / "Maildir" / "new"
            count = len(list(new.iterdir()))
            (new / f"{count}.{os.getpid()}.test-delivery").write_bytes(raw)

    def run_pass(self) -> None:
        result = introgate(self.config, "run", "--once")
        assert result.returncode == 0, result.stdout + result.stderr

    def messages(self, role: FolderRole) -> list[EmailMessage]:
        settings = load_settings(self.config)
        with open_backend(settings.accounts[0]) as backend:
            folder = backend.folder_for(role)
            refs = backend.scan(folder, None).refs
            parsed = []
            for item in backend.fetch_full(refs):
                message = BytesParser(policy=policy.default).parsebytes(item.raw)
                assert isinstance(message, EmailMessage)
                parsed.append(message)
            return parsed

    def message_ids(self, role: FolderRole) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages(role)]

    def requests(self) -> dict[str, dict[str, Any]]:
        """``introgate requests --json``, by person."""
        import json

        result = introgate(self.config, "requests", "--json")
        assert result.returncode == 0, result.stderr
        return {row["person"]: row for row in json.loads(result.stdout)}


def maildir_mailbox(base: Path) -> Mailbox:
    config = write_demo(base / "demo")
    mailbox = Mailbox("maildir", config)
    for raw in hostile_requests():
        mailbox.deliver(raw)
    mailbox.run_pass()
    return mailbox


def imap_mailbox(base: Path) -> Iterator[Mailbox]:
    if not dovecot_installed():
        missing("Dovecot is not installed (apt-get install dovecot-imapd)")
    # under /tmp, not pytest's 0700 temp root: Dovecot's users must reach its files
    root = Path(tempfile.mkdtemp(prefix="introgate-web-dovecot-", dir="/tmp"))
    server = Dovecot.create(root / "dovecot")
    server.start()
    try:
        directory = base / "imap"
        directory.mkdir()
        (directory / "contacts.vcf").write_text(CONTACTS_VCF, encoding="utf-8")
        config = directory / "introgate.toml"
        config.write_text(
            IMAP_CONFIG.format(port=server.port, user=server.user, password=server.password),
            encoding="utf-8",
        )
        mailbox = Mailbox("imap", config, server)
        for mail in demo_messages():
            server.deliver(mail.message.as_bytes())
        for raw in hostile_requests():
            server.deliver(raw)
        mailbox.run_pass()
        yield mailbox
    finally:
        server.dispose()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["maildir", pytest.param("imap", marks=pytest.mark.imap)])
def mailbox(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Mailbox]:
    if request.param == "maildir":
        yield maildir_mailbox(tmp_path)
    else:
        yield from imap_mailbox(tmp_path)


@dataclass
class ReviewServer:
    """``introgate web --port 0`` running as a process; ``url`` carries the access token."""

    process: subprocess.Popen[str]
    url: str
    lines: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return self.url.split("/?", 1)[0]


def start_server(mailbox: Mailbox) -> ReviewServer:
    process = subprocess.Popen(
        [sys.executable, "-m", "introgate", "web", "--port", "0", "--config", str(mailbox.config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=mailbox.directory,
    )
    assert process.stdout is not None
    lines: list[str] = []
    for line in process.stdout:
        lines.append(line)
        found = re.match(r"review page: (\S+)", line)
        if found:
            return ReviewServer(process, found.group(1), lines)
    process.wait(timeout=10)
    raise AssertionError("introgate web did not print its address:\n" + "".join(lines))


@pytest.fixture
def server(mailbox: Mailbox) -> Iterator[ReviewServer]:
    running = start_server(mailbox)
    yield running
    running.process.terminate()
    running.process.wait(timeout=15)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        missing("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Browser, server: ReviewServer) -> Iterator[BrowserContext]:
    opened = browser.new_context(
        viewport={"width": 1280, "height": 800}, color_scheme="light", locale="en-GB"
    )
    opened.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.base)
    yield opened
    opened.close()


@pytest.fixture
def page(context: BrowserContext, server: ReviewServer) -> Iterator[Page]:
    """The page opened with the printed address, as a user clicks it."""
    opened = context.new_page()
    dialogs: list[str] = []
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    opened.goto(server.url)
    opened.wait_for_selector("article.card")
    yield opened
    assert dialogs == [], f"the page ran script: {dialogs}"


def save_screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    return path
