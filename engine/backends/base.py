"""The mailbox interface every backend implements: IMAP and Maildir do IO and nothing else.

Mail is never deleted through this interface. ``move`` leaves a message in exactly one
place whatever happens; the only removal is ``remove_draft``, which acts on a draft that
introgate itself stored and the user asked to discard.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import compat32
from enum import StrEnum
from types import TracebackType

from introgate.checkpoint import Checkpoint
from introgate.config import FolderSettings
from introgate.errors import BackendError, ConnectionLost
from introgate.mail import MailItem, MessageRef


class FolderRole(StrEnum):
    DRAFTS = "drafts"
    ARCHIVE = "archive"
    SENT = "sent"
    TRASH = "trash"


def configured_folder(folders: FolderSettings, role: FolderRole) -> str | None:
    """The folder the account's config names for ``role``, if it names one."""
    return {
        FolderRole.DRAFTS: folders.drafts,
        FolderRole.ARCHIVE: folders.archive,
        FolderRole.SENT: folders.sent,
    }.get(role)


@dataclass(frozen=True)
class FoundFolder:
    """Where a role's folder is and how it was found, for ``check --connect``.

    ``how``: "configured", "SPECIAL-USE \\Trash", "by name"; ``exists`` False means the
    folder introgate would create on first use (``name`` is the one it would create).
    """

    role: FolderRole
    name: str
    how: str
    exists: bool


@dataclass(frozen=True)
class ScanResult:
    """Messages that may be new since ``checkpoint``, oldest first.

    ``uidvalidity_changed``: the server renumbered the folder; callers match on
    Message-ID so nothing is handled twice. ``messages`` is how many the folder holds,
    whichever way it was listed: IMAP lists only UIDs past the checkpoint, Maildir every
    file, so ``len(refs)`` means different things and is never shown as a folder size.
    """

    refs: Sequence[MessageRef]
    checkpoint: Checkpoint
    uidvalidity_changed: bool = False
    messages: int = 0


