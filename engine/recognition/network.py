"""A network file compiled once: which mails belong to it and which of them are requests.

Everything network-specific is data from the file; this module only knows the order of
evidence the formats page recommends: the network's own headers first, then the sender,
then subject and body phrases.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path

from introgate.recognition.message_content import MessageContent
from introgate.recognition.model import MESSAGE, NotificationKind
from introgate.recognition.network_file import NetworkFile

_FLAGS = re.IGNORECASE | re.MULTILINE  # `^`/`$` at line ends, as the network files say


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
class CompiledProfileLink:
    pattern: re.Pattern[str]
    keep_query: tuple[str, ...]
    canonical: str | None


@dataclass
class CompiledNetwork:
    name: str
    label: str
    source: Path
    domains: tuple[str, ...]
    own_domain_header: tuple[str, re.Pattern[str]] | None
    senders: tuple[re.Pattern[str], ...]
    not_subjects: tuple[re.Pattern[str], ...]
    request_types: tuple[CompiledRequestType, ...]
    decisive_headers: frozenset[str]
    spec: NetworkFile
    profile_links: tuple[CompiledProfileLink, ...]
    link_labels: frozenset[str]
    mutual: tuple[re.Pattern[str], ...]
    language_phrases: tuple[tuple[str, re.Pattern[str]], ...]
    default_notes: frozenset[str]
    default_note_patterns: tuple[re.Pattern[str], ...]
    _placeholder_cache: dict[tuple[str, str, str], re.Pattern[str]] = field(default_factory=dict)

    @classmethod
    def compile(cls, spec: NetworkFile, source: Path) -> CompiledNetwork:
        types = tuple(
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
            for t in spec.requests
        )
        own_header = (
            (
                spec.own_domain_header.header.lower(),
                re.compile(spec.own_domain_header.pattern, _FLAGS),
            )
            if spec.own_domain_header
            else None
        )
        return cls(
            name=spec.name,
            label=spec.label,
            source=source,
            domains=tuple(spec.domains),
            own_domain_header=own_header,
            senders=tuple(re.compile(fnmatch.translate(s.lower())) for s in spec.senders),
            not_subjects=tuple(
                re.compile(p, _FLAGS) for ps in spec.not_subjects.values() for p in ps
            ),
            request_types=types,
            decisive_headers=frozenset(h for t in types for h, _ in t.headers),
            spec=spec,
            profile_links=tuple(
                CompiledProfileLink(re.compile(p.pattern, _FLAGS), tuple(p.keep_query), p.canonical)
                for p in spec.profile_links
            ),
            link_labels=frozenset(label.casefold() for label in spec.link_labels),
            mutual=tuple(re.compile(p, _FLAGS) for p in spec.mutual),
            language_phrases=tuple(
                (lang, re.compile(p, _FLAGS))
                for lang, ps in spec.language_phrases.items()
                for p in ps
            ),
            default_notes=frozenset(
                comparable_note(text) for texts in spec.default_notes.values() for text in texts
            ),
            default_note_patterns=tuple(
                re.compile(p, _FLAGS | re.DOTALL) for p in spec.default_note_patterns
            ),
        )

    # -- membership ---------------------------------------------------------------

    def owns_sender(self, domain: str) -> bool:
        return bool(self.domains) and domain_within(domain, self.domains)

    def header_matches(self, headers: list[tuple[str, str]]) -> bool | None:
        """None: no decisive header present; else whether one names a request type."""
        present = False
        for name, value in headers:
            lowered = name.lower()
            if lowered not in self.decisive_headers:
                continue
            present = True
            for request_type in self.request_types:
                for header, pattern in request_type.headers:
                    if header == lowered and pattern.search(value):
                        return True
        return None if not present else False

    def is_network_mail(self, content: MessageContent) -> bool:
        if self.domains:
            return self.owns_sender(content.sender_domain)
        return any(name.lower() in self.decisive_headers for name, _ in content.raw_headers)

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

    def classify(self, content: MessageContent) -> Classification | None:
        """The request type this mail is, or None when it is not a request."""
        decided_by_header = False
        for name, value in content.raw_headers:
            lowered = name.lower()
            if lowered not in self.decisive_headers:
                continue
            decided_by_header = True
            unfolded = " ".join(value.split())
            for request_type in self.request_types:
                for header, pattern in request_type.headers:
                    if header == lowered and pattern.search(unfolded):
                        language, match = self._subject_language(request_type, content.subject)
                        return Classification(request_type, language, match)
        if decided_by_header:
            return None
        if self.senders and not any(p.fullmatch(content.from_address) for p in self.senders):
            return None
        # "not a request" subjects ("sent you a message") may still be a message notification
        not_request = any(p.search(content.subject) for p in self.not_subjects)
        for request_type in self.request_types:
            if not_request and request_type.kind != MESSAGE:
                continue
            language, match = self._subject_language(request_type, content.subject)
            if match is not None:
                return Classification(request_type, language, match)
            body_language = self._body_language(request_type, content)
            if body_language is not None:
                return Classification(
                    request_type, None if body_language == "any" else body_language, None
                )
        return None

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
    def _body_language(request_type: CompiledRequestType, content: MessageContent) -> str | None:
        hrefs = "\n".join(link.url for link in content.links)
        for language, pattern in request_type.body:
            if pattern.search(content.text) or pattern.search(content.html_text):
                return language
            if language == "any" and pattern.search(hrefs):
                return language
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
        tables = [spec.language_phrases, spec.not_subjects, spec.default_notes]
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
