"""The OAuth2 client: authlib does the protocol, this module adds checks and plain errors.

authlib (over requests) builds the authorization URL with its PKCE challenge, posts the
token requests and parses the answers; introgate never formats an OAuth2 request itself.
Every error that leaves here is one line that names the endpoint and the OAuth2 error
code, never a token, a code or the client secret.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from introgate.errors import ConfigError, ConnectionLost, IntrogateError
from introgate.oauth.providers import Endpoints

if TYPE_CHECKING:
    from authlib.integrations.base_client.errors import OAuthError
    from authlib.integrations.requests_client import OAuth2Session

# authlib and requests load only when a sign-in or refresh happens: every other command
# (and every password account) would otherwise pay a sixth of a second at start-up

log = logging.getLogger("introgate.oauth")

HTTP_TIMEOUT = 30.0


class OAuthRefused(IntrogateError):
    """The authorization server answered with an OAuth2 error (``error`` is its code)."""

    def __init__(self, message: str, error: str) -> None:
        super().__init__(message)
        self.error = error


def quiet_http_logs() -> None:
    """urllib3 logs request lines at DEBUG: keep them (and authlib's) out of a verbose log."""
    for name in ("urllib3", "requests", "authlib"):
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.WARNING)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def require_https(url: str, what: str) -> None:
    """Tokens only travel over TLS, except to a server on this machine (tests, proxies)."""
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and _loopback(parts.hostname or "")):
        return
    raise ConfigError(f"{what} {url!r} must be an https:// address")


def oauth_client(endpoints: Endpoints, **kwargs: Any) -> OAuth2Session:
    """An authlib client for ``endpoints``; a public client unless a secret is configured."""
    from authlib.integrations.requests_client import OAuth2Session

    quiet_http_logs()
    require_https(endpoints.token_url, "token_url")
    return OAuth2Session(
        client_id=endpoints.client_id,
        client_secret=endpoints.client_secret,
        # public clients (no secret) send client_id in the body, as RFC 6749 2.3.1 asks
        token_endpoint_auth_method=("client_secret_post" if endpoints.client_secret else "none"),
        scope=" ".join(endpoints.scopes) or None,
        default_timeout=HTTP_TIMEOUT,
        **kwargs,
    )


def describe_refusal(exc: OAuthError, where: str) -> OAuthRefused:
    error = str(exc.error or "error")
    description = " ".join(str(exc.description or "").split())[:200]
    text = f"{where}: {error}" + (f" ({description})" if description else "")
    return OAuthRefused(text, error)


def call_token_endpoint(where: str, request: Any) -> dict[str, Any]:
    """Run ``request()`` (an authlib token call), turning its failures into plain errors."""
    import requests
    from authlib.integrations.base_client.errors import OAuthError

    try:
        answer = request()
    except OAuthError as exc:
        raise describe_refusal(exc, where) from exc
    except requests.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        raise IntrogateError(f"{where}: HTTP {status}") from exc
    except requests.RequestException as exc:
        # network trouble: the caller may try again later (the daemon does)
        raise ConnectionLost(f"{where}: {type(exc).__name__}") from exc
    except ValueError as exc:
        raise IntrogateError(f"{where}: {exc}") from exc
    return dict(answer)
