"""Passwords for IMAP and SMTP: config, environment, command, keyring; never in an error."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from pydantic import SecretStr

from introgate.config import Credentials
from introgate.credentials import resolve_oauth2_token, resolve_password
from introgate.errors import ConfigError


class MemoryKeyring(KeyringBackend):
    """A keyring backend holding its passwords in memory (the system keyring's API)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def python_printing(text: str, status: int = 0) -> list[str]:
    return [sys.executable, "-c", f"import sys; print({text!r}); sys.exit({status})"]


def test_nothing_configured_means_no_password() -> None:
    assert resolve_password(Credentials(username="alex"), "SMTP") is None


def test_a_password_in_the_config() -> None:
    creds = Credentials(password=SecretStr("in file"))
    assert resolve_password(creds, "SMTP") == "in file"


def test_a_password_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_MAIL_PASSWORD", "from env")
    assert resolve_password(Credentials(password_env="MY_MAIL_PASSWORD"), "SMTP") == "from env"


def test_a_missing_environment_variable_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MY_MAIL_PASSWORD", raising=False)
    with pytest.raises(ConfigError) as raised:
        resolve_password(Credentials(password_env="MY_MAIL_PASSWORD"), "SMTP server x:587")
    assert str(raised.value) == (
        "SMTP server x:587: password_env names $MY_MAIL_PASSWORD, which is not set or empty"
    )


def test_a_password_from_a_command_is_its_first_output_line() -> None:
    creds = Credentials(password_command=python_printing("from command\nsecond line"))
    assert resolve_password(creds, "IMAP") == "from command"


def test_a_failing_command_reports_its_status_but_not_its_output() -> None:
    creds = Credentials(password_command=python_printing("hunter2", status=3))
    with pytest.raises(ConfigError) as raised:
        resolve_password(creds, "IMAP account 'work'")
    assert "hunter2" not in str(raised.value)
    assert str(raised.value).endswith("exited with status 3")


def test_a_command_runs_without_a_shell() -> None:
    creds = Credentials(password_command=["echo secret; rm -rf /"])
    with pytest.raises(ConfigError, match="not found"):
        resolve_password(creds, "IMAP")


def test_a_password_from_the_keyring(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password("introgate-smtp", "alex", "from keyring")
    creds = Credentials(username="alex", keyring_service="introgate-smtp")
    assert resolve_password(creds, "SMTP") == "from keyring"


def test_a_missing_keyring_entry_is_named(memory_keyring: MemoryKeyring) -> None:
    creds = Credentials(username="alex", keyring_service="introgate-smtp")
    with pytest.raises(ConfigError) as raised:
        resolve_password(creds, "SMTP")
    assert (
        str(raised.value) == "SMTP: no password for user 'alex' in keyring service 'introgate-smtp'"
    )


def test_the_config_password_wins_over_the_other_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_MAIL_PASSWORD", "from env")
    creds = Credentials(password=SecretStr("in file"), password_env="MY_MAIL_PASSWORD")
    assert resolve_password(creds, "SMTP") == "in file"


def test_an_oauth2_token_from_a_command() -> None:
    assert resolve_oauth2_token(Credentials(), "IMAP") is None
    creds = Credentials(oauth2_token_command=python_printing("ya29.token"))
    assert resolve_oauth2_token(creds, "IMAP") == "ya29.token"
