"""The two ways to sign in: a browser with a loopback redirect (code + PKCE), or a device code.

Both end with a ``TokenSet``; storing it is the caller's job. Neither prints a token or an
authorization code: what the user sees is the address to open (and the device flow's
short user code, which is made to be read out).
"""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from introgate.errors import ConfigError, IntrogateError
from introgate.oauth.client import (
    OAuthRefused,
    call_token_endpoint,
    oauth_client,
    require_https,
)
from introgate.oauth.providers import Endpoints
from introgate.oauth.tokens import TokenSet

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
BROWSER_TIMEOUT = 300.0
# RFC 8628 3.5: without an interval the client waits 5 s; slow_down adds 5 s
DEFAULT_POLL_INTERVAL = 5.0
SLOW_DOWN_STEP = 5.0

_DONE_PAGE = (
    "<!doctype html><meta charset=utf-8><title>introgate</title>"
    "<p>{text}</p><p>You can close this tab and return to the terminal.</p>"
)


class _Redirect(BaseHTTPRequestHandler):
    """Takes the one redirect the browser brings back; answers a small page."""

    server: _LoopbackServer

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path != "/" or not ({"code", "error"} & params.keys()):
            self.send_error(404)  # a favicon request or a stray visitor
            return
        ok = "code" in params
        text = "Signed in." if ok else f"Sign-in refused: {params.get('error', '')}"
        body = _DONE_PAGE.format(text=html.escape(text)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.server.answer(params)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the request line carries the authorization code."""


class _LoopbackServer(HTTPServer):
    def __init__(self, port: int) -> None:
        super().__init__(("127.0.0.1", port), _Redirect)
        self.params: dict[str, str] | None = None
        self.arrived = threading.Event()

    def answer(self, params: dict[str, str]) -> None:
        if self.params is None:
            self.params = params
            self.arrived.set()


class _Loopback:
    """A one-shot HTTP server on 127.0.0.1 that waits for the authorization redirect."""

    def __init__(self, port: int) -> None:
        try:
            self.server = _LoopbackServer(port)
        except OSError as exc:
            raise IntrogateError(
                f"cannot listen on 127.0.0.1:{port} for the sign-in redirect: {exc.strerror}"
            ) from exc
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> _Loopback:
        self.thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait(self, timeout: float) -> dict[str, str]:
        if not self.server.arrived.wait(timeout):
            raise IntrogateError(
                f"no answer from the browser within {timeout:.0f}s; run `introgate login` again"
            )
        assert self.server.params is not None
        return self.server.params


def login_with_browser(
    endpoints: Endpoints,
    open_url: Callable[[str], None],
    *,
    login_hint: str | None = None,
    timeout: float = BROWSER_TIMEOUT,
) -> TokenSet:
    """Authorization code with PKCE (RFC 7636); the browser comes back to a loopback port."""
    if not endpoints.authorization_url:
        raise ConfigError("this provider has no authorization_url: use login --device")
    require_https(endpoints.authorization_url, "authorization_url")
    with _Loopback(endpoints.redirect_port) as loopback:
        redirect_uri = f"http://{endpoints.redirect_host}:{loopback.port}/"
        with oauth_client(
            endpoints, redirect_uri=redirect_uri, code_challenge_method="S256"
        ) as client:
            from authlib.common.security import generate_token

            verifier = generate_token(64)  # RFC 7636 4.1: 43-128 unreserved characters
            extra = dict(endpoints.authorization_params)
            if login_hint:
                extra["login_hint"] = login_hint
            url, state = client.create_authorization_url(
                endpoints.authorization_url, code_verifier=verifier, **extra
            )
            open_url(url)
            params = loopback.wait(timeout)
            if params.get("state") != state:
                raise IntrogateError(
                    "the browser came back from a different sign-in (state differs); "
                    "run `introgate login` again"
                )
            if "error" in params:
                description = " ".join(params.get("error_description", "").split())[:200]
                raise OAuthRefused(
                    f"{endpoints.provider} refused the sign-in: {params['error']}"
                    + (f" ({description})" if description else ""),
                    params["error"],
                )
            code = params["code"]
            answer = call_token_endpoint(
                f"token endpoint {endpoints.token_url}",
                lambda: client.fetch_token(
                    endpoints.token_url,
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=verifier,
                ),
            )
    return TokenSet.from_response(answer)


@dataclass(frozen=True)
class DeviceCode:
    """What the user must do: open ``verification_uri`` and type ``user_code``."""

    verification_uri: str
    user_code: str
    device_code: str
    interval: float
    expires_in: float

    def __repr__(self) -> str:
        return f"DeviceCode(verification_uri={self.verification_uri!r})"


def login_with_device_code(
    endpoints: Endpoints,
    show: Callable[[DeviceCode], None],
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> TokenSet:
    """The device authorization grant (RFC 8628): sign in on any other device."""
    url = endpoints.device_authorization_url
    if not url:
        raise ConfigError(endpoints.no_device_flow)
    require_https(url, "device_authorization_url")
    where = f"device authorization endpoint {url}"
    with oauth_client(endpoints) as client:
        # authlib has no client call for RFC 8628 3.1; it is one form post of client_id and scope
        answer = call_token_endpoint(
            where,
            lambda: client.post(
                url,
                data={"client_id": endpoints.client_id, "scope": " ".join(endpoints.scopes)},
                withhold_token=True,
            ).json(),
        )
        device = _device_code(answer, where)
        show(device)
        deadline = time.monotonic() + device.expires_in
        interval = device.interval
        while True:
            sleep(interval)
            if time.monotonic() > deadline:
                raise IntrogateError("the device code expired before the sign-in was finished")
            try:
                tokens = call_token_endpoint(
                    f"token endpoint {endpoints.token_url}",
                    lambda: client.fetch_token(
                        endpoints.token_url,
                        grant_type=DEVICE_CODE_GRANT,
                        device_code=device.device_code,
                    ),
                )
            except OAuthRefused as exc:
                if exc.error == "authorization_pending":
                    continue
                if exc.error == "slow_down":
                    interval += SLOW_DOWN_STEP
                    continue
                if exc.error == "expired_token":
                    raise IntrogateError(
                        "the device code expired before the sign-in was finished"
                    ) from exc
                raise
            return TokenSet.from_response(tokens)


def _device_code(answer: dict[str, Any], where: str) -> DeviceCode:
    if "error" in answer:
        raise OAuthRefused(f"{where}: {answer['error']}", str(answer["error"]))
    # Google calls it verification_url; RFC 8628 says verification_uri
    uri = answer.get("verification_uri") or answer.get("verification_url")
    user_code, device_code = answer.get("user_code"), answer.get("device_code")
    if not (isinstance(uri, str) and isinstance(user_code, str) and isinstance(device_code, str)):
        raise IntrogateError(
            f"{where}: the answer lacks verification_uri, user_code or device_code"
        )
    return DeviceCode(
        verification_uri=uri,
        user_code=user_code,
        device_code=device_code,
        interval=float(answer.get("interval") or DEFAULT_POLL_INTERVAL),
        expires_in=float(answer.get("expires_in") or 900),
    )
