"""The schema of a network file (``rules/networks/<name>.toml``) and its validation.

A user whose network changed its mails fixes recognition by editing one of these files,
so every mistake is reported as ``FILE:LINE:COL: network "NAME": field: message`` with a
did-you-mean for misspelt keys, and all problems of all files are reported at once.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from introgate.errors import FileProblem, FileProblems
from introgate.near_miss import closest, keys_at
from introgate.recognition.model import NotificationKind
from introgate.recognition.network_audits import NetworkAudits
from introgate.recognition.regex_cost import backtracking_risk
from introgate.toml_locate import locate, syntax_error_place

Source = Literal["subject", "from_name", "header", "body", "html"]
Register = Literal["formal", "informal"]
# named groups an extraction pattern may fill
FIELD_GROUPS = frozenset({"name", "handle", "profile_url", "mutual", "note"})
_PLACEHOLDERS = ("<<name>>", "<<handle>>")


class NetworkFileErrors(FileProblems):
    """One or more network files are broken; ``problems`` has each, located in its file."""


_LANGUAGE_KEY = re.compile(r"^(?:[a-z]{2}|any)$")
# False while a file whose text passed before is validated (see network_audits)
_AUDITING: ContextVar[bool] = ContextVar("auditing_patterns", default=True)


@contextmanager
def _patterns_audited_before() -> Iterator[None]:
    token = _AUDITING.set(False)
    try:
        yield
    finally:
        _AUDITING.reset(token)


def _check_languages(value: dict[str, Any], *, allow_any: bool = True) -> None:
    for key in value:
        if not _LANGUAGE_KEY.match(key) or (key == "any" and not allow_any):
            choices = "a two-letter language code" + (' or "any"' if allow_any else "")
            raise ValueError(f"{key!r} is not {choices}")


def _check_regex(value: str, *, groups: frozenset[str] | None = None) -> str:
    if not _AUDITING.get():
        return value
    pattern = value
    for placeholder in _PLACEHOLDERS:
        pattern = pattern.replace(placeholder, "x")
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression {value!r}: {exc}") from exc
    risk = backtracking_risk(pattern)
    if risk is not None:
        raise ValueError(f"{value!r} may take exponential time on a hostile mail: {risk}")
    if groups is not None:
        unknown = set(compiled.groupindex) - groups
        if unknown:
            raise ValueError(
                f"unknown named group(s) {sorted(unknown)} in {value!r}; allowed: {sorted(groups)}"
            )
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RequestType(_Strict):
    """One kind of request mail the network sends (single invitation, digest, ...), or,
    with ``kind = "message"``, its mail announcing a member's message."""

    kind: NotificationKind
    # several people in one mail (LinkedIn digest): one request per profile link
    digest: bool = False
    # decisive headers: when one of the network's decisive headers is present, its value
    # alone decides (regex search, case-insensitive); subjects and body are not consulted
    headers: dict[str, str] = Field(default_factory=dict)
    # without a decisive header: a subject or body phrase (regex, case-insensitive) decides;
    # the key is the language ("any" for language-neutral signals such as link parameters)
    subjects: dict[str, list[str]] = Field(default_factory=dict)
    body: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("headers")
    @classmethod
    def _headers_are_regexes(cls, value: dict[str, str]) -> dict[str, str]:
        for pattern in value.values():
            _check_regex(pattern)
        return value

    @field_validator("subjects", "body")
    @classmethod
    def _phrases_are_regexes(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        _check_languages(value)
        for phrases in value.values():
            for phrase in phrases:
                _check_regex(phrase, groups=FIELD_GROUPS)
        return value


class Extraction(_Strict):
    """A regex whose named groups (name, handle, profile_url, mutual, note) fill fields."""

    source: Source
    header: str | None = None  # the header's name when source = "header"
    pattern: str

    @field_validator("pattern")
    @classmethod
    def _pattern_is_regex(cls, value: str) -> str:
        return _check_regex(value, groups=FIELD_GROUPS)


class ProfileLink(_Strict):
    """Which links are a person's profile; the URL kept is the link minus query and fragment,
    except the query parameters listed in ``keep_query`` (an id that names the person)."""

    pattern: str
    keep_query: list[str] = Field(default_factory=list)
    # optional canonical form, filled from the pattern's named groups and the kept query
    # parameters, e.g. "https://www.facebook.com/profile.php?id={id}"
    canonical: str | None = None

    @field_validator("pattern")
    @classmethod
    def _pattern_is_regex(cls, value: str) -> str:
        _check_regex(value)
        return value


class OwnDomainHeader(_Strict):
    """For federated networks (Mastodon): the server's domain, read from a header."""

    header: str
    pattern: str

    @field_validator("pattern")
    @classmethod
    def _pattern_has_domain(cls, value: str) -> str:
        _check_regex(value, groups=frozenset({"domain"}))
        if "(?P<domain>" not in value:
            raise ValueError("needs a (?P<domain>...) group")
        return value


class NetworkFile(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    label: str
    # the network's own mail domains (subdomains included); a sender anywhere else is not
    # this network, and DKIM/DMARC must pass for one of them. Empty: federated network,
    # recognised by its decisive headers alone (see own_domain_header).
    domains: list[str] = Field(default_factory=list)
    own_domain_header: OwnDomainHeader | None = None
    # What marks the network's mail that is not a request (accepted invitations, job
    # alerts, people you may know, comments, newsletters). Any address at ``domains`` may
    # send a request, so these are decisive: a mail they match is never a request (it may
    # still be a message notification). ``not_headers``: a decisive header's value (regex
    # search); ``not_subjects`` and ``not_body``: phrases per language. Mail from the
    # network that neither these nor a request type describe is counted as not understood.
    not_headers: dict[str, str] = Field(default_factory=dict)
    not_subjects: dict[str, list[str]] = Field(default_factory=dict)
    not_body: dict[str, list[str]] = Field(default_factory=dict)
    requests: list[RequestType] = Field(min_length=1)
    # the network shows no display name, only the handle (Mastodon's acct): use it as name
    name_is_handle: bool = False
    extract: list[Extraction] = Field(default_factory=list)
    profile_links: list[ProfileLink] = Field(default_factory=list)
    # link texts that label a link and are not a person's name ("View profile", ...)
    link_labels: list[str] = Field(default_factory=list)
    mutual: list[str] = Field(default_factory=list)  # regexes with (?P<mutual>\d+)
    notes: list[str] = Field(default_factory=list)  # regexes with (?P<note>...), in order
    # the HTML repeats the note in a hidden preheader: when no pattern finds the note, a
    # preheader text that is also visible in the HTML is taken as the note
    note_in_preheader: bool = False
    # phrases that only tell the notification's language (labels, footers), per language
    language_phrases: dict[str, list[str]] = Field(default_factory=dict)
    # texts the network fills in when the requester wrote nothing: not a personal note
    default_notes: dict[str, list[str]] = Field(default_factory=dict)
    default_note_patterns: list[str] = Field(default_factory=list)  # full-match regexes
    # how a reply addresses the requester, per language: "informal" (German "du", first
    # name) or "formal" ("Sie"); a language not listed is answered formally
    # (``register`` in the file; the attribute name would shadow pydantic's ABC ``register``)
    reply_register: dict[str, Register] = Field(default_factory=dict, alias="register")

    @field_validator("domains")
    @classmethod
    def _domains_are_lowercase_names(cls, value: list[str]) -> list[str]:
        for domain in value:
            if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", domain):
                raise ValueError(f"{domain!r} is not a lowercase domain name like 'linkedin.com'")
        return value

    @field_validator("not_headers")
    @classmethod
    def _not_headers_are_regexes(cls, value: dict[str, str]) -> dict[str, str]:
        for pattern in value.values():
            _check_regex(pattern)
        return value

    @field_validator("not_subjects", "not_body", "language_phrases")
    @classmethod
    def _not_subjects_are_regexes(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        _check_languages(value)
        for phrases in value.values():
            for phrase in phrases:
                _check_regex(phrase)
        return value

    @field_validator("mutual")
    @classmethod
    def _mutual_has_group(cls, value: list[str]) -> list[str]:
        for pattern in value:
            _check_regex(pattern, groups=frozenset({"mutual"}))
            if "(?P<mutual>" not in pattern:
                raise ValueError(f"{pattern!r} needs a (?P<mutual>...) group")
        return value

    @field_validator("notes")
    @classmethod
    def _notes_have_group(cls, value: list[str]) -> list[str]:
        for pattern in value:
            _check_regex(pattern, groups=FIELD_GROUPS)
            if "(?P<note>" not in pattern:
                raise ValueError(f"{pattern!r} needs a (?P<note>...) group")
        return value

    @field_validator("reply_register")
    @classmethod
    def _register_by_language(cls, value: dict[str, Register]) -> dict[str, Register]:
        _check_languages(value, allow_any=False)
        return value

    @field_validator("default_notes")
    @classmethod
    def _defaults_by_language(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        _check_languages(value, allow_any=False)
        return value

    @field_validator("default_note_patterns")
    @classmethod
    def _defaults_are_regexes(cls, value: list[str]) -> list[str]:
        for pattern in value:
            _check_regex(pattern)
        return value


def read_network_file(
    path: Path, audits: NetworkAudits | None = None
) -> tuple[NetworkFile | None, list[FileProblem]]:
    """The validated file, or None and its problems, each located in the file.

    With ``audits``, a text that passed before is read without auditing its patterns
    again, and a text that passes now is remembered.
    """
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [FileProblem(path, 1, 1, f'network "{path.stem}"', f"cannot read: {exc}")]
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        line, column, message = syntax_error_place(source, exc)
        where = f'network "{path.stem}"'
        return None, [FileProblem(path, line, column, where, message)]
    name = data.get("name") if isinstance(data.get("name"), str) else path.stem
    try:
        if audits is not None and audits.passed(source):
            with _patterns_audited_before():
                return NetworkFile.model_validate(data), []
        validated = NetworkFile.model_validate(data)
        if audits is not None:
            audits.remember(source)
        return validated, []
    except ValidationError as exc:
        positions = locate(source)
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            at = positions.key(loc)
            field = _dotted(loc)
            if error["type"] == "extra_forbidden":
                message = f"unknown key {str(loc[-1])!r}"
                hint = closest(str(loc[-1]), keys_at(NetworkFile, loc[:-1]))
                if hint:
                    message += f" (did you mean {hint!r}?)"
            else:
                message = error["msg"]
                if "input" in error and error["type"] != "missing":
                    message += f" (got {_short(error['input'])})"
            problems.append(
                FileProblem(path, at.line, at.column, f'network "{name}": {field}', message)
            )
        return None, problems


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _dotted(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"
