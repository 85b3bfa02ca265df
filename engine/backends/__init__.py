"""Mailbox backends: one per storage kind, all behind ``MailboxBackend``."""

from __future__ import annotations

from introgate.backends.base import FolderRole, MailboxBackend, ScanResult
from introgate.config import Account

__all__ = ["FolderRole", "MailboxBackend", "ScanResult", "open_backend"]


def open_backend(account: Account) -> MailboxBackend:
    """The backend for ``account``; not yet connected (use it as a context manager)."""
    if account.backend == "maildir":
        from introgate.backends.maildir import MaildirBackend

        assert account.maildir is not None  # the config model guarantees it
        return MaildirBackend(account.maildir, account.folders)
    from introgate.backends.imap import ImapBackend

    assert account.imap is not None
    return ImapBackend(account.name, account.imap, account.folders)
