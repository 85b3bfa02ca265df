"""A network file compiled once: which mails belong to it and which of them are requests.

Everything network-specific is data from the file; this module only knows the order of
evidence: the sender's domain says whose mail it is (any address there: networks change
their senders), the network's own headers come first, then subject and body phrases,
and at each step the signals of mail that is no request are decisive over a request's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

from introgate.recognition.message_content import MessageContent
from introgate.recognition.model import MESSAGE, NotificationKind
from introgate.recognition.network_file import NetworkFile

_FLAGS = re.IGNORECASE | re.MULTILINE  # `^`/`$` at line ends, as the network files say
_SHOWN = 60  # characters of a value or phrase a signal description quotes

# what one of a network's mails is; "not_understood": none of the file's signals describe it
Outcome = Literal["request", "message", "not_request", "not_understood"]


def domain_within(domain: str, parents: tuple[str, ...]) -> bool:
    """``mail.linkedin.com`` is within ``linkedin.com``; ``linkedin.com.evil.net`` is not."""
    return any(domain == parent or domain.endswith("." + parent) for parent in parents)


@dataclass(frozen=True)
class CompiledRequestType:
    kind: NotificationKind
    digest: bool
    headers: tuple[tuple[str, re.Pattern[str]], ...]  # (lowercase header name, pattern)
    subjects: tuple[tuple[str, re.Pattern[str]], ...]  # (language, pattern)
    body: tuple[tuple[str, re.Pattern[str]], ...]


@dataclass(frozen=True)
class Classification:
    """What kind of request a mail is, and the language its phrases gave away (if any)."""

    request_type: CompiledRequestType
    language: str | None
    subject_match: re.Match[str] | None


@dataclass(frozen=True)
class Reading:
    """What a network's signals say about one of its mails, with the signals found and
    those looked for in vain: a user whose network changed its mails reads them in
    ``explain`` and knows what to add to the network file.

    ``outcome`` None: the headers alone cannot tell, the body has to be read (only the
    header-only reading stops there).
    """

    network: str
    outcome: Outcome | None
    classification: Classification | None = None
    matched: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    def then(
        self,
        outcome: Outcome | None,
        classification: Classification | None = None,
        matched: tuple[str, ...] = (),
        missing: tuple[str, ...] = (),
    ) -> Reading:
        return Reading(
            self.network,
            outcome,
            classification,
            self.matched + matched,
            self.missing + missing,
        )


@dataclass(frozen=True)
class CompiledProfileLink:
    pattern: re.Pattern[str]
    keep_query: tuple[str, ...]
    canonical: str | None


@dataclass
class CompiledNetwork:
    """A network file ready to read mail. Its patterns are compiled when first used: a
    pass with nothing new, or a command that needs only a network's name and label,
    does not compile the few hundred patterns of the shipped files."""

    name: str
    label: str
    source: Path
    domains: tuple[str, ...]
    decisive_headers: frozenset[str]  # lowercase header names whose value decides
    spec: NetworkFile
    link_labels: frozenset[str]
    default_notes: frozenset[str]
    _placeholder_cache: dict[tuple[str, str, str], re.Pattern[str]] = field(default_factory=dict)

    @classmethod
    def compile(cls, spec: NetworkFile, source: Path) -> CompiledNetwork:
        return cls(
            name=spec.name,
            label=spec.label,
            source=source,
            domains=tuple(spec.domains),
            decisive_headers=frozenset(
                [
                    *(h.lower() for t in spec.requests for h in t.headers),
                    *map(str.lower, spec.not_headers),
                ]
            ),
            spec=spec,
            link_labels=frozenset(label.casefold() for label in spec.link_labels),
            default_notes=frozenset(
                comparable_note(text) for texts in spec.default_notes.values() for text in texts
            ),
        )

    @cached_property
    def request_types(self) -> tuple[CompiledRequestType, ...]:
        return tuple(
            CompiledRequestType(
                kind=t.kind,
                digest=t.digest,
                headers=tuple((h.lower(), re.compile(p, _FLAGS)) for h, p in t.headers.items()),
                subjects=tuple(
                    (lang, re.compile(p, _FLAGS)) for lang, ps in t.subjects.items() for p in ps
                ),
                body=tuple(
                    (lang, re.compile(p, _FLAGS)) for lang, ps in t.body.items() for p in ps
                ),
            )
            for t in self.spec.requests
        )

    @cached_property
    def own_domain_header(self) -> tuple[str, re.Pattern[str]] | None:
        own = self.spec.own_domain_header
        return (own.header.lower(), re.compile(own.pattern, _FLAGS)) if own else None

    @cached_property
    def not_headers(self) -> tuple[tuple[str, re.Pattern[str]], ...]:
        """(lowercase header name, pattern)"""
        return tuple((h.lower(), re.compile(p, _FLAGS)) for h, p in self.spec.not_headers.items())

    @cached_property
    def not_subjects(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p, _FLAGS) for ps in self.spec.not_subjects.values() for p in ps)

    @cached_property
    def not_body(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p, _FLAGS) for ps in self.spec.not_body.values() for p in ps)

    @cached_property
    def profile_links(self) -> tuple[CompiledProfileLink, ...]:
        return tuple(
            CompiledProfileLink(re.compile(p.pattern, _FLAGS), tuple(p.keep_query), p.canonical)
            for p in self.spec.profile_links
        )

    @cached_property
    def mutual(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p, _FLAGS) for p in self.spec.mutual)

    @cached_property
    def language_phrases(self) -> tuple[tuple[str, re.Pattern[str]], ...]:
        return tuple(
            (lang, re.compile(p, _FLAGS))
            for lang, ps in self.spec.language_phrases.items()
            for p in ps
        )

    @cached_property
    def default_note_patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p, _FLAGS | re.DOTALL) for p in self.spec.default_note_patterns)

    # -- membership ---------------------------------------------------------------

    def owns_sender(self, domain: str) -> bool:
        return bool(self.domains) and domain_within(domain, self.domains)

    def own_domains(self, content: MessageContent) -> tuple[str, ...]:
        """Domains whose DKIM/DMARC pass proves the mail is the network's."""
        if self.own_domain_header is None:
            return self.domains
        header, pattern = self.own_domain_header
        for name, value in content.raw_headers:
            if name.lower() == header:
                match = pattern.search(" ".join(value.split()))
                if match:
                    return (*self.domains, match.group("domain").lower())
        return self.domains

    # -- classification -------------------------------------------------------------

    def read_headers(
        self, headers: list[tuple[str, str]], subject: str, sender_domain: str = ""
    ) -> Reading:
        """What the decisive headers and the subject alone say.

        ``headers``: (lowercase name, unfolded value) pairs. The header-only pre-filter
        and the full parse both start here, so the pre-filter says "not a request" only
        where the full parse will too. A decisive header whose value the file does not
        know (a renamed template) decides nothing: the content does, and if it cannot
        either, the mail is not understood. A federated network (no domains) knows its
        mail by its headers alone: outcome None there means "not this network's".
        """
        present = [(name, value) for name, value in headers if name in self.decisive_headers]
        if not present and not self.domains:
            return Reading(self.name, None)  # the common case: a mailing list's List-ID
        found = (f"sender at {sender_domain}, a {self.label} domain",) if sender_domain else ()
        reading = Reading(self.name, None, matched=found)
        unknown: list[str] = []
        for name, value in present:
            for request_type in self.request_types:
                for header, pattern in request_type.headers:
                    if header == name and pattern.search(value):
                        language, match = self._subject_language(request_type, subject)
                        return reading.then(
                            _outcome_of(request_type),
                            Classification(request_type, language, match),
                            (f"header {name}: {_quoted(value)} ({request_type.kind})",),
                        )
        for name, value in present:
            for header, pattern in self.not_headers:
                if header == name and pattern.search(value):
                    return reading.then(
                        "not_request", None, (f"header {name}: {_quoted(value)} (not a request)",)
                    )
            unknown.append(f"header {name}: {_quoted(value)} names no kind the file knows")
        if not self.domains:
            return reading
        reading = reading.then(None, missing=tuple(unknown))
        phrase = _first_search(self.not_subjects, subject)
        if phrase is None:
            return reading
        said = (f"subject {_quoted(subject)}: non-request phrase {_quoted(phrase)}",)
        for request_type in self.request_types:
            if request_type.kind == MESSAGE:
                language, match = self._subject_language(request_type, subject)
                if match is not None:
                    return reading.then(
                        "message",
                        Classification(request_type, language, match),
                        (f"subject: message phrase {_quoted(match.re.pattern)}",),
                    )
        if any(t.kind == MESSAGE and t.body for t in self.request_types):
            return reading.then(None, matched=said)  # a message phrase in the body may tell
        return reading.then("not_request", None, said)

    def classify(self, content: MessageContent) -> Reading:
        """What this mail of the network is: ``read_headers``, then the body."""
        headers = [(name.lower(), " ".join(value.split())) for name, value in content.raw_headers]
        domain = content.sender_domain if self.owns_sender(content.sender_domain) else ""
        reading = self.read_headers(headers, content.subject, domain)
        if reading.outcome is not None or not self.domains:
            return reading
        # a non-request subject rules out every request; a non-request body phrase only the
        # body's request phrases (a real invitation's footer may suggest other people)
        not_request = _first_search(self.not_subjects, content.subject)
        not_body = None
        if not_request is None:
            not_body = _first_search(self.not_body, content.text) or _first_search(
                self.not_body, content.html_text
            )
        for request_type in self.request_types:
            if not_request and request_type.kind != MESSAGE:
                continue
            language, match = self._subject_language(request_type, content.subject)
            if match is not None:
                return reading.then(
                    _outcome_of(request_type),
                    Classification(request_type, language, match),
                    (
                        f"subject {_quoted(content.subject)}: {request_type.kind} phrase "
                        f"{_quoted(match.re.pattern)}",
                    ),
                )
            if not_body and request_type.kind != MESSAGE:
                continue
            found = self._body_phrase(request_type, content)
            if found is not None:
                body_language, phrase = found
                return reading.then(
                    _outcome_of(request_type),
                    Classification(
                        request_type, None if body_language == "any" else body_language, None
                    ),
                    (f"body: {request_type.kind} phrase {_quoted(phrase)}",),
                )
        if not_request is not None:  # read_headers noted the phrase; no message phrase either
            return reading.then("not_request")
        if not_body is not None:
            return reading.then(
                "not_request", None, (f"body: non-request phrase {_quoted(not_body)}",)
            )
        return reading.then(
            "not_understood",
            None,
            missing=(
                f"subject {_quoted(content.subject)}: no request, message or non-request phrase",
                "body: no request, message or non-request phrase",
            ),
        )

    @staticmethod
    def _subject_language(
        request_type: CompiledRequestType, subject: str
    ) -> tuple[str | None, re.Match[str] | None]:
        for language, pattern in request_type.subjects:
            match = pattern.search(subject)
            if match:
                return (None if language == "any" else language), match
        return None, None

    @staticmethod
    def _body_phrase(
        request_type: CompiledRequestType, content: MessageContent
    ) -> tuple[str, str] | None:
        """(language, phrase) of the first body phrase of the type the mail holds."""
        hrefs = "\n".join(link.url for link in content.links)
        for language, pattern in request_type.body:
            if pattern.search(content.text) or pattern.search(content.html_text):
                return language, pattern.pattern
            if language == "any" and pattern.search(hrefs):
                return language, pattern.pattern
        return None

    def body_language(self, content: MessageContent) -> str | None:
        """The language of the network's worded body phrases or language phrases found."""
        for language, pattern in self.language_phrases:
            if pattern.search(content.text) or pattern.search(content.html_text):
                return language
        for request_type in self.request_types:
            for language, pattern in request_type.body:
                if language != "any" and (
                    pattern.search(content.text) or pattern.search(content.html_text)
                ):
                    return language
        for language, texts in self.spec.default_notes.items():
            for text in texts:
                if text.casefold() in content.text.casefold():
                    return language
        return None

    def worded_phrases(self) -> list[tuple[str, str]]:
        """(language, phrase) for every phrase the file files under a language."""
        spec = self.spec
        tables = [spec.language_phrases, spec.not_subjects, spec.not_body, spec.default_notes]
        for request in spec.requests:
            tables.extend((request.subjects, request.body))
        return [
            (language, phrase)
            for table in tables
            for language, phrases in table.items()
            if language != "any"
            for phrase in phrases
        ]

    # -- helpers for extraction ------------------------------------------------------

    def with_placeholders(
        self, pattern: str, name: str | None, handle: str | None
    ) -> re.Pattern[str] | None:
        """The pattern with ``<<name>>``/``<<handle>>`` filled in; None when one is unknown."""
        if "<<name>>" in pattern and not name:
            return None
        if "<<handle>>" in pattern and not handle:
            return None
        key = (pattern, name or "", handle or "")
        compiled = self._placeholder_cache.get(key)
        if compiled is None:
            text = pattern.replace("<<name>>", _flexible(name or "")).replace(
                "<<handle>>", re.escape(handle or "")
            )
            compiled = re.compile(text, _FLAGS | re.MULTILINE)
            if len(self._placeholder_cache) > 256:
                self._placeholder_cache.clear()
            self._placeholder_cache[key] = compiled
        return compiled

    def is_default_note(self, note: str) -> bool:
        if comparable_note(note) in self.default_notes:
            return True
        return any(p.fullmatch(note) for p in self.default_note_patterns)


def _flexible(name: str) -> str:
    """A name as a regex that tolerates any run of whitespace between its words."""
    return r"\s+".join(re.escape(word) for word in name.split())


def comparable_note(text: str) -> str:
    """Case, quotes, spacing and closing punctuation do not make a default text personal."""
    squashed = " ".join(text.split()).casefold()
    squashed = squashed.replace("’", "'").replace("‘", "'")
    return squashed.strip(" \"'„“”«»‚‘.!?…")


def _outcome_of(request_type: CompiledRequestType) -> Outcome:
    return "message" if request_type.kind == MESSAGE else "request"


def _first_search(patterns: tuple[re.Pattern[str], ...], text: str) -> str | None:
    """The first pattern found in ``text``, as written in the file."""
    for pattern in patterns:
        if pattern.search(text):
            return pattern.pattern
    return None


def _quoted(text: str) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= _SHOWN else flat[: _SHOWN - 1] + "…")
