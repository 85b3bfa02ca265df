"""IMAP mailbox backend (imapclient): what the server offers decides, never its name.

Everything here is chosen for a consultant's ten-year mailbox: a pass with nothing new
costs one EXAMINE whatever the folder size (UIDNEXT/HIGHESTMODSEQ tell us), fetches use
``BODY.PEEK`` so nothing is marked read, and nothing is ever removed with a plain
EXPUNGE — a move is MOVE, or COPY + ``UID EXPUNGE`` of exactly that one UID (UIDPLUS), or
refused. A dropped connection raises ``ConnectionLost``; reconnecting is the daemon's job,
so a half-done pass never continues on a connection whose state is unknown.
"""

from __future__ import annotations

import imaplib
import ipaddress
import logging
import ssl
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import date, datetime
from email.parser import BytesHeaderParser
from email.policy import compat32
from functools import partial
from typing import Any

from imapclient import IMAPClient, SocketTimeout
from imapclient.datetime_util import format_criteria_date
from imapclient.exceptions import CapabilityError, LoginError

from introgate.backends import fetch_response
from introgate.backends.base import (
    FolderRole,
    FoundFolder,
    MailboxBackend,
    ScanResult,
    configured_folder,
)
from introgate.checkpoint import Checkpoint
from introgate.config import FolderSettings, ImapSettings, OAuth2Settings
from introgate.credentials import resolve_oauth2_token, resolve_password
from introgate.errors import BackendError, ConfigError, ConnectionLost, readable_error
from introgate.mail import HANDLED, MailItem, MessageRef
from introgate.oauth import fresh_access_token

log = logging.getLogger("introgate.imap")

DELETED = "\\Deleted"
GMAIL_INBOX = "\\Inbox"  # Gmail's system label for the inbox (X-GM-LABELS)
_SPECIAL_USE: dict[FolderRole, bytes] = {
    FolderRole.DRAFTS: b"\\Drafts",
    FolderRole.ARCHIVE: b"\\Archive",
    FolderRole.SENT: b"\\Sent",
    FolderRole.TRASH: b"\\Trash",
}
# what servers without SPECIAL-USE usually call these folders (first match wins). Gmail and
# Microsoft 365 do flag theirs (Gmail in the account's language under [Gmail]/ or, in
# Germany and Austria, [Google Mail]/), so these names are the fallback, in English and German.
_USUAL_NAMES: dict[FolderRole, tuple[str, ...]] = {
    FolderRole.DRAFTS: (
        "Drafts",
        "Draft",
        "INBOX.Drafts",
        "INBOX/Drafts",
        "Entwürfe",
        "[Gmail]/Drafts",
        "[Google Mail]/Drafts",
        "[Google Mail]/Entwürfe",
    ),
    FolderRole.ARCHIVE: (
        "Archive",
        "Archives",
        "INBOX.Archive",
        "INBOX/Archive",
        "Archiv",
        "[Gmail]/All Mail",
        "[Google Mail]/All Mail",
        "[Google Mail]/Alle Nachrichten",
    ),
    FolderRole.SENT: (
        "Sent",
        "Sent Items",
        "Sent Messages",
        "INBOX.Sent",
        "INBOX/Sent",
        "Gesendet",
        "Gesendete Objekte",
        "Gesendete Elemente",  # Microsoft 365 in German
        "[Gmail]/Sent Mail",
        "[Google Mail]/Sent Mail",
        "[Google Mail]/Gesendet",
    ),
    FolderRole.TRASH: (
        "Trash",
        "Deleted Items",
        "Deleted Messages",
        "INBOX.Trash",
        "INBOX/Trash",
        "Papierkorb",
        "Gelöschte Elemente",  # Microsoft 365 in German
        "[Gmail]/Trash",
        "[Gmail]/Bin",
        "[Google Mail]/Trash",
        "[Google Mail]/Bin",
        "[Google Mail]/Papierkorb",
    ),
}
_DEFAULT_NAMES: dict[FolderRole, str] = {
    FolderRole.DRAFTS: "Drafts",
    FolderRole.ARCHIVE: "Archive",
    FolderRole.SENT: "Sent",
    FolderRole.TRASH: "Trash",
}
_HEADER_ITEMS = [b"BODY.PEEK[HEADER]", b"INTERNALDATE", b"FLAGS", b"RFC822.SIZE"]
_FULL_ITEMS = [b"BODY.PEEK[]", b"INTERNALDATE", b"FLAGS", b"RFC822.SIZE"]
# whole messages can be megabytes each: fetch fewer per round trip than header blocks
_FULL_CHUNK_DIVISOR = 10
# RFC 3501 atom-specials: a keyword may contain none of these (nor non-ASCII)
_NOT_IN_ATOM = set('(){ %*"\\]')
# Message-IDs OR-ed into one SEARCH: well below servers' command length limits (64 KiB)
_IDS_PER_SEARCH = 100
# bytes of (header, value) searches OR-ed into one SEARCH: RFC 7162 asks clients to keep
# commands under 8,192 octets (a chunk's requesters, three headers each, fit in far less)
_SEARCH_BYTES = 8_000
# messages in one MULTIAPPEND: a few hundred kilobytes of drafts per command
_APPENDS_PER_COMMAND = 100


def _default_port(settings: ImapSettings) -> int:
    return settings.port or (993 if settings.security == "tls" else 143)


def _describe(exc: BaseException) -> str:
    return readable_error(exc)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _quiet_protocol_logs() -> None:
    """imaplib traces carry mail content and SASL responses: keep them out of debug logs."""
    for name in ("imapclient", "imapclient.imaplib"):
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.INFO)


