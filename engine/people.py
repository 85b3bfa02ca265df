"""Who the user already knows: contacts files, the allowlist, earlier correspondence.

CONTRACT (implemented by the rules issue; used by rules and drafts):

    KnownPeople(settings, store, backend)
    KnownPeople.look_up(requesters: Iterable[Requester]) -> None  # a chunk's, before its rules
    KnownPeople.is_known(requester: Requester) -> bool        # cached in the state store
    KnownPeople.address_for(requester: Requester) -> str | None   # an e-mail address to reply to
    KnownPeople.allow(requester: Requester, network: str) -> None # append to the allowlist file
    person_keys(notification) -> list[str]    # "linkedin:<profile>", "name:<folded name>" ...
    fold_name(name) -> str                    # case and accents folded, whitespace normalised

Names are compared folded ("Jürgen  MÜLLER" = "jurgen muller") because exports and
notifications spell them differently. A requester is known when a contact or allowlist
entry has the same profile URL or handle, or the same folded name, or when mail from or
to that full name is in one of the correspondence folders (searched through the backend,
the answer cached in the state store for a day). A pass hands each chunk's requesters to
``look_up`` first, so a folder is searched once for all of them, not three times per
person. Files are re-read when they change, so the daemon sees an edited allowlist at the
next message.

The allowlist is a text file, one entry per line, ``#`` starts a comment line:

    linkedin:https://www.linkedin.com/in/jane-doe   # a profile on one network
    mastodon:@jane@example.social                   # a handle on one network
    https://www.xing.com/profile/Jane_Doe           # a profile URL, any network
    name:Jane Doe                                   # a name, any network
    Jane Doe                                        # the same

(the comments above are for this docstring; in the file a comment is a line of its own).
Without ``[contacts] allowlist`` in the configuration it is ``introgate-allowlist.txt``
next to the state database.
"""

from __future__ import annotations

import csv
import io
import logging
import quopri
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from introgate.backends.base import MailboxBackend
from introgate.config import Settings
from introgate.files_changed import stamps
from introgate.near_miss import closest
from introgate.recognition.message_content import decode_words
from introgate.recognition.model import Requester, RequestNotification
from introgate.state import StateStore

log = logging.getLogger("introgate.people")

# how long an answer from searching the mailbox is trusted
CORRESPONDENCE_TTL = timedelta(days=1)
DEFAULT_ALLOWLIST_NAME = "introgate-allowlist.txt"
# where earlier mail names a person
CORRESPONDENCE_HEADERS = ("To", "Cc", "From")
# problems with contacts files already logged by this process
_REPORTED: set[str] = set()

# letters NFKD leaves alone but people write without the accent
_LETTERS = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "þ": "th",
        "Þ": "th",
        "ı": "i",
    }
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_PREFIX = re.compile(r"([a-z][a-z0-9_-]*):(.+)")
# query parameters that identify a person (facebook profile.php?id=, old linkedin ?id=)
_IDENTIFYING_PARAMS = {"id"}


