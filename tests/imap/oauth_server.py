"""A local OAuth2 authorization server for tests: 127.0.0.1, a free port, real HTTP.

It speaks the standard protocol the providers speak (RFC 6749 code grant with RFC 7636
PKCE, RFC 8628 device grant, refresh, RFC 7662 introspection for Dovecot's oauth2
passdb); only the address differs. Consent is automatic: whoever follows the
authorization URL is the user saying yes. Tokens are random; the test can expire every
access token or revoke every refresh token to see what introgate does then.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


@dataclass
class _Grant:
    user: str
    scope: str
    redirect_uri: str = ""
    challenge: str = ""


@dataclass
class _Device:
    user_code: str
    scope: str
    polls: int = 0
    approved: bool = False


@dataclass
class AuthServer:
    """The authorization server's state; ``url`` is its base address once started."""

    user: str
    client_id: str = "introgate-test-client"
    access_lifetime: int = 3600
    device_interval: int = 1
    approve_device_after_polls: int = 1
    access_tokens: dict[str, float] = field(default_factory=dict)  # token -> expiry
    refresh_tokens: set[str] = field(default_factory=set)
    issued: list[str] = field(default_factory=list)  # every token and code ever handed out
    requests: list[str] = field(default_factory=list)  # "POST /token grant_type=..." lines
    _codes: dict[str, _Grant] = field(default_factory=dict)
    _devices: dict[str, _Device] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _http: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._http is not None
        return f"http://127.0.0.1:{self._http.server_address[1]}"

    def start(self) -> AuthServer:
        server = self

        class Handler(_Handler):
            auth = server

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._http.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()

    # -- what a test does to the server ----------------------------------------

    def expire_access_tokens(self) -> None:
        """Every access token handed out so far is dead from now on."""
        with self._lock:
            for token in self.access_tokens:
                self.access_tokens[token] = 0.0

    def revoke_refresh_tokens(self) -> None:
        with self._lock:
            self.refresh_tokens.clear()

    def grant_types(self) -> list[str]:
        return [kind for line in self.requests if (kind := line.partition("grant_type=")[2])]

    # -- the protocol ----------------------------------------------------------

    def _new(self, prefix: str) -> str:
        value = f"{prefix}-{secrets.token_urlsafe(24)}"
        self.issued.append(value)
        return value

    def _tokens(self, scope: str, refresh: str | None = None) -> dict[str, Any]:
        access = self._new("at")
        self.access_tokens[access] = time.time() + self.access_lifetime
        if refresh is None:
            refresh = self._new("rt")
            self.refresh_tokens.add(refresh)
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": self.access_lifetime,
            "refresh_token": refresh,
            "scope": scope,
        }

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str]]:
        redirect = query.get("redirect_uri", "")
        if query.get("client_id") != self.client_id or not redirect:
            return 400, {}
        params: dict[str, str] = {"state": query.get("state", "")}
        if query.get("response_type") != "code" or query.get("code_challenge_method") != "S256":
            params["error"] = "invalid_request"
        else:
            with self._lock:
                code = self._new("code")
                self._codes[code] = _Grant(
                    self.user, query.get("scope", ""), redirect, query.get("code_challenge", "")
                )
            params["code"] = code
        return 302, {"Location": f"{redirect}?{urlencode(params)}"}

    def device(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if form.get("client_id") != self.client_id:
            return 400, {"error": "invalid_client"}
        with self._lock:
            device_code = self._new("dc")
            user_code = secrets.token_hex(4).upper()
            self._devices[device_code] = _Device(user_code, form.get("scope", ""))
        return 200, {
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": f"{self.url}/device-login",
            "expires_in": 600,
            "interval": self.device_interval,
        }

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if form.get("client_id") != self.client_id:
            return 401, {"error": "invalid_client"}
        grant = form.get("grant_type")
        with self._lock:
            if grant == "authorization_code":
                found = self._codes.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "")
                digest = hashlib.sha256(verifier.encode()).digest()
                challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
                if (
                    found is None
                    or found.redirect_uri != form.get("redirect_uri")
                    or found.challenge != challenge
                ):
                    return 400, {"error": "invalid_grant"}
                return 200, self._tokens(found.scope)
            if grant == "refresh_token":
                refresh = form.get("refresh_token", "")
                if refresh not in self.refresh_tokens:
                    return 400, {"error": "invalid_grant", "error_description": "revoked"}
                return 200, self._tokens(form.get("scope", ""), refresh=refresh)
            if grant == DEVICE_GRANT:
                device = self._devices.get(form.get("device_code", ""))
                if device is None:
                    return 400, {"error": "invalid_grant"}
                device.polls += 1
                if device.polls <= self.approve_device_after_polls:
                    return 400, {"error": "authorization_pending"}
                del self._devices[form["device_code"]]
                return 200, self._tokens(device.scope)
        return 400, {"error": "unsupported_grant_type"}

    def introspect(self, form: dict[str, str]) -> dict[str, Any]:
        """RFC 7662, as Dovecot's ``introspection_mode = post`` asks it."""
        with self._lock:
            expiry = self.access_tokens.get(form.get("token", ""))
        if expiry is None or expiry < time.time():
            return {"active": False}
        return {"active": True, "username": self.user}


class _Handler(BaseHTTPRequestHandler):
    auth: AuthServer

    def _reply(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path == "/authorize":
            status, headers = self.auth.authorize(query)
            self._reply(status, {}, headers)
        else:
            self._reply(404, {}, {})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        path = urlsplit(self.path).path
        self.auth.requests.append(f"POST {path} grant_type={form.get('grant_type', '')}")
        if path == "/token":
            self._reply(*self.auth.token(form), {})
        elif path == "/device":
            self._reply(*self.auth.device(form), {})
        elif path == "/introspect":
            self._reply(200, self.auth.introspect(form), {})
        else:
            self._reply(404, {}, {})

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: pytest shows stderr of failing tests, and this is noise there."""