def open_imap_client(account_name: str, settings: ImapSettings) -> IMAPClient:
    """A logged-in client (TLS checked unless ``security = "plain"``); used for passes and IDLE."""
    where = f"account {account_name!r} ({settings.host}:{_default_port(settings)})"
    port = _default_port(settings)
    _quiet_protocol_logs()
    context: ssl.SSLContext | None = None
    if settings.security != "plain":
        context = ssl.create_default_context(
            cafile=str(settings.ca_file) if settings.ca_file is not None else None
        )
    elif not _is_loopback(settings.host):
        log.warning('%s: security = "plain": the password travels unencrypted', where)
    timeout = SocketTimeout(connect=settings.connect_timeout, read=settings.read_timeout)
    try:
        client = IMAPClient(
            settings.host,
            port=port,
            ssl=settings.security == "tls",
            ssl_context=context,
            timeout=timeout,
        )
    except ssl.SSLCertVerificationError as exc:
        raise BackendError(f"{where}: TLS certificate not trusted: {exc.verify_message}") from exc
    except (OSError, imaplib.IMAP4.error) as exc:
        raise ConnectionLost(f"{where}: cannot connect: {_describe(exc)}") from exc
    client.normalise_times = False  # keep the server's time zones: internal dates stay aware
    try:
        if settings.security == "starttls":
            client.starttls(context)
        _login(client, account_name, settings, where)
        if b"CONDSTORE" in client.capabilities():
            client.enable("CONDSTORE")
    except CapabilityError as exc:
        _shutdown(client)
        raise BackendError(
            f"{where}: the server does not offer STARTTLS; refusing to log in unencrypted "
            '(set security = "tls" for port 993, or "plain" only for a local server)'
        ) from exc
    except LoginError as exc:
        _shutdown(client)
        raise BackendError(
            f"{where}: login refused for user {settings.username!r}: {_describe(exc)}"
        ) from exc
    except ssl.SSLCertVerificationError as exc:
        _shutdown(client)
        raise BackendError(f"{where}: TLS certificate not trusted: {exc.verify_message}") from exc
    except (OSError, imaplib.IMAP4.abort) as exc:
        _shutdown(client)
        raise ConnectionLost(
            f"{where}: connection lost while logging in: {_describe(exc)}"
        ) from exc
    except imaplib.IMAP4.error as exc:
        _shutdown(client)
        raise BackendError(f"{where}: {_describe(exc)}") from exc
    except BaseException:
        _shutdown(client)
        raise
    return client


def _login(client: IMAPClient, account_name: str, settings: ImapSettings, where: str) -> None:
    if not settings.username:
        raise ConfigError(f"{where}: [accounts.imap] needs 'username'")
    purpose = f"IMAP account {account_name!r}"
    password = resolve_password(settings, purpose)
    if password is not None:
        client.login(settings.username, password)
        return
    if settings.oauth2 is not None:
        _signed_in_login(client, account_name, settings, settings.oauth2)
        return
    token = resolve_oauth2_token(settings, purpose)
    if token is not None:
        _bearer_login(client, settings.username, token, "auto")
        return
    raise ConfigError(
        f"{where}: no password source: set password_env, password_command, keyring_service, "
        "oauth2_token_command, or sign in with OAuth2 ([accounts.imap.oauth2], `introgate login`)"
    )


def _signed_in_login(
    client: IMAPClient, account_name: str, settings: ImapSettings, oauth2: OAuth2Settings
) -> None:
    """Log in with the tokens ``introgate login`` stored; one refresh if the server refuses.

    A token the server turns down before its announced expiry (revoked, or clocks that
    disagree) is refreshed once and tried again; a refresh the provider refuses raises
    ``LoginNeeded``, whose message tells the user to sign in again.
    """
    assert settings.username is not None
    token = fresh_access_token(account_name, oauth2)
    try:
        _bearer_login(client, settings.username, token, oauth2.mechanism)
    except LoginError:
        log.info("account %r: the server refused the access token; refreshing it", account_name)
        token = fresh_access_token(account_name, oauth2, refused=token)
        _bearer_login(client, settings.username, token, oauth2.mechanism)


def _bearer_login(client: IMAPClient, username: str, token: str, mechanism: str) -> None:
    """OAUTHBEARER (RFC 7628) where the server offers it, else XOAUTH2 (Gmail, Microsoft)."""
    offered = client.capabilities()
    if mechanism == "oauthbearer" or (mechanism == "auto" and b"AUTH=OAUTHBEARER" in offered):
        client.oauthbearer_login(username, token)
    else:
        client.oauth2_login(username, token)


def _shutdown(client: IMAPClient) -> None:
    with suppress(OSError, imaplib.IMAP4.error):
        client.shutdown()


def keyword_for(label: str) -> str:
    """An IMAP keyword for ``label``: atom characters only, so any server accepts it."""
    chars = [
        "_" if (ch in _NOT_IN_ATOM or ord(ch) < 0x21 or ord(ch) > 0x7E) else ch for ch in label
    ]
    keyword = "".join(chars).lstrip("\\")
    return keyword or "_"


def _split_key(ref: MessageRef) -> tuple[int, int]:
    try:
        validity, uid = ref.key.split(":", 1)
        return int(validity), int(uid)
    except ValueError as exc:
        raise BackendError(f"{ref.state_key}: not an IMAP message key (UIDVALIDITY:UID)") from exc


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _message_id_of(header: bytes) -> str:
    parsed = BytesHeaderParser(policy=compat32).parsebytes(header)
    return " ".join(str(parsed.get("Message-ID", "")).split())


def _search_charset(*values: str) -> str | None:
    return None if all(v.isascii() for v in values) else "UTF-8"


def _search(client: IMAPClient, criteria: list[str]) -> list[int]:
    return sorted(client.search(criteria, _search_charset(*criteria)))


def _search_parts(searches: Sequence[tuple[str, str]]) -> Iterator[list[tuple[str, str]]]:
    """``searches`` in groups whose SEARCH command stays under ``_SEARCH_BYTES``."""
    part: list[tuple[str, str]] = []
    size = 0
    for header, value in dict.fromkeys(searches):
        cost = len(header) + len(value.encode("utf-8", "replace")) + 16
        if part and size + cost > _SEARCH_BYTES:
            yield part
            part, size = [], 0
        part.append((header, value))
        size += cost
    if part:
        yield part


def _any_of(searches: Sequence[tuple[str, str]]) -> list[str]:
    """SEARCH criteria matching any of ``searches``: a balanced tree of ORs, so a long
    list nests only as deep as its logarithm."""
    if len(searches) == 1:
        header, value = searches[0]
        return ["HEADER", header, value]
    middle = len(searches) // 2
    return ["OR", *_any_of(searches[:middle]), *_any_of(searches[middle:])]


