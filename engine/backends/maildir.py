"""Maildir++ backend: the local mailbox a demo, a test or an offlineimap/mbsync user has.

Layout and flags follow Dovecot's conventions so a Dovecot serving the same folder shows
what introgate did: subfolders are ``.Name`` directories, flags are the letters after
``:2,`` (D F P R S T), and labels are keyword letters ``a``–``z`` whose names are in the
folder's ``dovecot-keywords`` file. Every change is one ``rename``, so a crash leaves
each message in exactly one place; nothing is ever unlinked.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import socket
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from introgate.backends.base import (
    FolderRole,
    FoundFolder,
    MailboxBackend,
    ScanResult,
    configured_folder,
)
from introgate.checkpoint import Checkpoint
from introgate.config import FolderSettings
from introgate.errors import BackendError
from introgate.header_block import HeaderBlock
from introgate.mail import (
    ANSWERED,
    DRAFT,
    FLAGGED,
    HANDLED,
    SEEN,
    MailItem,
    MessageRef,
    header_block,
)
from introgate.recognition.message_content import decode_words

log = logging.getLogger("introgate.maildir")

INBOX = "INBOX"
_INFO = ":2,"
_FLAG_LETTERS = {DRAFT: "D", FLAGGED: "F", ANSWERED: "R", SEEN: "S", "\\Deleted": "T"}
_LETTER_FLAGS = {letter: flag for flag, letter in _FLAG_LETTERS.items()}
_KEYWORDS_FILE = "dovecot-keywords"
_KEYWORD_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_DEFAULT_NAMES = {
    FolderRole.DRAFTS: "Drafts",
    FolderRole.ARCHIVE: "Archive",
    FolderRole.SENT: "Sent",
    FolderRole.TRASH: "Trash",
}
_HEADER_READ = 65536
_SEARCHED_HEADERS = ("from", "to", "cc", "message-id", "x-introgate-request", "subject")
_counter = itertools.count()


def split_name(filename: str) -> tuple[str, str]:
    """A Maildir file name's unique key and its flag letters."""
    key, sep, info = filename.partition(_INFO)
    return key, info if sep else ""


def flags_from_letters(letters: str) -> frozenset[str]:
    return frozenset(_LETTER_FLAGS[c] for c in letters if c in _LETTER_FLAGS)


