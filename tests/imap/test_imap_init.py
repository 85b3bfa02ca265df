"""`introgate init` end to end against Dovecot: answers by flags, by a scripted terminal,
and by a sign-in; the config it writes passes `check` and runs."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from .conftest import plain_message, request, require_dovecot
from .dovecot import Dovecot
from .oauth_server import AuthServer
from .oauth_setup import follow_in_browser
from .test_imap_daemon import drafts_in


def introgate(
    *args: str, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "introgate", *args],
        capture_output=True,
        text=True,
        input=stdin,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )


@pytest.fixture
def env(tmp_path: Path, dovecot: Dovecot) -> dict[str, str]:
    return {
        "MAIL_PASSWORD": dovecot.password,
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
    }


def fill_inbox(server: Dovecot) -> None:
    server.deliver(request(1))
    server.deliver(plain_message(subject="Lunch?"))
    old = datetime.now(UTC) - timedelta(days=60)
    server.deliver(plain_message(subject="old", date=old))


def test_init_by_flags_writes_a_config_that_checks_and_runs(
    dovecot: Dovecot, tmp_path: Path, env: dict[str, str]
) -> None:
    fill_inbox(dovecot)
    config = tmp_path / "xdg-config" / "introgate" / "config.toml"
    result = introgate(
        "init",
        "--address", "alex@example.org", "--name", "Alex Beispiel", "--provider", "other",
        "--imap-host", "127.0.0.1", "--imap-port", str(dovecot.port),
        "--imap-security", "plain", "--username", dovecot.user, "--smtp-host", "",
        "--password-env", "MAIL_PASSWORD", "--language", "de", "--signature", "Alex",
        "--no-input",
        env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "  drafts   Drafts\n" in result.stdout
    assert "  LinkedIn        1  (1 contact requests)\n" in result.stdout
    unit = tmp_path / "xdg-config" / "systemd" / "user" / "introgate.service"
    assert f"Wrote {config} and {unit}." in result.stdout
    assert f" run --config {config}\n" in unit.read_text()
    text = config.read_text()
    assert 'password_env = "MAIL_PASSWORD"' in text and dovecot.password not in text
    assert 'default_language = "de"' in text
    checked = introgate("check", "--config", str(config), env=env)
    assert checked.returncode == 0, checked.stderr
    ran = introgate("run", "--once", "--config", str(config), env=env)
    assert ran.returncode == 0, ran.stderr
    assert drafts_in(dovecot) == 1


def test_init_asks_in_the_terminal_what_no_flag_said(
    dovecot: Dovecot, tmp_path: Path, env: dict[str, str]
) -> None:
    config = tmp_path / "introgate.toml"
    answers = [
        "alex@example.org",  # address
        "Alex Beispiel",  # name
        "other",  # provider: example.org is neither Google nor Microsoft
        "127.0.0.1",  # IMAP server
        "",  # no SMTP server
        "env",  # password from
        "MAIL_PASSWORD",  # its variable
        "de",  # reply language
        "Alex",  # signature
    ]
    result = introgate(
        "init", "--config", str(config), "--systemd-unit", str(tmp_path / "unit.service"),
        "--imap-port", str(dovecot.port), "--imap-security", "plain",
        "--username", dovecot.user,
        env=env, stdin="\n".join(answers) + "\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr + result.stdout
    assert "Provider: google, microsoft or other (password) [other]:" in result.stdout
    assert introgate("check", "--config", str(config), env=env).returncode == 0
    assert 'signature = "Alex"' in config.read_text()


def test_init_never_overwrites_a_config_without_a_yes(
    dovecot: Dovecot, tmp_path: Path, env: dict[str, str]
) -> None:
    config = tmp_path / "introgate.toml"
    config.write_text("# mine\n")
    scripted = introgate("init", "--config", str(config), env=env, stdin="n\n")
    assert scripted.returncode == 1
    assert f"{config} left as it is (pass --force to replace it)." in scripted.stderr
    flagged = introgate("init", "--config", str(config), "--no-input", env=env)
    assert flagged.returncode == 1
    assert config.read_text() == "# mine\n"


@pytest.fixture
def auth() -> Iterator[AuthServer]:
    server = AuthServer(user="introgate").start()
    try:
        yield server
    finally:
        server.stop()


def test_init_signs_in_with_oauth2_and_the_config_runs_on_the_stored_tokens(
    tmp_path: Path, auth: AuthServer
) -> None:
    require_dovecot()
    server = Dovecot.create(tmp_path / "dovecot", oauth2_introspection_url=f"{auth.url}/introspect")
    server.start()
    try:
        server.deliver(request(1))
        env = {"XDG_DATA_HOME": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1"}
        config = tmp_path / "introgate.toml"
        process = subprocess.Popen(
            [
                sys.executable, "-m", "introgate", "init", "--config", str(config),
                "--systemd-unit", str(tmp_path / "unit.service"),
                "--address", "alex@example.org", "--name", "Alex", "--provider", "custom",
                "--imap-host", "127.0.0.1", "--imap-port", str(server.port),
                "--imap-security", "plain", "--username", server.user, "--smtp-host", "",
                "--client-id", auth.client_id,
                "--authorization-url", f"{auth.url}/authorize",
                "--token-url", f"{auth.url}/token", "--scopes", "mail offline_access",
                "--language", "en", "--signature", "Alex", "--no-browser", "--no-input",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **env},
        )  # fmt: skip
        assert process.stdout is not None and process.stderr is not None
        shown = []
        for line in process.stdout:
            shown.append(line)
            if line.startswith("  http"):
                follow_in_browser(line.strip())
        assert process.wait(60) == 0, process.stderr.read()
        assert "  LinkedIn        1  (1 contact requests)\n" in shown
        ran = introgate("run", "--once", "--config", str(config), env=env)
        assert ran.returncode == 0, ran.stderr
        assert drafts_in(server) == 1
        for secret in auth.issued:
            assert secret not in config.read_text() and secret not in "".join(shown)
    finally:
        server.dispose()