def _same_id(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _add_keywords(
    client: IMAPClient, _folder: str, uids: list[int], *, keywords: Sequence[str]
) -> None:
    client.add_flags(uids, list(keywords), silent=True)


def _exists_after(exists: int, responses: Sequence[Any]) -> int:
    """The selected folder's size after the untagged responses a NOOP brought.

    Each EXPUNGE removes one message; an EXISTS gives the new size outright.
    """
    for response in responses:
        if isinstance(response, tuple) and len(response) >= 2 and isinstance(response[0], int):
            if response[1] == b"EXPUNGE":
                exists = max(0, exists - 1)
            elif response[1] == b"EXISTS":
                exists = response[0]
    return exists


@dataclass(frozen=True)
class _Selected:
    folder: str
    writable: bool
    uidvalidity: int
    uidnext: int | None
    highest_modseq: int | None
    exists: int
    keywords_allowed: bool


class ImapBackend(MailboxBackend):
    """One IMAP account over one connection, used by one pass at a time."""

    def __init__(self, account_name: str, imap: ImapSettings, folders: FolderSettings) -> None:
        self.account_name = account_name
        self.settings = imap
        self.folders = folders
        self.commands_sent = 0  # IMAP commands on this backend's connections (for bench/logs)
        self._client: IMAPClient | None = None
        self._capabilities: frozenset[bytes] = frozenset()
        self._selected: _Selected | None = None
        self._status_streak: dict[str, int] = {}  # STATUS-only scans in a row, per folder
        # the daemon keeps this connection between passes: its first scan selects the
        # watched folder, as STATUS would only put the SELECT off to the next pass, the
        # one a request pushed by IDLE waits for
        self.kept_between_passes = False
        self._folder_flags: dict[str, tuple[bytes, ...]] | None = None
        self._where = f"account {account_name!r} ({imap.host}:{_default_port(imap)})"
        # the folder a pass works through (the last one scanned): it stays selected on the
        # main connection; other folders are read on the side connection (see _reading)
        self._home: str | None = None
        self._side: IMAPClient | None = None
        self._side_folder: tuple[str, int] | None = None  # selected there: name, UIDVALIDITY
        # the side connection's view may be behind: a new pass, or mail stored since
        self._side_stale = True

    # -- connection -------------------------------------------------------------

    def connect(self) -> None:
        if self._client is not None:
            return
        client = open_imap_client(self.account_name, self.settings)
        self._count_commands(client)
        self._client = client
        self._capabilities = frozenset(client.capabilities())
        log.debug("%s: connected; capabilities %s", self._where, b" ".join(self._capabilities))

    def _count_commands(self, client: IMAPClient) -> None:
        # imaplib funnels every tagged command through _command; counting there measures
        # what a pass costs the server, independent of how imapclient groups calls
        inner: Callable[..., Any] = client._imap._command

        def counted(*args: Any) -> Any:
            self.commands_sent += 1
            return inner(*args)

        client._imap._command = counted
        # imapclient sends SEARCH, FETCH, STORE and friends itself, past imaplib's _command
        raw: Callable[..., Any] = client._raw_command

        def counted_raw(*args: Any, **kwargs: Any) -> Any:
            self.commands_sent += 1
            return raw(*args, **kwargs)

        client._raw_command = counted_raw

    def close(self) -> None:
        client, self._client = self._client, None
        self._selected = None
        self._status_streak.clear()
        self._folder_flags = None
        self._home = None
        self._close_side()
        if client is None:
            return
        try:
            client.logout()
        except (OSError, imaplib.IMAP4.error):
            _shutdown(client)

    @property
    def connected(self) -> bool:
        return self._client is not None

    @property
    def capabilities(self) -> frozenset[bytes]:
        return self._capabilities

    def drop_connection(self) -> None:
        """Close the socket without a goodbye, as a network failure would (tests, daemon)."""
        if self._client is not None:
            _shutdown(self._client)
        if self._side is not None:
            _shutdown(self._side)

    def _close_side(self) -> None:
        side, self._side = self._side, None
        self._side_folder = None
        if side is None:
            return
        try:
            side.logout()
        except (OSError, imaplib.IMAP4.error):
            _shutdown(side)

    @contextmanager
    def _talking(self, doing: str) -> Iterator[IMAPClient]:
        client = self._client
        if client is None:
            raise ConnectionLost(f"{self._where}: not connected (while {doing})")
        try:
            yield client
        except (OSError, imaplib.IMAP4.abort) as exc:
            self._client = None
            self._selected = None
            self._status_streak.clear()
            self._home = None
            _shutdown(client)
            self._close_side()
            raise ConnectionLost(
                f"{self._where}: connection lost while {doing}: {_describe(exc)}"
            ) from exc
        except imaplib.IMAP4.error as exc:
            raise BackendError(f"{self._where}: {doing}: {_describe(exc)}") from exc

    @contextmanager
    def _talking_aside(self, doing: str) -> Iterator[IMAPClient]:
        """The side connection, opened on first use; losing it ends the pass like the main one."""
        if self._client is None:
            raise ConnectionLost(f"{self._where}: not connected (while {doing})")
        side = self._side
        if side is None:
            side = open_imap_client(self.account_name, self.settings)
            self._count_commands(side)
            self._side, self._side_folder = side, None
        try:
            yield side
        except (OSError, imaplib.IMAP4.abort) as exc:
            self._side, self._side_folder = None, None
            _shutdown(side)
            raise ConnectionLost(
                f"{self._where}: connection lost while {doing}: {_describe(exc)}"
            ) from exc
        except imaplib.IMAP4.error as exc:
            raise BackendError(f"{self._where}: {doing}: {_describe(exc)}") from exc

    @contextmanager
    def _reading(
        self, folder: str, doing: str, *, must_exist: bool = True
    ) -> Iterator[tuple[IMAPClient, int] | None]:
        """A connection with ``folder`` selected for searching and reading, and its
        UIDVALIDITY; None when ``must_exist`` and there is no such folder.

        During a pass the watched folder stays selected on the main connection, because
        selecting a large INBOX again costs the server time that grows with it; Sent,
        Drafts and Archive are read on a side connection, opened when first needed.
        """
        aside = self._home is not None and folder != self._home
        with self._talking_aside(doing) if aside else self._talking(doing) as client:
            if must_exist and not self._existing(client, folder):
                yield None
                return
            if not aside:
                yield client, self._select(client, folder, writable=False).uidvalidity
                return
            selected = self._side_folder
            if selected is not None and selected[0] == folder:
                if self._side_stale:
                    client.noop()  # mail stored since (our own drafts) shows up in searches
            else:
                self._side_folder = None
                response = client.select_folder(folder, readonly=True)
                selected = (folder, int(response[b"UIDVALIDITY"]))
                self._side_folder = selected
            self._side_stale = False
            yield client, selected[1]

    def _select(
        self, client: IMAPClient, folder: str, *, writable: bool, fresh: bool = False
    ) -> _Selected:
        current = self._selected
        if (
            not fresh
            and current is not None
            and current.folder == folder
            and (current.writable or not writable)
        ):
            return current
        self._selected = None
        response = client.select_folder(folder, readonly=not writable)
        selected = _Selected(
            folder=folder,
            writable=writable,
            uidvalidity=int(response[b"UIDVALIDITY"]),
            uidnext=response.get(b"UIDNEXT"),
            highest_modseq=response.get(b"HIGHESTMODSEQ"),
            exists=int(response.get(b"EXISTS", 0)),
            keywords_allowed=b"\\*" in response.get(b"PERMANENTFLAGS", ()),
        )
        self._selected = selected
        return selected

    def _select_ref(self, client: IMAPClient, ref: MessageRef, *, writable: bool) -> int:
        """Select the ref's folder; the UID, or an error when the folder was renumbered."""
        validity, uid = _split_key(ref)
        selected = self._select(client, ref.folder, writable=writable)
        if selected.uidvalidity != validity:
            raise BackendError(
                f"{self._where}: {ref.state_key}: folder {ref.folder!r} was renumbered "
                f"(UIDVALIDITY {validity} -> {selected.uidvalidity}); rescan before acting"
            )
        return uid

    # -- folders ----------------------------------------------------------------

    def _folders(self, client: IMAPClient) -> dict[str, tuple[bytes, ...]]:
        if self._folder_flags is None:
            self._folder_flags = {
                str(name): tuple(flags) for flags, _delim, name in client.list_folders()
            }
        return self._folder_flags

    def list_folders(self) -> list[str]:
        with self._talking("listing folders") as client:
            return sorted(self._folders(client))

    def has_folder(self, folder: str) -> bool:
        with self._talking("listing folders") as client:
            return self._existing(client, folder)

    def _existing(self, client: IMAPClient, folder: str) -> bool:
        names = self._folders(client)
        return folder in names or (folder.upper() == "INBOX" and "INBOX" in names)

    def _role_folder(self, client: IMAPClient, role: FolderRole) -> str | None:
        found = self._found_role_folder(client, role)
        return found[0] if found else None

    def _found_role_folder(self, client: IMAPClient, role: FolderRole) -> tuple[str, str] | None:
        """(folder, how it was found): SPECIAL-USE first, then the usual names."""
        folders = self._folders(client)
        flag = _SPECIAL_USE[role]
        for name, flags in folders.items():
            if flag in flags:
                return name, f"SPECIAL-USE {flag.decode()}"
        if role is FolderRole.ARCHIVE and b"X-GM-EXT-1" in self._capabilities:
            for name, flags in folders.items():
                if b"\\All" in flags:  # Gmail: archiving is leaving the inbox for All Mail
                    return name, "SPECIAL-USE \\All (Gmail)"
        by_lower = {name.lower(): name for name in folders}
        for usual in _USUAL_NAMES[role]:
            if usual.lower() in by_lower:
                return by_lower[usual.lower()], "by name"
        return None

    def find_folder(self, role: FolderRole) -> FoundFolder:
        override = configured_folder(self.folders, role)
        with self._talking(f"finding the {role.value} folder") as client:
            if override:
                return FoundFolder(role, override, "configured", self._existing(client, override))
            found = self._found_role_folder(client, role)
        if found is None:
            return FoundFolder(role, _DEFAULT_NAMES[role], "not found", False)
        return FoundFolder(role, found[0], found[1], True)

    def folder_for(self, role: FolderRole) -> str:
        override = configured_folder(self.folders, role)
        if override:
            return override
        with self._talking(f"finding the {role.value} folder") as client:
            return self._role_folder(client, role) or _DEFAULT_NAMES[role]

    def ensure_folder(self, folder: str) -> None:
        with self._talking(f"creating folder {folder!r}") as client:
            self._ensure(client, folder)

    def _ensure(self, client: IMAPClient, folder: str) -> None:
        if self._existing(client, folder):
            return
        try:
            client.create_folder(folder)
        except imaplib.IMAP4.abort:
            raise
        except imaplib.IMAP4.error:
            self._folder_flags = None
            if not self._existing(client, folder):  # created meanwhile by someone else?
                raise
        try:
            client.subscribe_folder(folder)
        except imaplib.IMAP4.abort:
            raise
        except imaplib.IMAP4.error:
            log.debug("%s: could not subscribe %r", self._where, folder)
        self._folder_flags = None
        log.info("%s: created folder %r", self._where, folder)

    # -- reading ----------------------------------------------------------------

    def scan(self, folder: str, since: Checkpoint | None) -> ScanResult:
        self._home = folder
        self._side_stale = True
        with self._talking(f"scanning {folder!r}") as client:
            still_selected = self._unchanged_by_noop(client, folder, since)
            if still_selected is not None:
                return still_selected
            # a short-lived connection (run --once) asks STATUS; one that is kept or keeps
            # asking (the daemon) selects the folder once, so later passes take the NOOP
            # path above
            unchanged = None
            if not self.kept_between_passes and self._status_streak.get(folder, 0) < 1:
                unchanged = self._unchanged_by_status(client, folder, since)
            if unchanged is not None:
                self._status_streak[folder] = self._status_streak.get(folder, 0) + 1
                checkpoint, messages = unchanged
                return ScanResult(refs=[], checkpoint=checkpoint, messages=messages)
            self._status_streak[folder] = 0
            selected = self._select(client, folder, writable=False, fresh=True)
            validity = selected.uidvalidity
            renumbered = since is not None and since.uidvalidity not in (None, validity)
            last = None if since is None or renumbered else since.last_uid
            if last is None:
                uids = sorted(client.search(["ALL"])) if selected.exists else []
            elif self._nothing_new(selected, since, last):
                uids = []
            else:
                # "N:*" always matches the highest UID even when it is below N: filter it out
                found = client.search(["UID", f"{last + 1}:*"])
                uids = sorted(uid for uid in found if uid > last)
            high = max([last or 0, *uids, (selected.uidnext or 1) - 1])
            checkpoint = Checkpoint(
                uidvalidity=validity,
                last_uid=high,
                highest_modseq=selected.highest_modseq,
            )
            refs = [MessageRef(folder, f"{validity}:{uid}") for uid in uids]
            log.debug(
                "%s: %s: %d new (UIDNEXT %s, HIGHESTMODSEQ %s)",
                self._where,
                folder,
                len(refs),
                selected.uidnext,
                selected.highest_modseq,
            )
            return ScanResult(
                refs=refs,
                checkpoint=checkpoint,
                uidvalidity_changed=renumbered,
                messages=selected.exists,
            )

    def refs_since(self, folder: str, day: date) -> list[MessageRef]:
        """Messages that arrived on or after ``day`` (SEARCH SINCE: the server's dates)."""
        criteria = ["SINCE", format_criteria_date(day).decode()]
        with self._reading(folder, f"searching {folder!r} since {day}") as view:
            if view is None:
                return []
            client, validity = view
            uids = _search(client, criteria)
            return [MessageRef(folder, f"{validity}:{uid}") for uid in uids]

    def ref_for_uid(self, folder: str, uid: int) -> MessageRef | None:
        with self._talking(f"looking for UID {uid} in {folder!r}") as client:
            result = self._search_in(client, folder, ["UID", str(uid)])
            if result is None or uid not in result[1]:
                return None
            return MessageRef(folder, f"{result[0].uidvalidity}:{uid}")

    def checkpoint_through(self, scan: ScanResult, ref: MessageRef) -> Checkpoint:
        validity, _, uid = ref.key.partition(":")
        return Checkpoint(uidvalidity=int(validity), last_uid=int(uid), highest_modseq=None)

    def _unchanged_by_noop(
        self, client: IMAPClient, folder: str, since: Checkpoint | None
    ) -> ScanResult | None:
        """A folder still selected from the last pass: NOOP + UID SEARCH of what is new.

        STATUS costs the server time that grows with the mailbox, and re-selecting even
        more; on a selected folder NOOP syncs the session and a UID range search past the
        checkpoint is answered from the index. (An EXISTS alone is not enough to decide:
        the server may have announced new mail during an earlier command, which imapclient
        does not keep.) So a pass with nothing new stays cheap on a 50,000-message INBOX.
        """
        current = self._selected
        if (
            since is None
            or since.last_uid is None
            or current is None
            or current.folder != folder
            or current.uidvalidity != since.uidvalidity
        ):
            return None
        exists = _exists_after(current.exists, client.noop()[1])
        self._selected = current = replace(current, exists=exists)
        last = since.last_uid
        found = client.search(["UID", f"{last + 1}:*"])
        uids = sorted(uid for uid in found if uid > last)
        checkpoint = Checkpoint(
            uidvalidity=current.uidvalidity, last_uid=max([last, *uids]), highest_modseq=None
        )
        if not uids:
            return ScanResult(refs=[], checkpoint=since, messages=exists)
        refs = [MessageRef(folder, f"{current.uidvalidity}:{uid}") for uid in uids]
        return ScanResult(refs=refs, checkpoint=checkpoint, messages=exists)

    def _unchanged_by_status(
        self, client: IMAPClient, folder: str, since: Checkpoint | None
    ) -> tuple[Checkpoint, int] | None:
        """The checkpoint again (and the folder's size) when STATUS shows nothing new: the
        whole pass is one command.

        STATUS reads the mailbox header only, while SELECT opens the index, which grows
        with the mailbox. STATUS must not poll the selected mailbox (RFC 3501 6.3.10),
        so a folder still selected from the last pass is re-selected instead.
        """
        if since is None or since.uidvalidity is None or since.last_uid is None:
            return None
        if self._selected is not None and self._selected.folder == folder:
            return None
        what = [b"UIDVALIDITY", b"UIDNEXT", b"MESSAGES"]
        if b"CONDSTORE" in self._capabilities:
            what.append(b"HIGHESTMODSEQ")
        status = client.folder_status(folder, what)
        validity = status.get(b"UIDVALIDITY")
        uidnext = status.get(b"UIDNEXT")
        if validity != since.uidvalidity or uidnext is None or uidnext > since.last_uid + 1:
            return None
        checkpoint = Checkpoint(
            uidvalidity=since.uidvalidity,
            last_uid=since.last_uid,
            highest_modseq=status.get(b"HIGHESTMODSEQ", since.highest_modseq),
        )
        return checkpoint, int(status.get(b"MESSAGES", 0))

    @staticmethod
    def _nothing_new(selected: _Selected, since: Checkpoint | None, last: int) -> bool:
        if selected.uidnext is not None and selected.uidnext <= last + 1:
            return True
        return (
            since is not None
            and since.highest_modseq is not None
            and selected.highest_modseq == since.highest_modseq
        )

    def fetch_headers(self, refs: Sequence[MessageRef]) -> list[MailItem]:
        return self._fetch(refs, _HEADER_ITEMS, b"BODY[HEADER]", self.settings.fetch_chunk)

    def fetch_full(self, refs: Sequence[MessageRef]) -> list[MailItem]:
        chunk = max(1, self.settings.fetch_chunk // _FULL_CHUNK_DIVISOR)
        return self._fetch(refs, _FULL_ITEMS, b"BODY[]", chunk)

    def _fetch(
        self, refs: Sequence[MessageRef], items: list[bytes], body_key: bytes, chunk: int
    ) -> list[MailItem]:
        found: dict[MessageRef, MailItem] = {}
        for folder in dict.fromkeys(ref.folder for ref in refs):
            wanted = [ref for ref in refs if ref.folder == folder]
            with self._reading(folder, f"fetching from {folder!r}", must_exist=False) as view:
                assert view is not None
                client, current = view
                by_uid: dict[int, MessageRef] = {}
                for ref in wanted:
                    validity, uid = _split_key(ref)
                    if validity == current:
                        by_uid[uid] = ref
                uids = sorted(by_uid)
                for start in range(0, len(uids), chunk):
                    part = uids[start : start + chunk]
                    response = fetch_response.fetch(client, part, items)
                    for uid in part:
                        entry = response.get(uid)
                        if entry is None or body_key not in entry:
                            continue  # expunged meanwhile: missing messages are left out
                        found[by_uid[uid]] = self._item(by_uid[uid], entry, body_key)
        return [found[ref] for ref in refs if ref in found]

    @staticmethod
    def _item(ref: MessageRef, entry: dict[bytes, Any], body_key: bytes) -> MailItem:
        date = entry.get(b"INTERNALDATE")
        raw = entry[body_key] or b""
        return MailItem(
            ref=ref,
            raw=bytes(raw),
            has_body=body_key == b"BODY[]",
            # \Recent belongs to one IMAP session, not to the message
            flags=frozenset(_text(f) for f in entry.get(b"FLAGS", ()) if f != b"\\Recent"),
            internal_date=date if isinstance(date, datetime) else None,
            size=int(entry.get(b"RFC822.SIZE", len(raw))),
        )

    def _header_of(self, client: IMAPClient, uids: Sequence[int], names: str) -> dict[int, Any]:
        """Selected headers of ``uids`` in the selected folder, parsed."""
        parser = BytesHeaderParser(policy=compat32)
        return {
            uid: parser.parsebytes(raw)
            for uid, raw in self._header_fields(client, uids, names).items()
        }

    def _header_fields(
        self, client: IMAPClient, uids: Sequence[int], names: str
    ) -> dict[int, bytes]:
        """Selected headers of ``uids`` in the selected folder, as the server sent them."""
        if not uids:
            return {}
        key = f"BODY[HEADER.FIELDS ({names})]".encode()
        response = client.fetch(list(uids), [f"BODY.PEEK[HEADER.FIELDS ({names})]".encode()])
        wanted = set(uids)
        return {
            uid: bytes(entry[key])
            for uid, entry in response.items()
            if uid in wanted and key in entry
        }

    def _search_in(
        self, client: IMAPClient, folder: str, criteria: list[str]
    ) -> tuple[_Selected, list[int]] | None:
        if not self._existing(client, folder):
            return None
        # no "empty folder" shortcut: a folder kept selected may have had mail appended
        # since (our own drafts), and a stale count would hide a draft that exists
        selected = self._select(client, folder, writable=False)
        return selected, sorted(client.search(criteria, _search_charset(*criteria)))

    def find_by_message_id(self, folder: str, message_id: str) -> list[MessageRef]:
        message_id = message_id.strip()
        if not message_id:
            return []
        with self._reading(folder, f"searching {folder!r} by Message-ID") as view:
            if view is None:
                return []
            client, validity = view
            uids = _search(client, ["HEADER", "Message-ID", message_id])
            # SEARCH HEADER is a substring match: keep only exact Message-IDs
            headers = self._header_of(client, uids, "MESSAGE-ID")
            return [
                MessageRef(folder, f"{validity}:{uid}")
                for uid in uids
                if uid in headers and _same_id(str(headers[uid].get("Message-ID", "")), message_id)
            ]

    def find_by_message_ids(
        self, folder: str, message_ids: Sequence[str]
    ) -> dict[str, list[MessageRef]]:
        """One SEARCH for up to ``_IDS_PER_SEARCH`` Message-IDs at a time (OR of them)."""
        wanted = {" ".join(mid.split()): mid for mid in message_ids if mid.strip()}
        found: dict[str, list[MessageRef]] = {}
        if not wanted:
            return found
        with self._reading(folder, f"searching {folder!r} by Message-ID") as view:
            if view is None:
                return found
            client, validity = view
            ids = list(wanted)
            for start in range(0, len(ids), _IDS_PER_SEARCH):
                part = ids[start : start + _IDS_PER_SEARCH]
                criteria = ["OR"] * (len(part) - 1)
                for mid in part:
                    criteria += ["HEADER", "Message-ID", mid]
                uids = _search(client, criteria)
                # SEARCH HEADER is a substring match: keep only exact Message-IDs
                for uid, headers in sorted(self._header_of(client, uids, "MESSAGE-ID").items()):
                    mid = " ".join(str(headers.get("Message-ID", "")).split())
                    if mid in wanted:
                        ref = MessageRef(folder, f"{validity}:{uid}")
                        found.setdefault(wanted[mid], []).append(ref)
        return found

    def find_by_header(self, folder: str, header: str, value: str) -> list[MessageRef]:
        with self._reading(folder, f"searching {folder!r} by {header}") as view:
            if view is None:
                return []
            client, validity = view
            uids = _search(client, ["HEADER", header, value])
            return [MessageRef(folder, f"{validity}:{uid}") for uid in uids]

    def headers_containing(
        self, folder: str, searches: Sequence[tuple[str, str]]
    ) -> dict[MessageRef, bytes] | None:
        """One SEARCH (an OR of every search; split only past ``_SEARCH_BYTES``), then
        one FETCH of the searched headers of the hits per ``fetch_chunk``."""
        with self._reading(folder, f"searching {folder!r} by header") as view:
            if view is None:
                return None
            client, validity = view
            uids: set[int] = set()
            for part in _search_parts(searches):
                uids.update(_search(client, _any_of(part)))
            names = " ".join(dict.fromkeys(header.upper() for header, _ in searches))
            found: dict[MessageRef, bytes] = {}
            ordered, chunk = sorted(uids), self.settings.fetch_chunk
            for start in range(0, len(ordered), chunk):
                part_uids = ordered[start : start + chunk]
                for uid, raw in sorted(self._header_fields(client, part_uids, names).items()):
                    found[MessageRef(folder, f"{validity}:{uid}")] = raw
            return found

    def message_ids(self, folder: str) -> dict[str, list[MessageRef]]:
        """One read of every Message-ID in ``folder`` (a small one: Drafts)."""
        with self._reading(folder, f"reading the Message-IDs in {folder!r}") as view:
            if view is None:
                return {}
            client, validity = view
            uids = _search(client, ["ALL"])
            found: dict[str, list[MessageRef]] = {}
            for uid, headers in sorted(self._header_of(client, uids, "MESSAGE-ID").items()):
                message_id = " ".join(str(headers.get("Message-ID", "")).split())
                if message_id:
                    found.setdefault(message_id, []).append(MessageRef(folder, f"{validity}:{uid}"))
            return found

    # -- changing ---------------------------------------------------------------

    def add_label(self, ref: MessageRef, label: str) -> None:
        with self._talking(f"labelling {ref.state_key}") as client:
            uid = self._select_ref(client, ref, writable=True)
            if b"X-GM-EXT-1" in self._capabilities:
                client.add_gmail_labels([uid], [label], silent=True)
            elif self._selected is not None and self._selected.keywords_allowed:
                client.add_flags([uid], [keyword_for(label)], silent=True)
            else:
                self._copy_once(client, ref, uid, label)

    def remove_label(self, ref: MessageRef, label: str) -> bool:
        with self._talking(f"unlabelling {ref.state_key}") as client:
            uid = self._select_ref(client, ref, writable=True)
            if b"X-GM-EXT-1" in self._capabilities:
                client.remove_gmail_labels([uid], [label], silent=True)
            elif self._selected is not None and self._selected.keywords_allowed:
                client.remove_flags([uid], [keyword_for(label)], silent=True)
            else:
                return False  # the label is a copy in a folder of that name: left there
            return True

    def set_flags(self, ref: MessageRef, flags: Iterable[str]) -> None:
        wanted = list(flags)
        if not wanted:
            return
        with self._talking(f"flagging {ref.state_key}") as client:
            uid = self._select_ref(client, ref, writable=True)
            client.add_flags([uid], wanted, silent=True)

    # -- changing many at once: one command for all, the same effect as one by one ------

    def add_label_many(self, refs: Sequence[MessageRef], label: str) -> dict[MessageRef, Exception]:
        if (
            len(refs) < 2
            or self._overrides("add_label")
            or not self._keywords_or_gmail(refs[0].folder)
        ):
            return super().add_label_many(refs, label)

        def store(client: IMAPClient, _folder: str, uids: list[int]) -> None:
            if b"X-GM-EXT-1" in self._capabilities:
                client.add_gmail_labels(uids, [label], silent=True)
            else:
                client.add_flags(uids, [keyword_for(label)], silent=True)

        done = self._at_once(refs, f"labelling {len(refs)} messages", store, labels=True)
        return super().add_label_many(refs, label) if done is None else done

    def set_flags_many(
        self, refs: Sequence[MessageRef], flags: Iterable[str]
    ) -> dict[MessageRef, Exception]:
        wanted = list(flags)
        if len(refs) < 2 or not wanted or self._overrides("set_flags"):
            return super().set_flags_many(refs, wanted)

        def store(client: IMAPClient, _folder: str, uids: list[int]) -> None:
            client.add_flags(uids, wanted, silent=True)

        done = self._at_once(refs, f"flagging {len(refs)} messages", store)
        return super().set_flags_many(refs, wanted) if done is None else done

    def move_many(self, refs: Sequence[MessageRef], folder: str) -> dict[MessageRef, Exception]:
        leaving = [ref for ref in refs if ref.folder != folder]
        if (
            len(leaving) < 2
            or self._overrides("move")
            or b"MOVE" not in self._capabilities
            or b"X-GM-EXT-1" in self._capabilities
        ):
            # COPY + UID EXPUNGE and Gmail's label change stay one message at a time
            return super().move_many(refs, folder)

        def move(client: IMAPClient, source: str, uids: list[int]) -> None:
            self._ensure(client, folder)
            present = set(client.search(["UID", ",".join(str(uid) for uid in uids)]))
            for uid in uids:
                if uid not in present:
                    log.info("%s: UID %d is no longer there; nothing to move", self._where, uid)
            if present:
                client.move(sorted(present), folder)
                self._moved_out(source, len(present))

        done = self._at_once(leaving, f"moving {len(leaving)} messages to {folder!r}", move)
        return super().move_many(refs, folder) if done is None else done

    def mark_handled_many(
        self,
        refs: Sequence[MessageRef],
        labels: Mapping[MessageRef, Sequence[str]] | None = None,
    ) -> None:
        """One UID STORE per distinct set of keywords: the handled mark with the labels
        each message gets first, where labels are keywords here. Dovecot keeps keywords
        in a Maildir file's name, so each change renames the file and the next command
        on it reads the whole folder's listing again: one change instead of two."""
        if not refs:
            return
        if labels is None or b"X-GM-EXT-1" in self._capabilities or self._overrides("add_label"):
            labels = {}  # Gmail's labels are not keywords; a subclass's add_label decides
        groups: dict[tuple[str, ...], list[MessageRef]] = {}
        for ref in refs:
            wanted = [HANDLED, *(keyword_for(label) for label in labels.get(ref, ()))]
            groups.setdefault(tuple(dict.fromkeys(wanted)), []).append(ref)
        for keywords, members in groups.items():
            self._keyword_at_once(members, partial(_add_keywords, keywords=keywords))

    def _keyword_at_once(
        self, refs: Sequence[MessageRef], store: Callable[[IMAPClient, str, list[int]], None]
    ) -> None:
        try:
            with self._talking(f"marking {len(refs)} messages handled") as client:
                for folder in dict.fromkeys(ref.folder for ref in refs):
                    selected = self._select(client, folder, writable=True)
                    if not selected.keywords_allowed:
                        continue  # no keywords here (Exchange): the state is the record
                    uids = [
                        uid
                        for validity, uid in (_split_key(r) for r in refs if r.folder == folder)
                        if validity == selected.uidvalidity
                    ]
                    if uids:
                        store(client, folder, uids)
        except BackendError as exc:
            log.info("%s: could not mark messages handled: %s", self._where, exc)

    def _overrides(self, name: str) -> bool:
        """Whether a subclass changed the one-message method ``name``: the request for
        many stands in for this class's own method only, so a subclass's is called for
        each message (tests that cut the connection at the n-th move rely on that)."""
        return getattr(type(self), name) is not getattr(ImapBackend, name)

    def _keywords_or_gmail(self, folder: str) -> bool:
        """Labels can be set on many messages in one STORE (not when copied to folders)."""
        if b"X-GM-EXT-1" in self._capabilities:
            return True
        selected = self._selected
        if selected is not None and selected.folder == folder and selected.writable:
            return selected.keywords_allowed
        return True  # PERMANENTFLAGS says so once selected for writing; _at_once checks

    def _at_once(
        self,
        refs: Sequence[MessageRef],
        doing: str,
        command: Callable[[IMAPClient, str, list[int]], None],
        *,
        labels: bool = False,
    ) -> dict[MessageRef, Exception] | None:
        """``command`` on the UIDs of ``refs``, folder by folder, each selected once.

        None when the server refused it (or ``labels`` cannot be keywords there): the caller
        then goes one message at a time, so a failure lands on the message it is about.
        A folder renumbered since the scan fails its messages, as acting on one would.
        """
        failures: dict[MessageRef, Exception] = {}
        try:
            with self._talking(doing) as client:
                for folder in dict.fromkeys(ref.folder for ref in refs):
                    selected = self._select(client, folder, writable=True)
                    gmail = b"X-GM-EXT-1" in self._capabilities
                    if labels and not (gmail or selected.keywords_allowed):
                        return None
                    uids: list[int] = []
                    for ref in refs:
                        if ref.folder != folder:
                            continue
                        validity, uid = _split_key(ref)
                        if validity == selected.uidvalidity:
                            uids.append(uid)
                        else:
                            failures[ref] = BackendError(
                                f"{self._where}: {ref.state_key}: folder {folder!r} was "
                                f"renumbered (UIDVALIDITY {validity} -> "
                                f"{selected.uidvalidity}); rescan before acting"
                            )
                    if uids:
                        command(client, folder, uids)
        except BackendError as exc:
            log.debug("%s: %s at once failed (%s); one by one", self._where, doing, exc)
            return None
        return failures

    def move(self, ref: MessageRef, folder: str) -> None:
        if folder == ref.folder:
            return
        with self._talking(f"moving {ref.state_key} to {folder!r}") as client:
            self._ensure(client, folder)
            uid = self._select_ref(client, ref, writable=True)
            if not client.search(["UID", str(uid)]):
                log.info("%s: %s is no longer there; nothing to move", self._where, ref.state_key)
                return
            if self._is_gmail_archive(client, ref, folder):
                # Gmail: the message is in All Mail already; archiving is losing the Inbox
                # label, and keeps every other label (introgate's among them)
                client.remove_gmail_labels([uid], [GMAIL_INBOX], silent=True)
                return
            if b"MOVE" in self._capabilities:
                client.move([uid], folder)
            else:
                self._require_uidplus(f"move {ref.state_key}")
                self._copy_once(client, ref, uid, folder)
                self._expunge_one(client, ref, uid)
            self._moved_out(ref.folder)

    def _moved_out(self, folder: str, count: int = 1) -> None:
        """Our own move's EXPUNGEs came with the move command: the folder's size follows
        (and the side connection's view of the target folder is behind)."""
        self._side_stale = True
        current = self._selected
        if current is not None and current.folder == folder:
            self._selected = replace(current, exists=max(0, current.exists - count))

    def _is_gmail_archive(self, client: IMAPClient, ref: MessageRef, folder: str) -> bool:
        return (
            b"X-GM-EXT-1" in self._capabilities
            and ref.folder.upper() == "INBOX"
            and b"\\All" in self._folders(client).get(folder, ())
        )

    def _require_uidplus(self, doing: str) -> None:
        if b"UIDPLUS" not in self._capabilities:
            raise BackendError(
                f"{self._where}: cannot {doing}: the server offers neither MOVE nor UIDPLUS, "
                "and a plain EXPUNGE could remove other messages marked \\Deleted"
            )

    def _copy_once(self, client: IMAPClient, ref: MessageRef, uid: int, folder: str) -> None:
        """COPY unless the target already holds this message (a retried, interrupted step)."""
        self._ensure(client, folder)
        self._select_ref(client, ref, writable=True)
        source = client.fetch([uid], [b"RFC822.SIZE", b"BODY.PEEK[HEADER]"]).get(uid, {})
        size, header = source.get(b"RFC822.SIZE"), source.get(b"BODY[HEADER]")
        if isinstance(size, int) and isinstance(header, bytes):
            # the same header block and size: a copy made before an interruption (found by
            # Message-ID when there is one, else by exact size, for mail without one)
            message_id = _message_id_of(header)
            criteria = (
                ["HEADER", "Message-ID", message_id]
                if message_id
                else ["LARGER", str(size - 1), "SMALLER", str(size + 1)]
            )
            result = self._search_in(client, folder, criteria)
            if result is not None and result[1]:
                there = client.fetch(result[1], [b"BODY.PEEK[HEADER]"])
                if any(entry.get(b"BODY[HEADER]") == header for entry in there.values()):
                    log.info("%s: %s already in %r", self._where, ref.state_key, folder)
                    self._select_ref(client, ref, writable=True)
                    return
            self._select_ref(client, ref, writable=True)
        self._side_stale = True
        client.copy([uid], folder)

    def _expunge_one(self, client: IMAPClient, ref: MessageRef, uid: int) -> None:
        self._select_ref(client, ref, writable=True)
        client.add_flags([uid], [DELETED], silent=True)
        client.uid_expunge([uid])

    def append(self, folder: str, raw: bytes, flags: Iterable[str] = ()) -> None:
        self._side_stale = True
        with self._talking(f"storing a message in {folder!r}") as client:
            self._ensure(client, folder)
            client.append(folder, raw, flags=tuple(flags))

    def append_many(
        self, folder: str, messages: Sequence[bytes], flags: Iterable[str] = ()
    ) -> dict[int, Exception]:
        """Up to ``_APPENDS_PER_COMMAND`` messages in one MULTIAPPEND (RFC 3502) where the
        server has it: one round trip instead of one per message.

        The server stores all of a MULTIAPPEND or none of it, so when it refuses one the
        messages go again one at a time, each failure on its own message.
        """
        wanted = tuple(flags)
        if (
            len(messages) < 2
            or b"MULTIAPPEND" not in self._capabilities
            or self._overrides("append")
        ):
            return super().append_many(folder, messages, wanted)
        failures: dict[int, Exception] = {}
        for start in range(0, len(messages), _APPENDS_PER_COMMAND):
            part = messages[start : start + _APPENDS_PER_COMMAND]
            self._side_stale = True
            try:
                with self._talking(f"storing {len(part)} messages in {folder!r}") as client:
                    self._ensure(client, folder)
                    client.multiappend(folder, [{"msg": raw, "flags": wanted} for raw in part])
            except BackendError as exc:
                log.info("%s: %s; one at a time instead", self._where, exc)
                refused = super().append_many(folder, part, wanted)
                failures.update((start + position, error) for position, error in refused.items())
        return failures

    def remove_draft(self, ref: MessageRef) -> None:
        """To Trash (SPECIAL-USE ``\\Trash`` or its usual name), created when missing.

        Never an expunge: the user may want a discarded draft back, and the README
        promises Trash.
        """
        drafts = self.folder_for(FolderRole.DRAFTS)
        if ref.folder != drafts:
            raise BackendError(
                f"{self._where}: refusing to remove {ref.state_key}: it is not in {drafts!r}"
            )
        trash = self.folder_for(FolderRole.TRASH)
        if trash == drafts:
            raise BackendError(
                f"{self._where}: cannot discard draft {ref.state_key}: the Trash folder "
                f"is the Drafts folder ({drafts!r})"
            )
        self.move(ref, trash)  # move() creates the folder when the server has none
