"""Access tokens: refreshed before they expire, and a clear line when only a new login helps."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from imap.oauth_server import AuthServer

from introgate.config import OAuth2Settings
from introgate.oauth import LoginNeeded, fresh_access_token
from introgate.oauth.providers import endpoints_for
from introgate.oauth.store import token_store_for
from introgate.oauth.tokens import TokenSet


@pytest.fixture
def auth() -> Iterator[AuthServer]:
    server = AuthServer(user="alex").start()
    try:
        yield server
    finally:
        server.stop()


def custom(auth: AuthServer, tmp_path: Path) -> OAuth2Settings:
    return OAuth2Settings(
        provider="custom",
        client_id=auth.client_id,
        authorization_url=f"{auth.url}/authorize",
        token_url=f"{auth.url}/token",
        token_store="file",
        token_file=tmp_path / "work.token",
    )


def signed_in(auth: AuthServer, settings: OAuth2Settings, expires_in: float) -> TokenSet:
    answer = auth._tokens("mail")
    tokens = TokenSet.from_response({**answer, "expires_in": expires_in})
    token_store_for("work", settings).save(tokens)
    return tokens


def test_a_token_valid_for_long_is_used_as_it_is(auth: AuthServer, tmp_path: Path) -> None:
    settings = custom(auth, tmp_path)
    tokens = signed_in(auth, settings, expires_in=3600)
    assert fresh_access_token("work", settings) == tokens.access_token
    assert auth.grant_types() == []


def test_a_token_about_to_expire_is_refreshed_first(auth: AuthServer, tmp_path: Path) -> None:
    settings = custom(auth, tmp_path)
    old = signed_in(auth, settings, expires_in=60)
    token = fresh_access_token("work", settings)
    assert token != old.access_token
    assert auth.grant_types() == ["refresh_token"]
    stored = token_store_for("work", settings).load()
    assert stored is not None and stored.access_token == token
    assert stored.refresh_token == old.refresh_token  # kept: the server sent the same one
    assert stored.expires_at is not None and stored.expires_at > time.time() + 3000


def test_a_refused_token_is_refreshed_even_before_its_expiry(
    auth: AuthServer, tmp_path: Path
) -> None:
    settings = custom(auth, tmp_path)
    old = signed_in(auth, settings, expires_in=3600)
    assert fresh_access_token("work", settings, refused=old.access_token) != old.access_token


def test_a_revoked_sign_in_says_to_log_in_again(auth: AuthServer, tmp_path: Path) -> None:
    settings = custom(auth, tmp_path)
    old = signed_in(auth, settings, expires_in=10)
    auth.revoke_refresh_tokens()
    with pytest.raises(LoginNeeded) as raised:
        fresh_access_token("work", settings)
    assert str(raised.value) == (
        "account 'work': the authorization server no longer accepts the sign-in "
        "(invalid_grant: revoked, expired or the password changed); "
        "run `introgate login work` again"
    )
    assert old.refresh_token is not None and old.refresh_token not in str(raised.value)


def test_never_signed_in(auth: AuthServer, tmp_path: Path) -> None:
    with pytest.raises(LoginNeeded) as raised:
        fresh_access_token("work", custom(auth, tmp_path))
    assert str(raised.value) == "account 'work' is not signed in: run `introgate login work`"


def test_presets_fill_in_what_the_config_leaves_out() -> None:
    microsoft = endpoints_for(
        OAuth2Settings(provider="microsoft", client_id="abc", tenant="organizations")
    )
    assert microsoft.token_url == (
        "https://login.microsoftonline.com/organizations/oauth2/v2.0/token"
    )
    assert "offline_access" in microsoft.scopes
    google = endpoints_for(
        OAuth2Settings(provider="google", client_id="abc", token_url="https://proxy.example/token")
    )
    assert google.token_url == "https://proxy.example/token"
    assert google.scopes == ("https://mail.google.com/",)
    assert google.authorization_params == {"access_type": "offline", "prompt": "consent"}


def test_tokens_travel_only_over_https_off_this_machine(tmp_path: Path) -> None:
    from introgate.errors import ConfigError

    settings = OAuth2Settings(
        provider="custom",
        client_id="abc",
        authorization_url="http://auth.example/authorize",
        token_url="http://auth.example/token",
        token_store="file",
        token_file=tmp_path / "t",
    )
    token_store_for("work", settings).save(TokenSet("a", "r", 0.0))
    with pytest.raises(ConfigError) as raised:
        fresh_access_token("work", settings)
    assert str(raised.value) == "token_url 'http://auth.example/token' must be an https:// address"