class MailboxBackend(ABC):
    """One account's mailbox."""

    def __enter__(self) -> MailboxBackend:
        self.connect()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def connect(self) -> None:  # noqa: B027 - optional for backends without a connection
        """Open the connection; Maildir has nothing to open."""

    def close(self) -> None:  # noqa: B027
        """Close the connection."""

    @abstractmethod
    def folder_for(self, role: FolderRole) -> str:
        """The folder that plays ``role`` (config override, SPECIAL-USE, then the usual name)."""

    @abstractmethod
    def scan(self, folder: str, since: Checkpoint | None) -> ScanResult:
        """List messages that may be new since the checkpoint."""

    @abstractmethod
    def fetch_headers(self, refs: Sequence[MessageRef]) -> list[MailItem]:
        """The header blocks of ``refs`` (never sets \\Seen); missing messages are left out."""

    @abstractmethod
    def fetch_full(self, refs: Sequence[MessageRef]) -> list[MailItem]:
        """Whole messages (never sets \\Seen); missing messages are left out."""

    @abstractmethod
    def add_label(self, ref: MessageRef, label: str) -> None:
        """Attach a label (IMAP keyword, Gmail label, Maildir keyword letter)."""

    @abstractmethod
    def remove_label(self, ref: MessageRef, label: str) -> bool:
        """Take a label off one message (``undo``); False where labels are folder copies
        (Exchange), which are left as they are."""

    @abstractmethod
    def set_flags(self, ref: MessageRef, flags: Iterable[str]) -> None:
        """Add system flags (``introgate.mail.SEEN``, ``FLAGGED`` ...); never removes any."""

    @abstractmethod
    def move(self, ref: MessageRef, folder: str) -> None:
        """Move one message; afterwards it is in exactly one of the two folders."""

    @abstractmethod
    def append(self, folder: str, raw: bytes, flags: Iterable[str] = ()) -> None:
        """Store a new message (a draft, a sent copy) in ``folder``."""

    @abstractmethod
    def find_by_message_id(self, folder: str, message_id: str) -> list[MessageRef]:
        """Messages in ``folder`` whose Message-ID header is ``message_id``."""

    @abstractmethod
    def find_by_header(self, folder: str, header: str, value: str) -> list[MessageRef]:
        """Messages in ``folder`` whose ``header`` contains ``value``."""

    @abstractmethod
    def headers_containing(
        self, folder: str, searches: Sequence[tuple[str, str]]
    ) -> dict[MessageRef, bytes] | None:
        """The header block (at least the searched headers) of each message in ``folder``
        whose ``header`` contains ``value`` for one of the ``(header, value)`` searches; None
        when there is no such folder.

        The same case-insensitive substring match as ``find_by_header``, but for many
        values in one request: looking up every requester of a chunk in Sent costs one
        search of that folder, not three per person. Callers compare the values found
        themselves, since a substring match also finds longer names.
        """

    def add_label_many(self, refs: Sequence[MessageRef], label: str) -> dict[MessageRef, Exception]:
        """``add_label`` on each of ``refs``; what failed, by message.

        A lost connection raises (it ends the pass). Backends that can change many
        messages in one request (IMAP: one UID STORE) override the ``*_many`` methods.
        """
        return _each(refs, lambda ref: self.add_label(ref, label))

    def set_flags_many(
        self, refs: Sequence[MessageRef], flags: Iterable[str]
    ) -> dict[MessageRef, Exception]:
        """``set_flags`` on each of ``refs``; what failed, by message."""
        wanted = list(flags)
        return _each(refs, lambda ref: self.set_flags(ref, wanted))

    def move_many(self, refs: Sequence[MessageRef], folder: str) -> dict[MessageRef, Exception]:
        """``move`` of each of ``refs`` to ``folder``; what failed, by message."""
        return _each(refs, lambda ref: self.move(ref, folder))

    def append_many(
        self, folder: str, messages: Sequence[bytes], flags: Iterable[str] = ()
    ) -> dict[int, Exception]:
        """``append`` of each of ``messages``; what failed, by position in ``messages``.

        A lost connection raises: whether the message being sent was stored is then
        unknown, and the caller looks for it by its Message-ID next time.
        """
        wanted = list(flags)
        failures: dict[int, Exception] = {}
        for position, raw in enumerate(messages):
            try:
                self.append(folder, raw, wanted)
            except ConnectionLost:
                raise
            except Exception as exc:  # noqa: BLE001 - the failure belongs to that message alone
                failures[position] = exc
        return failures

    def find_by_message_ids(
        self, folder: str, message_ids: Sequence[str]
    ) -> dict[str, list[MessageRef]]:
        """``find_by_message_id`` for several: the ones found, by Message-ID."""
        found = {mid: self.find_by_message_id(folder, mid) for mid in dict.fromkeys(message_ids)}
        return {mid: refs for mid, refs in found.items() if refs}

    def mark_handled_many(  # noqa: B027 - optional
        self,
        refs: Sequence[MessageRef],
        labels: Mapping[MessageRef, Sequence[str]] | None = None,
    ) -> None:
        """Give ``refs`` the ``HANDLED`` keyword where the mailbox keeps keywords.

        A safety net beside the state file, never a reason to fail a message: a server
        that keeps no keywords (Exchange) or refuses one leaves the state as the record.
        ``labels``: what each message's label actions attach first; a backend may set
        them in the same request (``add_label`` then finds them set), or leave them.
        """

    def message_ids(self, folder: str) -> dict[str, list[MessageRef]]:
        """Every message in ``folder`` by its Message-ID, read at once (a small folder)."""
        parser = BytesHeaderParser(policy=compat32)
        found: dict[str, list[MessageRef]] = {}
        for item in self.fetch_headers(self.scan(folder, None).refs):
            message_id = " ".join(str(parser.parsebytes(item.raw).get("Message-ID", "")).split())
            if message_id:
                found.setdefault(message_id, []).append(item.ref)
        return found

    @abstractmethod
    def remove_draft(self, ref: MessageRef) -> None:
        """Remove one introgate draft the user discarded (that message only)."""

    def checkpoint_through(self, scan: ScanResult, ref: MessageRef) -> Checkpoint:
        """The checkpoint for a pass stopped after handling the listed messages up to ``ref``.

        Backends whose checkpoint is a position (IMAP UIDs) override this, so a daemon
        stopped by SIGTERM resumes after the last message it finished, not after the last
        one it listed.
        """
        return scan.checkpoint

    def ref_for_uid(self, folder: str, uid: int) -> MessageRef | None:
        """The message with IMAP UID ``uid`` in ``folder``, None when there is none."""
        raise BackendError(
            "this mailbox has no IMAP UIDs: use --message-id, or explain the message file"
        )

    def list_folders(self) -> list[str]:
        """Every folder name, for checks; backends override when they can list."""
        return []

    def find_folder(self, role: FolderRole) -> FoundFolder:
        """The folder that plays ``role`` and how it was found (``folder_for`` says only which)."""
        name = self.folder_for(role)
        return FoundFolder(role, name, "by name", self.has_folder(name))

    def has_folder(self, folder: str) -> bool:
        """Whether ``folder`` exists (INBOX in any case); ``move``/``append`` would create it."""
        names = self.list_folders()
        return folder in names or (folder.upper() == "INBOX" and "INBOX" in names)


def _each(
    refs: Sequence[MessageRef], change: Callable[[MessageRef], None]
) -> dict[MessageRef, Exception]:
    failures: dict[MessageRef, Exception] = {}
    for ref in refs:
        try:
            change(ref)
        except ConnectionLost:
            raise
        except Exception as exc:  # noqa: BLE001 - the failure belongs to that message alone
            failures[ref] = exc
    return failures
