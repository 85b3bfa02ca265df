"""Sending with an OAuth2 sign-in: SMTP XOAUTH2 against a local server that checks tokens."""

from __future__ import annotations

import base64
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from imap.oauth_server import AuthServer

from introgate.config import OAuth2Settings, SmtpSettings
from introgate.drafts.smtp import SendError, send_message
from introgate.oauth import LoginNeeded
from introgate.oauth.store import token_store_for
from introgate.oauth.tokens import TokenSet


@dataclass
class XOAuth2Server:
    """An SMTP handler that accepts XOAUTH2 with a token the authorization server issued."""

    auth: AuthServer
    logins: list[str] = field(default_factory=list)  # "user ok" / "user refused"
    messages: list[bytes] = field(default_factory=list)

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> AuthResult:
        fields = dict(
            part.split("=", 1)
            for part in base64.b64decode(args[1]).decode().split("\x01")
            if "=" in part
        )
        token = fields.get("auth", "").removeprefix("Bearer ")
        ok = self.auth.introspect({"token": token})["active"]
        self.logins.append(f"{fields.get('user')} {'ok' if ok else 'refused'}")
        return AuthResult(success=bool(ok), handled=False)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def auth() -> Iterator[AuthServer]:
    server = AuthServer(user="alex@example.org").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp(auth: AuthServer) -> Iterator[tuple[XOAuth2Server, int]]:
    handler = XOAuth2Server(auth)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(handler, hostname="127.0.0.1", port=port, auth_require_tls=False)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def signed_in(auth: AuthServer, tmp_path: Path) -> tuple[OAuth2Settings, TokenSet]:
    settings = OAuth2Settings(
        provider="custom",
        client_id=auth.client_id,
        authorization_url=f"{auth.url}/authorize",
        token_url=f"{auth.url}/token",
        token_store="file",
        token_file=tmp_path / "work.token",
    )
    tokens = TokenSet.from_response(auth._tokens("mail"))
    token_store_for("work", settings).save(tokens)
    return settings, tokens


def message() -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "alex@example.org", "bob@example.net", "Hi"
    msg.set_content("Hello Bob\n")
    return msg


def smtp_settings(port: int) -> SmtpSettings:
    return SmtpSettings(
        host="127.0.0.1",
        port=port,
        security="plain",
        username="alex@example.org",
        oauth2_account="work",
    )


def test_a_draft_is_sent_with_the_accounts_sign_in(
    auth: AuthServer, smtp: tuple[XOAuth2Server, int], tmp_path: Path
) -> None:
    handler, port = smtp
    settings, _ = signed_in(auth, tmp_path)
    assert send_message(smtp_settings(port), message(), ("work", settings)) == []
    assert handler.logins == ["alex@example.org ok"]
    assert len(handler.messages) == 1


def test_a_token_the_smtp_server_refuses_is_refreshed_once(
    auth: AuthServer, smtp: tuple[XOAuth2Server, int], tmp_path: Path
) -> None:
    handler, port = smtp
    settings, tokens = signed_in(auth, tmp_path)
    auth.expire_access_tokens()  # ended early by the provider; the store still trusts it
    assert tokens.expires_at is not None and tokens.expires_at > time.time() + 3000
    send_message(smtp_settings(port), message(), ("work", settings))
    assert handler.logins == ["alex@example.org refused", "alex@example.org ok"]
    assert auth.grant_types() == ["refresh_token"]


def test_a_revoked_sign_in_sends_nothing_and_says_what_to_do(
    auth: AuthServer, smtp: tuple[XOAuth2Server, int], tmp_path: Path
) -> None:
    handler, port = smtp
    settings, _ = signed_in(auth, tmp_path)
    auth.expire_access_tokens()
    auth.revoke_refresh_tokens()
    with pytest.raises(LoginNeeded) as raised:
        send_message(smtp_settings(port), message(), ("work", settings))
    assert str(raised.value).endswith("run `introgate login work` again")
    assert handler.messages == []


def test_oauth2_account_without_a_sign_in_is_an_error(smtp: tuple[XOAuth2Server, int]) -> None:
    _, port = smtp
    with pytest.raises(SendError) as raised:
        send_message(smtp_settings(port), message(), None)
    assert "oauth2_account is set but no sign-in was given" in str(raised.value)
