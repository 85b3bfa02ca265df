"""Test set-up for OAuth2 against Dovecot: a config that signs in, a scripted browser."""

from __future__ import annotations

from pathlib import Path

import requests

from .conftest import IMAP_CONFIG
from .dovecot import Dovecot
from .oauth_server import AuthServer


def oauth2_section(auth: AuthServer, token_dir: Path, *, mechanism: str = "auto") -> str:
    return f"""
[accounts.imap.oauth2]
provider = "custom"
client_id = "{auth.client_id}"
authorization_url = "{auth.url}/authorize"
token_url = "{auth.url}/token"
device_authorization_url = "{auth.url}/device"
scopes = ["mail", "offline_access"]
mechanism = "{mechanism}"
token_store = "file"
token_file = "{token_dir}/work.token"
"""


def write_oauth2_config(
    path: Path,
    server: Dovecot,
    auth: AuthServer,
    *,
    mechanism: str = "auto",
    poll_interval: int = 300,
    extra: str = "",
) -> Path:
    """The IMAP test config with no password: account "work" signs in with OAuth2."""
    text = IMAP_CONFIG.format(
        port=server.port, user=server.user, password="", poll_interval=poll_interval
    ).replace('password = ""\n', "")
    text += oauth2_section(auth, path.parent / "tokens", mechanism=mechanism)
    path.write_text(text + extra, encoding="utf-8")
    return path


def follow_in_browser(url: str) -> None:
    """What a browser does with the sign-in address: follow redirects to the loopback page."""
    answer = requests.get(url, allow_redirects=True, timeout=10)
    answer.raise_for_status()
