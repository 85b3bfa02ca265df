"""OAuth2 sign-in for real: `introgate login` against a local authorization server, then
IMAP over OAUTHBEARER/XOAUTH2 against Dovecot's oauth2 passdb, which asks that server."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from introgate.config import load_settings

from .conftest import request, require_dovecot
from .dovecot import Dovecot
from .oauth_server import AuthServer
from .oauth_setup import follow_in_browser, write_oauth2_config
from .test_imap_daemon import drafts_in, running, wait_for


@pytest.fixture
def auth() -> Iterator[AuthServer]:
    server = AuthServer(user="introgate").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def oauth_dovecot(tmp_path: Path, auth: AuthServer) -> Iterator[Dovecot]:
    require_dovecot()
    server = Dovecot.create(tmp_path / "dovecot", oauth2_introspection_url=f"{auth.url}/introspect")
    server.start()
    try:
        yield server
    finally:
        server.dispose()


def login(config: Path, *options: str, browser: bool = True) -> subprocess.CompletedProcess[str]:
    """Run `introgate login work` as a user would, clicking through the sign-in page."""
    process = subprocess.Popen(
        [sys.executable, "-m", "introgate", "login", "work", "--config", str(config), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None and process.stderr is not None
    shown: list[str] = []
    for line in process.stdout:
        shown.append(line)
        if browser and line.startswith("  http"):
            follow_in_browser(line.strip())
    errors = process.stderr.read()
    return subprocess.CompletedProcess(process.args, process.wait(30), "".join(shown), errors)


def assert_no_token_in_files(tmp_path: Path, auth: AuthServer, *texts: str) -> None:
    """No token or code the server handed out is in any of introgate's files or ``texts``."""
    assert auth.issued
    for path in tmp_path.rglob("*"):
        if path.is_file() and "dovecot" not in path.relative_to(tmp_path).parts:
            content = path.read_bytes()
            for secret in auth.issued:
                assert secret.encode() not in content, f"a token is in {path}"
    for text in texts:
        for secret in auth.issued:
            assert secret not in text


def dovecot_logins(server: Dovecot) -> list[str]:
    return [
        line.split("method=")[1].split(",")[0]
        for line in server.log.read_text().splitlines()
        if "Login: user=<introgate>" in line
    ]


def test_login_in_the_browser_signs_in_over_oauthbearer(
    oauth_dovecot: Dovecot, auth: AuthServer, tmp_path: Path
) -> None:
    config = write_oauth2_config(tmp_path / "introgate.toml", oauth_dovecot, auth)
    result = login(config, "--no-browser")
    assert result.returncode == 0, result.stderr
    assert f"Signed in: account 'work'; tokens stored in {tmp_path}/tokens/work.token" in (
        result.stdout
    )
    assert "IMAP login to 127.0.0.1 works." in result.stdout
    assert auth.grant_types() == ["authorization_code"]
    assert dovecot_logins(oauth_dovecot) == ["OAUTHBEARER"]
    token_file = tmp_path / "tokens" / "work.token"
    assert oct(token_file.stat().st_mode & 0o777) == "0o600"
    assert_no_token_in_files(tmp_path, auth, result.stdout, result.stderr)


def test_login_with_a_device_code_polls_until_the_user_said_yes(
    oauth_dovecot: Dovecot, auth: AuthServer, tmp_path: Path
) -> None:
    config = write_oauth2_config(
        tmp_path / "introgate.toml", oauth_dovecot, auth, mechanism="xoauth2"
    )
    result = login(config, "--device", browser=False)
    assert result.returncode == 0, result.stderr
    assert f"open {auth.url}/device-login and enter the code " in result.stdout
    # the first poll finds the user not done yet, the second gets the tokens
    device = "urn:ietf:params:oauth:grant-type:device_code"
    assert auth.grant_types() == [device, device]
    assert dovecot_logins(oauth_dovecot) == ["XOAUTH2"]
    assert_no_token_in_files(tmp_path, auth, result.stdout, result.stderr)


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    handler = _Lines()
    logger = logging.getLogger("introgate")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        yield handler.lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


LOCAL_ACCOUNT = """
[[accounts]]
name = "local"
backend = "maildir"
maildir = "Local"
backfill = "all"
poll_interval = 5
"""


def test_daemon_refreshes_an_expired_token_and_asks_for_login_when_revoked(
    oauth_dovecot: Dovecot, auth: AuthServer, tmp_path: Path, log_lines: list[str]
) -> None:
    from introgate.backends.maildir import MaildirBackend

    local = MaildirBackend(tmp_path / "Local")
    for folder in ("INBOX", "Drafts", "Archive", "Sent", "Trash"):
        local.ensure_folder(folder)
    config = write_oauth2_config(
        tmp_path / "introgate.toml", oauth_dovecot, auth, poll_interval=3600, extra=LOCAL_ACCOUNT
    )
    assert login(config, "--no-browser").returncode == 0
    with running(config, retry_first=0.2, retry_cap=1.0) as (daemon, finished):
        wait_for(lambda: "work:ok" in finished and "local:ok" in finished)
        # the provider ends every access token early; the server drops the connections
        auth.expire_access_tokens()
        oauth_dovecot.kick()
        oauth_dovecot.deliver(request(1))
        wait_for(lambda: drafts_in(oauth_dovecot) == 1, timeout=30)
        assert "refresh_token" in auth.grant_types()

        # now the user revokes introgate's access in their account settings
        auth.revoke_refresh_tokens()
        auth.expire_access_tokens()
        oauth_dovecot.kick()
        again = "run `introgate login work` again"
        wait_for(lambda: any(again in line for line in log_lines), timeout=30)
        # the other account keeps running
        (local.root / "new" / "1.request").write_bytes(request(2))
        threading.Thread(target=daemon.trigger, args=("local",), daemon=True).start()
        wait_for(lambda: len(list((local.root / ".Drafts" / "cur").iterdir())) == 1, timeout=30)
    told = [line for line in log_lines if again in line]
    assert told[0].endswith(
        "work: account 'work': the authorization server no longer accepts the sign-in "
        "(invalid_grant: revoked, expired or the password changed); "
        "run `introgate login work` again; next try in 0s"
    )
    # said by the pass only, not again by every IDLE watcher
    assert all(" IDLE " not in line for line in told)
    settings = load_settings(config)
    assert_no_token_in_files(tmp_path, auth, *log_lines)
    assert settings.state.path.is_file()
