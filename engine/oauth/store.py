"""Where an account's tokens live between runs: the system keyring, else an encrypted file.

The file fallback is for machines without a keyring (a headless server). Its key lives in
a second file beside it, both 0600 and checked on every read: the encryption keeps tokens
out of a stray ``cat``, ``grep`` or a backup of the token file alone, but whoever can read
your files as you can read both. The README says so.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from pathlib import Path
from typing import Any, Protocol

from introgate.config import OAuth2Settings
from introgate.errors import ConfigError
from introgate.oauth.tokens import TokenSet

log = logging.getLogger("introgate.oauth")

KEYRING_SERVICE = "introgate-oauth2"
KEY_FILE_NAME = "introgate-tokens.key"


class TokenStore(Protocol):
    """One account's stored tokens."""

    description: str

    def load(self) -> TokenSet | None: ...

    def save(self, tokens: TokenSet) -> None: ...


def usable_keyring() -> Any | None:
    """The system keyring backend, or None where there is none (or keyring is missing)."""
    try:
        import keyring
    except ImportError:
        return None
    backend = keyring.get_keyring()
    # keyring's "fail" backend (priority 0) and an empty chain stand for "no keyring here"
    return backend if float(getattr(backend, "priority", 0)) > 0 else None


class KeyringTokenStore:
    """The tokens as one JSON entry in the system keyring (service ``introgate-oauth2``)."""

    def __init__(self, account: str) -> None:
        self.account = account
        backend = usable_keyring()
        name = type(backend).__name__ if backend is not None else "none"
        self.description = f"the system keyring ({name}, service {KEYRING_SERVICE!r})"

    def _keyring(self) -> Any:
        if usable_keyring() is None:
            raise ConfigError(
                f'account {self.account!r}: token_store = "keyring" but no system keyring '
                'is usable here (use token_store = "file")'
            )
        import keyring

        return keyring

    def load(self) -> TokenSet | None:
        keyring = self._keyring()
        try:
            text = keyring.get_password(KEYRING_SERVICE, self.account)
        except keyring.errors.KeyringError as exc:
            raise ConfigError(
                f"account {self.account!r}: the keyring is not usable: {exc}"
            ) from exc
        if not text:
            return None
        return TokenSet.from_json(str(text), f"account {self.account!r} (keyring)")

    def save(self, tokens: TokenSet) -> None:
        keyring = self._keyring()
        try:
            keyring.set_password(KEYRING_SERVICE, self.account, tokens.to_json())
        except keyring.errors.KeyringError as exc:
            raise ConfigError(
                f"account {self.account!r}: the keyring is not usable: {exc}"
            ) from exc


def _private_file_problem(path: Path) -> str | None:
    info = path.stat()
    if info.st_uid != os.getuid():
        return f"{path} belongs to another user (uid {info.st_uid})"
    if stat.S_IMODE(info.st_mode) & 0o077:
        mode = oct(stat.S_IMODE(info.st_mode))[2:]
        return f"{path} can be read by others (mode {mode}); run: chmod 600 {path}"
    return None


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` as a 0600 file in one step (temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)


class EncryptedFileTokenStore:
    """The tokens Fernet-encrypted in ``path``, the key in ``introgate-tokens.key`` beside it."""

    def __init__(self, account: str, path: Path) -> None:
        self.account = account
        self.path = path
        self.key_path = path.parent / KEY_FILE_NAME
        self.description = f"{path} (encrypted; key in {self.key_path})"

    def _fernet(self, create: bool) -> Any:
        from cryptography.fernet import Fernet

        if not self.key_path.exists():
            if not create:
                raise ConfigError(
                    f"account {self.account!r}: {self.key_path} is missing, so {self.path} "
                    f"cannot be read; run `introgate login {self.account}` again"
                )
            _write_private(self.key_path, Fernet.generate_key())
        problem = _private_file_problem(self.key_path)
        if problem:
            raise ConfigError(f"account {self.account!r}: {problem}")
        return Fernet(self.key_path.read_bytes().strip())

    def load(self) -> TokenSet | None:
        from cryptography.fernet import InvalidToken

        if not self.path.exists():
            return None
        problem = _private_file_problem(self.path)
        if problem:
            raise ConfigError(f"account {self.account!r}: {problem}")
        try:
            text = self._fernet(create=False).decrypt(self.path.read_bytes())
        except (InvalidToken, ValueError) as exc:
            raise ConfigError(
                f"account {self.account!r}: {self.path} does not decrypt with {self.key_path}; "
                f"run `introgate login {self.account}` again"
            ) from exc
        return TokenSet.from_json(text.decode("utf-8", "replace"), f"account {self.account!r}")

    def save(self, tokens: TokenSet) -> None:
        _write_private(self.path, self._fernet(create=True).encrypt(tokens.to_json().encode()))


def default_token_file(account: str) -> Path:
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", account) or "_"
    return data_home / "introgate" / "tokens" / f"{safe}.token"


class _AutoTokenStore:
    """The keyring where one is usable, else the encrypted file; reads find either."""

    def __init__(self, account: str, path: Path) -> None:
        self.file = EncryptedFileTokenStore(account, path)
        self.keyring = KeyringTokenStore(account) if usable_keyring() is not None else None
        self.description = (self.keyring or self.file).description

    def load(self) -> TokenSet | None:
        if self.keyring is not None:
            found = self.keyring.load()
            if found is not None:
                return found
        return self.file.load()

    def save(self, tokens: TokenSet) -> None:
        (self.keyring or self.file).save(tokens)


def token_store_for(account: str, settings: OAuth2Settings) -> TokenStore:
    path = settings.token_file or default_token_file(account)
    if settings.token_store == "keyring":  # noqa: S105 - a place, not a password
        return KeyringTokenStore(account)
    if settings.token_store == "file":  # noqa: S105
        return EncryptedFileTokenStore(account, path)
    return _AutoTokenStore(account, path)
