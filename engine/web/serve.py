"""Serving the review page: where it may listen, the address it prints, and the server.

The socket is bound before the server starts, so a port in use or a host that is not
allowed is one line naming ``[web]``, and ``--port 0`` reports the port it got. The
same ``WebServer`` runs in the foreground (``introgate web``) or on a thread of the
daemon (``[web] enabled = true``).
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import socket
import threading
from dataclasses import dataclass

import uvicorn

from introgate.config import Settings, WebSettings
from introgate.errors import ConfigError, IntrogateError
from introgate.web.access import Access, token_file, write_url_file
from introgate.web.app import create_app

log = logging.getLogger("introgate.web")


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(web: WebSettings) -> None:
    """Anywhere but loopback needs TLS, or the user's explicit consent to go without."""
    if is_loopback(web.host) or web.tls_cert is not None or web.allow_insecure_remote:
        return
    raise ConfigError(
        f"[web] host = {web.host!r} is reachable from other machines: set tls_cert and "
        'tls_key, or allow_insecure_remote = true, or use host = "127.0.0.1"'
    )


@dataclass
class WebServer:
    """A bound socket and the server for it; ``url`` carries the access token."""

    settings: Settings
    sock: socket.socket
    server: uvicorn.Server
    access: Access
    base_url: str

    @property
    def url(self) -> str:
        return f"{self.base_url}/?token={self.access.token}"

    @classmethod
    def bind(cls, settings: Settings, port: int | None = None) -> WebServer:
        web = settings.web
        check_exposure(web)
        wanted = web.port if port is None else port
        family = socket.AF_INET6 if ":" in web.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((web.host.strip("[]"), wanted))
        except OSError as exc:
            sock.close()
            raise IntrogateError(
                f"cannot listen on {web.host}:{wanted} "
                f"({exc.strerror or exc}); choose another [web] port or --port"
            ) from exc
        sock.listen(64)
        sock.set_inheritable(True)
        bound = sock.getsockname()[1]
        tls = web.tls_cert is not None
        access = Access()
        app = create_app(settings, access, secure_cookie=tls, loopback=is_loopback(web.host))
        config = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            ssl_certfile=str(web.tls_cert) if web.tls_cert else None,
            ssl_keyfile=str(web.tls_key) if web.tls_key else None,
            lifespan="on",
        )
        shown = web.host
        if ":" in shown and not shown.startswith("["):
            shown = f"[{shown}]"
        base = f"{'https' if tls else 'http'}://{shown}:{bound}"
        server = cls(settings, sock, uvicorn.Server(config), access, base)
        write_url_file(token_file(settings.state.path), server.url)
        return server

    def serve(self) -> None:
        """Until Ctrl+C (or ``stop``); the address file goes with the page."""
        try:
            self.server.run(sockets=[self.sock])
        finally:
            self.sock.close()
            path = token_file(self.settings.state.path)
            with contextlib.suppress(OSError):
                if path.read_text(encoding="utf-8").strip() == self.url:  # not a newer page's
                    path.unlink()

    def start_thread(self) -> threading.Thread:
        """Serve on a thread of its own (the daemon); uvicorn leaves signals alone there."""
        thread = threading.Thread(target=self.serve, name="introgate-web", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.server.should_exit = True