def fold_name(name: str) -> str:
    """Case and accents folded, whitespace normalised: ``" Jürgen  MÜLLER"`` -> "jurgen muller"."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_LETTERS))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.casefold().split())


def profile_key(url: str) -> str:
    """A profile URL without what varies between mails (scheme, www, tracking, slash)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    for prefix in ("www.", "m.", "mobile."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
    path = parts.path.rstrip("/")
    if host.endswith("linkedin.com") and path.startswith("/comm/"):
        path = path[len("/comm") :]
    params = sorted((k, v) for k, v in parse_qsl(parts.query) if k in _IDENTIFYING_PARAMS)
    query = "&".join(f"{k}={v}" for k, v in params)
    key = f"{host}{path.lower() if host else path}"
    return f"{key}?{query}" if query else key


def handle_key(handle: str) -> str:
    return handle.strip().lstrip("@").lower()


def person_keys(notification: RequestNotification) -> list[str]:
    """Every key the requester may be remembered by: per network, then by folded name."""
    requester = notification.requester
    network = notification.network.lower()
    keys: list[str] = []
    if requester.profile_url:
        keys.append(f"{network}:{profile_key(requester.profile_url)}")
    if requester.handle:
        keys.append(f"{network}:{handle_key(requester.handle)}")
    name = fold_name(requester.name)
    if name:
        keys.append(f"name:{name}")
    return list(dict.fromkeys(keys))


def same_person(first: RequestNotification, second: RequestNotification) -> bool:
    """Whether two requests come from one person.

    The same profile or handle on a network is one person. A different profile on the
    same network is a different person, whatever the name: two Anna Schäfers on LinkedIn
    are two people. Otherwise (another network, or no profile to compare) the folded name
    decides, so the same name across networks stays one person.
    """
    first_keys, second_keys = person_keys(first), person_keys(second)
    first_profiles = {key for key in first_keys if not key.startswith("name:")}
    second_profiles = {key for key in second_keys if not key.startswith("name:")}
    if first_profiles & second_profiles:
        return True
    if first.network.lower() == second.network.lower() and first_profiles and second_profiles:
        return False
    first_names = {key for key in first_keys if key.startswith("name:")}
    return bool(first_names & set(second_keys))


def one_line(text: str) -> str:
    """No line breaks: a requester's name must not become a second allowlist entry."""
    return " ".join(_CONTROL.sub(" ", text).split())


# -- contacts files -------------------------------------------------------------------


@dataclass
class Contact:
    names: list[str]
    emails: list[str] = field(default_factory=list)
    profiles: list[str] = field(default_factory=list)  # profile keys and handles


def read_contacts(path: Path) -> list[Contact]:
    """Contacts from a vCard (.vcf) or CSV export (Google, Outlook, LinkedIn, Apple ...)."""
    text = _decode(path.read_bytes())
    if path.suffix.lower() in (".vcf", ".vcard") or text.lstrip().upper().startswith("BEGIN:VCARD"):
        return list(_vcards(text))
    return list(_csv_contacts(text))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _vcard_lines(text: str) -> Iterator[str]:
    text = re.sub(r"=\r?\n", "", text) if "QUOTED-PRINTABLE" in text.upper() else text
    current: str | None = None
    for line in text.splitlines():
        if line[:1] in (" ", "\t") and current is not None:
            current += line[1:]
            continue
        if current is not None:
            yield current
        current = line
    if current is not None:
        yield current


def _vcard_value(params: list[str], value: str) -> str:
    upper = [p.upper() for p in params]
    if "ENCODING=QUOTED-PRINTABLE" in upper or "QUOTED-PRINTABLE" in upper:
        charset = next((p.split("=", 1)[1] for p in upper if p.startswith("CHARSET=")), "UTF-8")
        raw = quopri.decodestring(value.encode("latin-1", errors="replace"))
        value = raw.decode(charset.lower(), errors="replace")
    return value


def _unescape(value: str) -> str:
    return re.sub(r"\\([\\,;nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _vcards(text: str) -> Iterator[Contact]:
    contact: Contact | None = None
    for line in _vcard_lines(text):
        head, sep, value = line.partition(":")
        if not sep:
            continue
        name, *params = head.split(";")
        name = name.rsplit(".", 1)[-1].upper()  # "item1.EMAIL" -> "EMAIL"
        value = _vcard_value(params, value).strip()
        if name == "BEGIN" and value.upper() == "VCARD":
            contact = Contact(names=[])
        elif name == "END" and contact is not None:
            if contact.names or contact.emails or contact.profiles:
                yield contact
            contact = None
        elif contact is None:
            continue
        elif name == "FN":
            contact.names.append(_unescape(value))
        elif name == "N":
            family, given, additional = ([*value.split(";"), "", "", ""])[:3]
            full = " ".join(_unescape(p) for p in (given, additional, family) if p)
            if full:
                contact.names.append(full)
        elif name == "EMAIL" and "@" in value:
            contact.emails.append(value.lower())
        elif name in ("URL", "X-SOCIALPROFILE", "IMPP"):
            contact.profiles.extend(_profile_values(_unescape(value), params))


def _profile_values(value: str, params: list[str]) -> list[str]:
    found = []
    if "://" in value:
        found.append(profile_key(value))
    for param in params:
        key, _, user = param.partition("=")
        if key.upper() == "X-USER" and user:
            found.append(handle_key(user))
    if not found and value:
        found.append(handle_key(value.split(":", 1)[-1]))
    return found


_FULL_NAME = {"name", "full name", "display name", "anzeigename", "vollständiger name"}
_FIRST = {"first name", "given name", "vorname"}
_MIDDLE = {"middle name", "additional name", "weitere vornamen", "zweiter vorname"}
_LAST = {"last name", "family name", "surname", "nachname"}


def _csv_contacts(text: str) -> Iterator[Contact]:
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(io.StringIO(text), dialect)
    header: list[str] | None = None
    for row in rows:
        cells = [cell.strip() for cell in row]
        if header is None:
            # LinkedIn's export starts with a few lines of notes before the header
            lowered = [cell.lower() for cell in cells]
            if any(cell in _FULL_NAME | _FIRST | _LAST for cell in lowered):
                header = lowered
            continue
        contact = _csv_row(header, cells)
        if contact is not None:
            yield contact


def _csv_row(header: list[str], cells: list[str]) -> Contact | None:
    full: list[str] = []
    parts: dict[str, str] = {}
    contact = Contact(names=[])
    for title, cell in zip(header, cells, strict=False):
        if not cell:
            continue
        if title in _FULL_NAME:
            full.append(cell)
        elif title in _FIRST | _MIDDLE | _LAST:
            role = "first" if title in _FIRST else "middle" if title in _MIDDLE else "last"
            parts[role] = cell
        elif "mail" in title and "name" not in title and "type" not in title:
            contact.emails.extend(a.strip().lower() for a in cell.split(":::") if "@" in a)
        elif any(word in title for word in ("url", "profile", "website", "web page")):
            contact.profiles.extend(profile_key(u) for u in cell.split(":::") if "://" in u)
    built = " ".join(parts[role] for role in ("first", "middle", "last") if role in parts)
    contact.names = [*full, built] if built else full
    if not (contact.names or contact.emails or contact.profiles):
        return None
    return contact


# -- the allowlist --------------------------------------------------------------------


def allowlist_keys(text: str) -> set[str]:
    """Keys of an allowlist: ``network:profile``, ``*:profile``, ``name:folded``."""
    keys: set[str] = set()
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _PREFIX.fullmatch(line)
        prefix, rest = (match.group(1), match.group(2).strip()) if match else ("", line)
        if prefix in ("http", "https"):
            keys.add(f"*:{profile_key(line)}")
        elif prefix == "name" or not prefix:
            keys.add(f"name:{fold_name(rest)}")
        elif "://" in rest:
            keys.add(f"{prefix}:{profile_key(rest)}")
        else:
            keys.add(f"{prefix}:{handle_key(rest)}")
    return keys


def allowlist_problems(text: str, networks: Collection[str]) -> list[tuple[int, str]]:
    """(line number, why) for each line ``allowlist_keys`` reads but no request can match.

    ``networks``: the network ids recognition knows; empty means not checked.
    """
    problems: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        why = _unusable_entry(line, networks)
        if why is not None:
            problems.append((number, why))
    return problems


def _unusable_entry(line: str, networks: Collection[str]) -> str | None:
    if " #" in line or "\t#" in line:
        return (
            "a comment must be a line of its own: with it, this entry matches nobody "
            "(write the # comment on the line above)"
        )
    bare = re.fullmatch(r"([a-z][a-z0-9_-]*):", line)
    if bare:
        return f'nothing after "{bare.group(1)}:": write a profile address, a handle or a name'
    match = _PREFIX.fullmatch(line)
    if match is None:
        return None  # a bare name
    prefix, rest = match.group(1), match.group(2).strip()
    if prefix in ("http", "https", "name"):
        return None
    if networks and prefix not in networks:
        known = ", ".join(sorted(networks))
        close = closest(prefix, networks)
        hint = f' (did you mean "{close}"?)' if close else ""
        return (
            f'unknown network "{prefix}"{hint}: write NETWORK:PROFILE with one of {known}, '
            "a profile address, or name:FULL NAME"
        )
    if "://" not in rest and "/" in rest:
        return f'"{rest}" looks like a profile address without https://: write https://{rest}'
    return None


# -- the index, rebuilt when a file changes -------------------------------------------


@dataclass
class _Index:
    names: dict[str, list[Contact]] = field(default_factory=dict)
    profiles: dict[str, list[Contact]] = field(default_factory=dict)
    allowed: set[str] = field(default_factory=set)


class KnownPeople:
    """Answers "does the user know this requester?" and "at which address?".

    ``remember=False`` reads the state store's cache but never writes it (dry runs).
    """

    def __init__(
        self,
        settings: Settings,
        store: StateStore,
        backend: MailboxBackend | None,
        *,
        remember: bool = True,
    ) -> None:
        self.settings = settings
        self.store = store
        self.backend = backend
        self.remember = remember
        self._signature: tuple[tuple[str, int, int], ...] | None = None
        self._index = _Index()
        # folded name -> (found, complete): what look_up found in the mailbox this pass
        self._answers: dict[str, tuple[bool, bool]] = {}

    @property
    def allowlist_path(self) -> Path:
        configured = self.settings.contacts.allowlist
        if configured is not None:
            return configured
        return self.settings.state.path.parent / DEFAULT_ALLOWLIST_NAME

    # -- questions --------------------------------------------------------------------

    def look_up(self, requesters: Iterable[Requester]) -> None:
        """Search the correspondence folders once for all of ``requesters``.

        A pass calls this with a chunk's requesters before its rules run, so ``is_known``
        answers them without a search per person. Names the contacts, the allowlist, the
        cache or an earlier call answer are not searched. The answers are kept for this
        object's life (one pass) and reach the cache only when ``is_known`` asks for them,
        as the rules decide whether to ask at all.
        """
        index = self._current()
        wanted: dict[str, str] = {}
        for requester in requesters:
            name = self._searchable(requester)
            if name is None or self._allowed(index, requester, None):
                continue
            folded = fold_name(name)
            if folded in wanted or folded in self._answers or self._contacts_of(index, requester):
                continue
            if self._cached(folded) is None:
                wanted[folded] = name
        if wanted:
            self._answers.update(self._search(wanted))

    def is_known(self, requester: Requester, network: str | None = None) -> bool:
        index = self._current()
        if self._allowed(index, requester, network) or self._contacts_of(index, requester):
            return True
        return self._in_correspondence(requester)

    def address_for(self, requester: Requester) -> str | None:
        """An address from the contacts, only when it is unambiguous: never the wrong person."""
        index = self._current()
        addresses: list[str] = []
        for contact in self._contacts_of(index, requester):
            addresses.extend(contact.emails)
        distinct = list(dict.fromkeys(addresses))
        if not distinct:
            return None
        by_profile = self._by_profile(index, requester)
        if by_profile:
            # a profile match is certain; a namesake's address never stands in for it
            return next((a for c in by_profile for a in c.emails), None)
        named = self._by_name(index, requester)
        if len(named) > 1 and len({tuple(c.emails) for c in named}) > 1:
            return None  # two different people share this name
        return distinct[0]

    def problems(self, networks: Collection[str] = ()) -> list[str]:
        """Contacts files that cannot be read and allowlist lines that match nobody, for
        `introgate check`; ``networks``: the ids an allowlist line may name."""
        problems = []
        for path in self.settings.contacts.files:
            try:
                read_contacts(path)
            except (OSError, csv.Error, ValueError) as exc:
                problems.append(f"{path}: contacts file cannot be read: {exc}")
        allowlist = self.allowlist_path
        if allowlist.exists() and not allowlist.is_file():
            problems.append(f"{allowlist}: allowlist is not a file")
        elif allowlist.is_file():
            try:
                text = allowlist.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(f"{allowlist}: allowlist cannot be read: {exc}")
            else:
                problems.extend(
                    f"{allowlist}:{line}: {why}" for line, why in allowlist_problems(text, networks)
                )
        return problems

    # -- changes ----------------------------------------------------------------------

    def allow(self, requester: Requester, network: str) -> None:
        """Add the requester to the allowlist (a profile when there is one, else the name)."""
        entry = _allow_entry(requester, network)
        path = self.allowlist_path
        path.parent.mkdir(parents=True, exist_ok=True)
        existing = path.read_text(encoding="utf-8") if path.is_file() else ""
        if _entry_key(entry) in allowlist_keys(existing):
            return
        added = datetime.now(UTC).date().isoformat()
        lines = [f"# {one_line(requester.name)}, added {added}", entry, ""]
        prefix = "" if not existing or existing.endswith("\n") else "\n"
        with path.open("a", encoding="utf-8") as handle:
            handle.write(prefix + "\n".join(lines))
        self._signature = None
        log.info("allowlisted %s (%s)", one_line(requester.name), entry)

    def disallow(self, requester: Requester, network: str) -> bool:
        """Take back what ``allow`` added (the entry and its comment); True when removed.

        The file is replaced in one rename, so a crash leaves the old or the new list.
        """
        key = _entry_key(_allow_entry(requester, network))
        path = self.allowlist_path
        if not path.is_file():
            return False
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        kept: list[str] = []
        for line in lines:
            stripped = line.strip()
            if stripped and not stripped.startswith("#") and _entry_key(stripped) == key:
                if kept and kept[-1].startswith(f"# {one_line(requester.name)}, added "):
                    kept.pop()
                continue
            kept.append(line)
        if len(kept) == len(lines):
            return False
        temporary = path.with_name(path.name + ".new")
        temporary.write_text("".join(kept), encoding="utf-8")
        temporary.replace(path)
        self._signature = None
        log.info("removed %s from the allowlist", one_line(requester.name))
        return True

    # -- lookups ----------------------------------------------------------------------

    def _allowed(self, index: _Index, requester: Requester, network: str | None) -> bool:
        allowed = index.allowed
        if not allowed:
            return False
        if f"name:{fold_name(requester.name)}" in allowed:
            return True
        for key in _requester_profiles(requester):
            if f"*:{key}" in allowed:
                return True
            if network is not None and f"{network.lower()}:{key}" in allowed:
                return True
            if network is None and any(k.endswith(f":{key}") for k in allowed):
                return True
        return False

    def _by_profile(self, index: _Index, requester: Requester) -> list[Contact]:
        found: list[Contact] = []
        for key in _requester_profiles(requester):
            found.extend(index.profiles.get(key, ()))
        return found

    def _by_name(self, index: _Index, requester: Requester) -> list[Contact]:
        """Namesakes in the contacts, except those whose profile on the requester's
        network is another one: a different profile there is a different person."""
        own = set(_requester_profiles(requester))
        hosts = {key.split("/", 1)[0] for key in own if "/" in key}
        return [
            contact
            for contact in index.names.get(fold_name(requester.name), ())
            if not any(key.split("/", 1)[0] in hosts and key not in own for key in contact.profiles)
        ]

    def _contacts_of(self, index: _Index, requester: Requester) -> list[Contact]:
        found = self._by_profile(index, requester) + self._by_name(index, requester)
        return list({id(c): c for c in found}.values())

    def _searchable(self, requester: Requester) -> str | None:
        """The name earlier mail is searched for; None when it is not searched."""
        name = one_line(requester.name)
        # one word ("Jane") would match strangers; ask only about full names
        if (
            self.backend is None
            or not self.settings.contacts.correspondence_folders
            or len(name.split()) < 2
        ):
            return None
        return name

    def _cached(self, folded: str) -> bool | None:
        """The state store's answer for a folded name, while it is trusted."""
        cached = self.store.people.get(f"mail:{folded}")
        if cached is None or datetime.now(UTC) - _aware(cached.checked_at) >= CORRESPONDENCE_TTL:
            return None
        return cached.known

    def _in_correspondence(self, requester: Requester) -> bool:
        name = self._searchable(requester)
        if name is None:
            return False
        folded = fold_name(name)
        cached = self._cached(folded)
        if cached is not None:
            return cached
        answer = self._answers.get(folded)
        if answer is None:
            answer = self._search({folded: name})[folded]
        found, complete = answer
        if self.remember and (found or complete):
            self.store.people.remember(f"mail:{folded}", found, "correspondence" if found else None)
        return found

    def _search(self, names: Mapping[str, str]) -> dict[str, tuple[bool, bool]]:
        """(found, complete) for each of ``names`` (folded -> as written): one request per
        correspondence folder for all of them; a folder that cannot be searched makes
        the answers incomplete (not cached) and the pass goes on."""
        assert self.backend is not None
        found: set[str] = set()
        complete = True
        for folder in self.settings.contacts.correspondence_folders:
            remaining = [name for folded, name in names.items() if folded not in found]
            if not remaining:
                break
            searches = [(header, name) for name in remaining for header in CORRESPONDENCE_HEADERS]
            try:
                headers = self.backend.headers_containing(folder, searches)
                named: set[str] = set()
                for raw in (headers or {}).values():
                    named |= names_in(raw)
            except Exception as exc:  # noqa: BLE001 - a folder that fails must not stop the pass
                complete = False
                self._report(f"cannot search {folder!r} for earlier mail: {exc}")
                continue
            if headers is None:
                complete = False
                self._report(
                    f"contacts.correspondence_folders: no folder {folder!r} in the mailbox: "
                    "mail there cannot make a requester known"
                )
            found.update(named.intersection(names))
        return {folded: (folded in found, complete) for folded in names}

    # -- files ------------------------------------------------------------------------

    def _current(self) -> _Index:
        paths = [*self.settings.contacts.files, self.allowlist_path]
        signature = stamps(paths)
        if signature != self._signature:
            self._index = self._build()
            self._signature = signature
        return self._index

    def _build(self) -> _Index:
        index = _Index()
        for path in self.settings.contacts.files:
            try:
                contacts = read_contacts(path)
            except (OSError, csv.Error, ValueError) as exc:
                self._report(f"{path}: contacts file cannot be read: {exc}")
                continue
            for contact in contacts:
                for name in {fold_name(n) for n in contact.names} - {""}:
                    index.names.setdefault(name, []).append(contact)
                for profile in set(contact.profiles) - {""}:
                    index.profiles.setdefault(profile, []).append(contact)
        allowlist = self.allowlist_path
        if allowlist.is_file():
            try:
                index.allowed = allowlist_keys(allowlist.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                self._report(f"{allowlist}: allowlist cannot be read: {exc}")
        return index

    def _report(self, problem: str) -> None:
        # a pass makes a new KnownPeople: remember what was said for the whole process
        if problem not in _REPORTED:
            _REPORTED.add(problem)
            log.warning("%s", problem)


def names_in(raw: bytes) -> set[str]:
    """The folded display names in a header block's To, Cc and From.

    A mailbox search is a substring search ("Anna Schäfer" is inside "Johanna
    Schäfer"): a requester counts as named only when one of these is their whole name.
    """
    parsed = BytesHeaderParser(policy=policy.compat32).parsebytes(raw)
    names: set[str] = set()
    for header in CORRESPONDENCE_HEADERS:
        values = [decode_words(v) for v in parsed.get_all(header) or []]
        names.update(fold_name(display) for display, _ in getaddresses(values))
    return names - {""}


def _requester_profiles(requester: Requester) -> Iterable[str]:
    if requester.profile_url:
        yield profile_key(requester.profile_url)
    if requester.handle:
        yield handle_key(requester.handle)


def _allow_entry(requester: Requester, network: str) -> str:
    """The allowlist line for a requester: a profile when there is one, else the name."""
    network = one_line(network).lower()
    if requester.profile_url and network:
        return f"{network}:{one_line(requester.profile_url)}"
    if requester.handle and network:
        return f"{network}:{one_line(requester.handle)}"
    return f"name:{one_line(requester.name)}"


def _entry_key(entry: str) -> str:
    return next(iter(allowlist_keys(entry)), "")


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
