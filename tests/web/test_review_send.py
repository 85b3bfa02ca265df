""" "Send by e-mail" on the review page: the same send as ``drafts send``, to a real SMTP
server (aiosmtpd), for a draft the user addressed in their mail client."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Browser, expect

from bench.dovecot_server import free_port
from introgate.backends import FolderRole

from .conftest import Mailbox, maildir_mailbox, start_server


class Inbox:
    """What the SMTP server received: (envelope recipients, message bytes)."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def address_draft(mailbox: Mailbox, draft_id: str, to: str) -> None:
    """What a mail client does when the user adds a recipient: the draft, with a To:."""
    for path in (mailbox.directory / "Maildir" / ".Drafts" / "cur").iterdir():
        raw = path.read_bytes()
        if re.search(rb"(?im)^Message-ID:\s*" + re.escape(draft_id.encode()), raw):
            path.write_bytes(f"To: {to}\r\n".encode() + raw)
            return
    raise AssertionError(f"no draft {draft_id}")


def test_send_by_e_mail_sends_the_draft_as_drafts_send_does(
    browser: Browser, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    mailbox = maildir_mailbox(tmp_path)
    with mailbox.config.open("a", encoding="utf-8") as handle:
        handle.write(f'\n[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "plain"\n')
    draft_id = str(mailbox.requests()["Sam Lee"]["draft_id"])
    address_draft(mailbox, draft_id, "Sam Lee <sam@example.net>")
    server = start_server(mailbox)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(server.url)
        card = page.locator("article.card", has=page.locator(".name", has_text="Sam Lee"))
        card.scroll_into_view_if_needed()
        send = card.get_by_role("button", name="Send by e-mail to sam@example.net")
        send.click(timeout=10_000)

        expect(page.locator("#g-waiting article.card .name", has_text="Sam Lee")).to_have_count(1)
        expect(page.locator("#status")).to_contain_text("sent to sam@example.net")
    finally:
        context.close()
        server.process.terminate()
        server.process.wait(timeout=15)
    [(recipients, raw)] = inbox.messages
    assert recipients == ["sam@example.net"]
    sent = message_from_bytes(raw, policy=policy.default)
    body = sent.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert text.startswith("Hi Sam,") and "instagram.com" not in text
    assert draft_id not in mailbox.message_ids(FolderRole.DRAFTS)
    assert draft_id in mailbox.message_ids(FolderRole.SENT)
    assert mailbox.requests()["Sam Lee"]["state"] == "question_sent"