class MaildirBackend(MailboxBackend):
    """A Maildir++ tree rooted at ``root`` (``root/cur`` is INBOX)."""

    def __init__(self, root: Path, folders: FolderSettings | None = None) -> None:
        self.root = root
        self.folders = folders or FolderSettings()
        # folder -> {key: path}; rebuilt for a folder when a key is not where it was
        self._index: dict[str, dict[str, Path]] = {}
        self._search_cache: dict[
            str, tuple[tuple[int, ...], list[tuple[MessageRef, dict[str, list[str]]]]]
        ] = {}

    # -- folders ----------------------------------------------------------------

    def connect(self) -> None:
        if not (self.root / "cur").is_dir():
            raise BackendError(f"{self.root}: not a Maildir (no cur/ folder)")

    def folder_path(self, folder: str) -> Path:
        if folder.upper() == INBOX:
            return self.root
        parts = folder.replace("/", ".").split(".")
        if any(part in ("", "..") or "\0" in part for part in parts) or folder.startswith("~"):
            raise BackendError(f"invalid folder name {folder!r}")
        return self.root / f".{'.'.join(parts)}"

    def ensure_folder(self, folder: str) -> Path:
        path = self.folder_path(folder)
        for sub in ("cur", "new", "tmp"):
            (path / sub).mkdir(parents=True, exist_ok=True)
        if path != self.root and not (path / "maildirfolder").exists():
            (path / "maildirfolder").touch()
        return path

    def folder_for(self, role: FolderRole) -> str:
        override = configured_folder(self.folders, role)
        # created on first use (append, move), not here: a dry run asks too
        return override or _DEFAULT_NAMES[role]

    def find_folder(self, role: FolderRole) -> FoundFolder:
        override = configured_folder(self.folders, role)
        name = override or _DEFAULT_NAMES[role]
        return FoundFolder(
            role, name, "configured" if override else "by name", self.has_folder(name)
        )

    def has_folder(self, folder: str) -> bool:
        return (self.folder_path(folder) / "cur").is_dir()

    def list_folders(self) -> list[str]:
        names = [INBOX]
        for child in sorted(self.root.iterdir()):
            if child.name.startswith(".") and (child / "cur").is_dir():
                names.append(child.name[1:])
        return names

    # -- reading ----------------------------------------------------------------

    def _scan_folder(self, folder: str) -> dict[str, Path]:
        path = self.folder_path(folder)
        index: dict[str, Path] = {}
        for sub in ("new", "cur"):
            directory = path / sub
            if not directory.is_dir():
                continue
            with os.scandir(directory) as entries:
                for entry in entries:
                    if entry.name.startswith(".") or not entry.is_file():
                        continue
                    key, _ = split_name(entry.name)
                    index[key] = directory / entry.name
        self._index[folder] = index
        return index

    def _locate(self, ref: MessageRef) -> Path | None:
        path = self._index.get(ref.folder, {}).get(ref.key)
        if path is not None and path.exists():
            return path
        return self._scan_folder(ref.folder).get(ref.key)

    def _require(self, ref: MessageRef) -> Path:
        path = self._locate(ref)
        if path is None:
            raise BackendError(f"message {ref.key} is no longer in {ref.folder}")
        return path

    def scan(self, folder: str, since: Checkpoint | None) -> ScanResult:
        """Every message in the folder, oldest first; the state store says which are new."""
        if not (self.folder_path(folder) / "cur").is_dir():
            raise BackendError(f"{self.root}: folder {folder!r} does not exist")
        index = self._scan_folder(folder)

        def delivered(item: tuple[str, Path]) -> tuple[float, str]:
            try:
                return item[1].stat().st_mtime, item[0]
            except FileNotFoundError:
                return 0.0, item[0]

        refs = [MessageRef(folder, key) for key, _ in sorted(index.items(), key=delivered)]
        return ScanResult(refs=refs, checkpoint=Checkpoint(), messages=len(refs))

    def _item(
        self, ref: MessageRef, path: Path, *, full: bool, keywords: Sequence[str]
    ) -> MailItem:
        stat = path.stat()
        with path.open("rb") as handle:
            raw = handle.read() if full else header_block(handle.read(_HEADER_READ))
        _, letters = split_name(path.name)
        # keyword letters as their names, as IMAP reports keywords among the flags
        named = {
            keywords[_KEYWORD_LETTERS.index(c)]
            for c in letters
            if c in _KEYWORD_LETTERS and keywords[_KEYWORD_LETTERS.index(c)]
        }
        return MailItem(
            ref=ref,
            raw=raw,
            has_body=full,
            flags=flags_from_letters(letters) | named,
            internal_date=datetime.fromtimestamp(stat.st_mtime, UTC),
            size=stat.st_size,
        )

    def _fetch(self, refs: Sequence[MessageRef], *, full: bool) -> list[MailItem]:
        items = []
        keywords: dict[str, list[str]] = {}
        for ref in refs:
            path = self._locate(ref)
            if path is None:
                continue
            if ref.folder not in keywords:
                keywords[ref.folder] = self.keywords(ref.folder)
            try:
                items.append(self._item(ref, path, full=full, keywords=keywords[ref.folder]))
            except FileNotFoundError:
                continue  # moved away by another client between listing and reading
            except OSError as exc:
                # unreadable now (permissions, I/O): left out, so the next pass tries again
                log.warning("%s: cannot read %s: %s", ref.folder, path.name, exc)
        return items

    def fetch_headers(self, refs: Sequence[MessageRef]) -> list[MailItem]:
        return self._fetch(refs, full=False)

    def fetch_full(self, refs: Sequence[MessageRef]) -> list[MailItem]:
        return self._fetch(refs, full=True)

    # -- changing ---------------------------------------------------------------

    def keywords(self, folder: str) -> list[str]:
        """The folder's keyword names by letter position (``dovecot-keywords``)."""
        path = self.folder_path(folder) / _KEYWORDS_FILE
        names = [""] * len(_KEYWORD_LETTERS)
        if path.is_file():
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                number, _, name = line.partition(" ")
                if number.isdigit() and int(number) < len(names) and name:
                    names[int(number)] = name
        return names

    def labels_of(self, ref: MessageRef) -> set[str]:
        """Names of the keywords on one message."""
        _, letters = split_name(self._require(ref).name)
        names = self.keywords(ref.folder)
        return {
            names[_KEYWORD_LETTERS.index(c)]
            for c in letters
            if c in _KEYWORD_LETTERS and names[_KEYWORD_LETTERS.index(c)]
        }

    def _keyword_letter(self, folder: str, label: str) -> str:
        if any(c.isspace() or c in '()[]{}%*"\\' for c in label):
            raise BackendError(f"label {label!r} is not a valid IMAP keyword")
        names = self.keywords(folder)
        if label in names:
            return _KEYWORD_LETTERS[names.index(label)]
        target = self.folder_path(folder) / _KEYWORDS_FILE
        with _dotlock(target):
            names = self.keywords(folder)  # again, under the lock: another writer may have added
            if label in names:
                return _KEYWORD_LETTERS[names.index(label)]
            if "" not in names:
                raise BackendError(
                    f"folder {folder!r} already has 26 keywords, no room for {label!r}"
                )
            slot = names.index("")
            names[slot] = label
            content = "".join(f"{i} {name}\n" for i, name in enumerate(names) if name)
            temporary = target.with_name(f"{_KEYWORDS_FILE}.{os.getpid()}.tmp")
            temporary.write_text(content, encoding="utf-8")
            temporary.replace(target)
        return _KEYWORD_LETTERS[slot]

    def _rename_with_letters(self, ref: MessageRef, add: str) -> None:
        path = self._require(ref)
        key, letters = split_name(path.name)
        merged = "".join(sorted(set(letters) | set(add)))
        if merged == letters and path.parent.name == "cur":
            return
        target = path.parent.parent / "cur" / f"{key}{_INFO}{merged}"
        path.rename(target)
        self._index.setdefault(ref.folder, {})[ref.key] = target

    def add_label(self, ref: MessageRef, label: str) -> None:
        self._rename_with_letters(ref, self._keyword_letter(ref.folder, label))

    def remove_label(self, ref: MessageRef, label: str) -> bool:
        names = self.keywords(ref.folder)
        if label not in names:
            return True  # the folder never had it: nothing carries it
        letter = _KEYWORD_LETTERS[names.index(label)]
        path = self._require(ref)
        key, letters = split_name(path.name)
        if letter not in letters:
            return True
        kept = "".join(c for c in letters if c != letter)
        target = path.parent.parent / "cur" / f"{key}{_INFO}{kept}"
        path.rename(target)
        self._index.setdefault(ref.folder, {})[ref.key] = target
        return True

    def mark_handled_many(
        self,
        refs: Sequence[MessageRef],
        labels: Mapping[MessageRef, Sequence[str]] | None = None,
    ) -> None:
        for ref in refs:
            try:
                self.add_label(ref, HANDLED)
            except (BackendError, OSError) as exc:
                log.info("%s: could not mark %s handled: %s", ref.folder, ref.key, exc)

    def set_flags(self, ref: MessageRef, flags: Iterable[str]) -> None:
        letters = "".join(_FLAG_LETTERS[flag] for flag in flags if flag in _FLAG_LETTERS)
        self._rename_with_letters(ref, letters)

    def move(self, ref: MessageRef, folder: str) -> None:
        if folder == ref.folder:
            return
        path = self._require(ref)
        key, letters = split_name(path.name)
        target_dir = self.ensure_folder(folder)
        # keyword letters are per folder: carry the names over, not the letters
        source_names = self.keywords(ref.folder)
        moved_letters = []
        for letter in letters:
            if letter in _KEYWORD_LETTERS:
                name = source_names[_KEYWORD_LETTERS.index(letter)]
                if name:
                    moved_letters.append(self._keyword_letter(folder, name))
            else:
                moved_letters.append(letter)
        subdir = path.parent.name
        target_index = self._index.get(folder)
        if target_index is None:
            target_index = self._scan_folder(folder)
        new_key = key
        if key in target_index:
            # a restored backup or a sync tool put a copy there: never overwrite it
            new_key = _unique_key()
        if subdir == "cur":
            name = f"{new_key}{_INFO}{''.join(sorted(set(moved_letters)))}"
        else:
            name = new_key + path.name[len(key) :]
        path.rename(target_dir / subdir / name)
        self._index.get(ref.folder, {}).pop(ref.key, None)
        target_index[new_key] = target_dir / subdir / name

    def append(self, folder: str, raw: bytes, flags: Iterable[str] = ()) -> None:
        target_dir = self.ensure_folder(folder)
        key = _unique_key()
        letters = "".join(sorted(_FLAG_LETTERS[f] for f in flags if f in _FLAG_LETTERS))
        temporary = target_dir / "tmp" / key
        with temporary.open("wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        final = target_dir / "cur" / f"{key},S={len(raw)}{_INFO}{letters}"
        cached = self._search_cache.get(folder)
        current = cached is not None and cached[0] == _stamp(target_dir)
        temporary.rename(final)
        unique = split_name(final.name)[0]
        self._index.setdefault(folder, {})[unique] = final
        if cached is not None and current:
            # the search index stays current: storing one draft after another must not
            # read the whole Drafts folder again for each
            entries = [*cached[1], (MessageRef(folder, unique), _searchable(raw[:_HEADER_READ]))]
            self._search_cache[folder] = (_stamp(target_dir), entries)

    # -- searching --------------------------------------------------------------

    def _header_index(self, folder: str) -> list[tuple[MessageRef, dict[str, list[str]]]]:
        """Decoded search headers of every message in ``folder``, rebuilt when it changes.

        Searching earlier correspondence or Drafts asks the same folder again and again;
        reading a 20,000-message Sent folder once per question would take seconds each.
        """
        path = self.folder_path(folder)
        if not (path / "cur").is_dir():
            return []
        stamp = _stamp(path)
        cached = self._search_cache.get(folder)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        # a message's file never changes its headers: only messages new since the last
        # look are read, so a folder that changes between questions is not read again
        known = {ref.key: values for ref, values in cached[1]} if cached is not None else {}
        entries = []
        for key, file in self._scan_folder(folder).items():
            values = known.get(key)
            if values is None:
                try:
                    with file.open("rb") as handle:
                        values = _searchable(handle.read(_HEADER_READ))
                except OSError:
                    continue
            entries.append((MessageRef(folder, key), values))
        self._search_cache[folder] = (stamp, entries)
        return entries

    def find_by_header(self, folder: str, header: str, value: str) -> list[MessageRef]:
        """Like IMAP ``SEARCH HEADER``: a case-insensitive substring of the decoded value."""
        name = _searched_name(header)
        wanted = value.casefold()
        return [
            ref
            for ref, values in self._header_index(folder)
            if any(wanted in v.casefold() for v in values.get(name, ()))
        ]

    def headers_containing(
        self, folder: str, searches: Sequence[tuple[str, str]]
    ) -> dict[MessageRef, bytes] | None:
        """One walk through the folder's search index for all ``searches``, each header's
        values joined into one pattern; the same matches as ``find_by_header``."""
        if not self.has_folder(folder):
            return None
        values: dict[str, set[str]] = {}
        for header, value in searches:
            values.setdefault(_searched_name(header), set()).add(value.casefold())
        patterns = {
            name: re.compile("|".join(re.escape(v) for v in sorted(wanted)))
            for name, wanted in values.items()
        }
        hits = [
            ref
            for ref, headers in self._header_index(folder)
            if any(
                pattern.search(value.casefold())
                for name, pattern in patterns.items()
                for value in headers.get(name, ())
            )
        ]
        return {item.ref: item.raw for item in self.fetch_headers(hits)}

    def message_ids(self, folder: str) -> dict[str, list[MessageRef]]:
        found: dict[str, list[MessageRef]] = {}
        for ref, values in self._header_index(folder):
            for value in values.get("message-id", ()):
                found.setdefault(value.strip(), []).append(ref)
        return found

    def find_by_message_id(self, folder: str, message_id: str) -> list[MessageRef]:
        return self.message_ids(folder).get(message_id.strip(), [])

    def find_by_message_ids(
        self, folder: str, message_ids: Sequence[str]
    ) -> dict[str, list[MessageRef]]:
        """The folder's Message-IDs read once for all of them, not once per Message-ID."""
        index = self.message_ids(folder)
        found = {mid: index.get(mid.strip(), []) for mid in dict.fromkeys(message_ids)}
        return {mid: refs for mid, refs in found.items() if refs}

    def remove_draft(self, ref: MessageRef) -> None:
        """A discarded draft goes to Trash, where the user can still get it back."""
        self.move(ref, self.folder_for(FolderRole.TRASH))


def _stamp(path: Path) -> tuple[int, ...]:
    """When the folder last changed: a file came, went or was renamed.

    A Maildir written by another tool may lack new/: no new mail there.
    """
    return tuple(
        (path / sub).stat().st_mtime_ns if (path / sub).is_dir() else 0 for sub in ("cur", "new")
    )


def _searched_name(header: str) -> str:
    """The index's name for ``header``; only the headers the index keeps can be searched."""
    name = header.lower()
    if name not in _SEARCHED_HEADERS:
        raise BackendError(f"searching the {header} header is not supported")
    return name


def _searchable(raw: bytes) -> dict[str, list[str]]:
    """The decoded values of the headers searches look at, from the start of a message.

    Decoded as an IMAP server decodes them for SEARCH HEADER: encoded words decoded,
    folds unfolded, the text otherwise as written.
    """
    headers = HeaderBlock.parse(header_block(raw))
    values: dict[str, list[str]] = {}
    for name, value in headers.raw_items():
        key = name.lower()
        if key in _SEARCHED_HEADERS:
            values.setdefault(key, []).append(" ".join(decode_words(value).split()))
    return values


def _unique_key() -> str:
    """A new Maildir unique name (time, microseconds, pid, counter, host)."""
    host = socket.gethostname().replace("/", "_").replace(":", "_")
    micro = time.time_ns() // 1000 % 1_000_000
    return f"{int(time.time())}.M{micro}P{os.getpid()}Q{next(_counter)}.{host}"


@contextmanager
def _dotlock(target: Path, timeout: float = 10.0) -> Iterator[None]:
    """Dovecot's dotlock (``<file>.lock`` created exclusively), so concurrent writers wait."""
    lock = target.with_name(target.name + ".lock")
    deadline = time.monotonic() + timeout
    while True:
        try:
            descriptor = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            break
        except FileExistsError:
            try:
                stale = time.time() - lock.stat().st_mtime > 2 * timeout
            except FileNotFoundError:
                continue
            if stale:
                lock.unlink(missing_ok=True)  # left by a crashed writer
            elif time.monotonic() > deadline:
                raise BackendError(
                    f"{target}: locked by another program for {timeout:.0f}s"
                ) from None
            time.sleep(0.02)
    os.close(descriptor)
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)
