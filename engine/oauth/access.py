"""A usable access token for an account, refreshed shortly before it expires.

Refreshing is serialised per account: the daemon's pass and its IDLE watchers connect
from several threads, and two refreshes at once could each rotate the refresh token and
leave the store holding the one the server already replaced.
"""

from __future__ import annotations

import logging
import threading

from introgate.config import OAuth2Settings
from introgate.errors import IntrogateError
from introgate.oauth.client import OAuthRefused, call_token_endpoint, oauth_client
from introgate.oauth.providers import endpoints_for
from introgate.oauth.store import TokenStore, token_store_for
from introgate.oauth.tokens import TokenSet

log = logging.getLogger("introgate.oauth")

# refresh this long before the expiry the server announced: a pass must not start on a
# token that dies during its login, and clocks drift
REFRESH_MARGIN = 300.0

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


class LoginNeeded(IntrogateError):
    """The stored sign-in is missing or no longer accepted: only ``introgate login`` helps."""


def _lock_for(account: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(account, threading.Lock())


def login_again(account: str) -> str:
    return f"run `introgate login {account}` again"


def fresh_access_token(
    account: str, settings: OAuth2Settings, *, refused: str | None = None
) -> str:
    """An access token for ``account`` valid for a while yet.

    ``refused``: a token the mail server just turned down; it is refreshed whatever its
    expiry says (revoked early, or the server's clock runs ahead).
    """
    store = token_store_for(account, settings)
    with _lock_for(account):
        tokens = store.load()
        if tokens is None:
            raise LoginNeeded(
                f"account {account!r} is not signed in: run `introgate login {account}`"
            )
        if refused is not None and tokens.access_token == refused:
            tokens = tokens.expired()
        if not tokens.expires_within(REFRESH_MARGIN):
            return tokens.access_token
        return _refresh(account, settings, store, tokens).access_token


def _refresh(
    account: str, settings: OAuth2Settings, store: TokenStore, tokens: TokenSet
) -> TokenSet:
    if not tokens.refresh_token:
        raise LoginNeeded(
            f"account {account!r}: the sign-in has expired and the provider gave no refresh "
            f"token; {login_again(account)}"
        )
    endpoints = endpoints_for(settings)
    refresh_token = tokens.refresh_token
    try:
        with oauth_client(endpoints) as client:
            answer = call_token_endpoint(
                f"account {account!r}: refreshing the sign-in at {endpoints.token_url}",
                lambda: client.refresh_token(endpoints.token_url, refresh_token=refresh_token),
            )
    except OAuthRefused as exc:
        if exc.error in ("invalid_grant", "invalid_token", "unauthorized_client"):
            raise LoginNeeded(
                f"account {account!r}: {endpoints.provider} no longer accepts the sign-in "
                f"({exc.error}: revoked, expired or the password changed); "
                f"{login_again(account)}"
            ) from exc
        raise
    fresh = TokenSet.from_response(answer, previous=tokens)
    store.save(fresh)
    log.info("account %r: access token refreshed", account)
    return fresh
