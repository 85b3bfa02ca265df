"""Where tokens are kept: the keyring, else an encrypted 0600 file that is checked on read."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from introgate.config import OAuth2Settings
from introgate.errors import ConfigError
from introgate.oauth.store import (
    EncryptedFileTokenStore,
    KeyringTokenStore,
    token_store_for,
)
from introgate.oauth.tokens import TokenSet

TOKENS = TokenSet("at-secret-access", "rt-secret-refresh", time.time() + 3600, "mail")


class FileKeyring(KeyringBackend):
    """A keyring that keeps its entries in one plain file, so a test can see where they went."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def _entries(self) -> dict[str, str]:
        if not self.path.exists():
            return {}
        return dict(line.split("\t", 1) for line in self.path.read_text().splitlines())

    def get_password(self, service: str, username: str) -> str | None:
        return self._entries().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = self._entries()
        entries[f"{service}/{username}"] = password
        self.path.write_text("".join(f"{k}\t{v}\n" for k, v in entries.items()))

    def delete_password(self, service: str, username: str) -> None:
        raise NotImplementedError


@pytest.fixture
def file_keyring(tmp_path: Path) -> Iterator[FileKeyring]:
    previous = keyring.get_keyring()
    backend = FileKeyring(tmp_path / "keyring.txt")
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def settings(tmp_path: Path, store: str = "auto") -> OAuth2Settings:
    return OAuth2Settings(
        provider="google",
        client_id="id",
        token_store=store,  # type: ignore[arg-type]
        token_file=tmp_path / "tokens" / "work.token",
    )


def test_with_a_keyring_the_tokens_go_there_and_nowhere_else(
    tmp_path: Path, file_keyring: FileKeyring
) -> None:
    store = token_store_for("work", settings(tmp_path))
    store.save(TOKENS)
    assert store.load() == TOKENS
    assert "introgate-oauth2/work" in file_keyring.path.read_text()
    assert not (tmp_path / "tokens").exists()
    assert store.description == "the system keyring (FileKeyring, service 'introgate-oauth2')"


@pytest.mark.usefixtures("no_keyring")
def test_without_a_keyring_the_file_is_encrypted_and_private(tmp_path: Path) -> None:
    store = token_store_for("work", settings(tmp_path))
    store.save(TOKENS)
    assert store.load() == TOKENS
    token_file = tmp_path / "tokens" / "work.token"
    key_file = tmp_path / "tokens" / "introgate-tokens.key"
    assert {oct(p.stat().st_mode & 0o777) for p in (token_file, key_file)} == {"0o600"}
    assert b"secret" not in token_file.read_bytes()
    assert store.description == f"{token_file} (encrypted; key in {key_file})"


def test_a_token_file_others_can_read_is_refused(tmp_path: Path) -> None:
    store = EncryptedFileTokenStore("work", tmp_path / "work.token")
    store.save(TOKENS)
    (tmp_path / "work.token").chmod(0o644)
    with pytest.raises(ConfigError) as raised:
        store.load()
    assert str(raised.value) == (
        f"account 'work': {tmp_path}/work.token can be read by others (mode 644); "
        f"run: chmod 600 {tmp_path}/work.token"
    )


def test_a_lost_key_asks_for_a_new_login(tmp_path: Path) -> None:
    store = EncryptedFileTokenStore("work", tmp_path / "work.token")
    store.save(TOKENS)
    (tmp_path / "introgate-tokens.key").unlink()
    with pytest.raises(ConfigError) as raised:
        store.load()
    assert "run `introgate login work` again" in str(raised.value)


@pytest.mark.usefixtures("no_keyring")
def test_keyring_store_says_when_there_is_no_keyring() -> None:
    with pytest.raises(ConfigError) as raised:
        KeyringTokenStore("work").load()
    assert "no system keyring is usable here" in str(raised.value)


def test_tokens_never_show_in_repr() -> None:
    assert "secret" not in repr(TOKENS) and "secret" not in str(TOKENS)
