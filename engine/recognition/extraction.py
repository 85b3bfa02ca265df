"""Who is asking: requester fields read from a request mail using its network's patterns.

Structured sources win over prose: network headers and the sender's display name come
first (in the order the network file lists them), then subject and body sentences, then
the profile link's own text. A digest yields one person per distinct profile link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from introgate.recognition.html_text import Link
from introgate.recognition.message_content import MessageContent
from introgate.recognition.names import not_a_name
from introgate.recognition.network import Classification, CompiledNetwork, CompiledProfileLink

_MAX_NAME = 100


@dataclass
class Person:
    name: str | None = None
    handle: str | None = None
    profile_url: str | None = None
    mutual: int | None = None
    note: str | None = None
    # the first text found in the name's place that is not a name ("???", an address):
    # a later source may still give the name, else the requester is recorded without one
    placeholder: str | None = None

    def fill(self, groups: dict[str, str | None]) -> None:
        for key, value in groups.items():
            if value is None or getattr(self, key, "missing") is not None:
                continue
            clean = " ".join(value.split())
            if key == "name" and not_a_name(clean) is not None:
                if self.placeholder is None:
                    self.placeholder = clean
                continue
            if not clean:
                continue
            if key == "mutual":
                digits = re.sub(r"\D", "", clean)
                if digits:
                    self.mutual = int(digits)
            elif key in ("name", "handle", "profile_url", "note"):
                setattr(self, key, clean)


@dataclass(frozen=True)
class ProfileHit:
    url: str
    handle: str | None
    text: str
    position: int


def canonical_url(url: str, keep_query: tuple[str, ...]) -> str:
    """The link without tracking: query and fragment dropped except parameters named."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k in keep_query]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, urlencode(kept), ""))


def _profile_hits(network: CompiledNetwork, links: list[Link]) -> list[ProfileHit]:
    hits: list[ProfileHit] = []
    for position, link in enumerate(links):
        hit = _match_profile(network.profile_links, link)
        if hit is not None:
            hits.append(ProfileHit(hit[0], hit[1], link.text, position))
    return hits


def _match_profile(
    patterns: tuple[CompiledProfileLink, ...], link: Link
) -> tuple[str, str | None] | None:
    for profile in patterns:
        match = profile.pattern.search(link.url)
        if match:
            handle = match.groupdict().get("handle")
            url = canonical_url(link.url, profile.keep_query)
            if profile.canonical:
                url = _fill_canonical(profile.canonical, link.url, match) or url
            return url, handle
    return None


def _fill_canonical(template: str, url: str, match: re.Match[str]) -> str | None:
    try:
        query = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    except ValueError:
        query = {}
    values = {**query, **{k: v for k, v in match.groupdict().items() if v}}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return None


def _name_like(network: CompiledNetwork, text: str) -> bool:
    text = text.strip()
    if not text or len(text) > _MAX_NAME or not_a_name(text) is not None:
        return False
    if "http" in text.lower() or "@" in text or ":" in text:
        return False
    if text.casefold() in network.link_labels:
        return False
    return text.casefold() not in {network.label.casefold(), network.name.casefold()}


def _same_handle(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    left, right = a.lstrip("@").casefold(), b.lstrip("@").casefold()
    return left == right or left.split("@")[0] == right.split("@")[0]


def _name_above(text: str, url: str) -> str | None:
    """In plain text, a profile link's person is the first line of the block holding it."""
    index = text.find(url)
    if index < 0:
        return None
    lines = text[:index].split("\n")
    # the link's own line and the lines above it, up to the blank line before the block
    block: list[str] = []
    current = lines[-1]
    for line in reversed(lines[:-1]):
        if not line.strip():
            if block:
                break
            continue
        block.append(line.strip())
    if not block:
        return None
    first = block[-1]
    return first if first != current.strip() else None


def _source_text(content: MessageContent, source: str, header: str | None) -> str:
    if source == "subject":
        return content.subject
    if source == "from_name":
        return content.from_name
    if source == "header":
        return content.header(header or "") or ""
    if source == "html":
        return content.html_text
    return content.text


def _find_mutual(network: CompiledNetwork, *texts: str) -> int | None:
    for text in texts:
        for pattern in network.mutual:
            match = pattern.search(text)
            if match:
                digits = re.sub(r"\D", "", match.group("mutual"))
                if digits:
                    return int(digits)
    return None


def _find_note(network: CompiledNetwork, person: Person, content: MessageContent) -> str | None:
    note = _note_by_patterns(network, person, content)
    if note == _NO_NOTE:
        return None
    if note is None and network.spec.note_in_preheader:
        note = _note_from_preheader(network, person, content)
    if note is None or network.is_default_note(note):
        return None
    return note


_NO_NOTE = "\x00no note"  # a pattern matched and found an empty or default note


def _note_from_preheader(
    network: CompiledNetwork, person: Person, content: MessageContent
) -> str | None:
    """The preheader repeats the note: a hidden text that is also visible is the note.

    A preheader cut short with an ellipsis is followed in the visible text up to the
    requester's name line (or the end of that paragraph).
    """
    visible = content.html_text
    flat = " ".join(visible.split())
    for hidden in content.hidden_texts:
        probe = hidden.rstrip(".… ").strip() if hidden.endswith(("…", "...")) else hidden
        if len(probe) < 3 or (person.name and probe.casefold() == person.name.casefold()):
            continue
        if probe == hidden and hidden in flat:
            return hidden
        start = flat.find(probe)
        if start < 0:
            continue
        rest = flat[start:]
        end = len(rest)
        if person.name:
            at_name = rest.find(" " + person.name, len(probe))
            if at_name > 0:
                end = at_name
        return rest[:end].strip() or None
    return None


def _note_by_patterns(
    network: CompiledNetwork, person: Person, content: MessageContent
) -> str | None:
    texts = [content.text]
    if content.html_text and content.html_text != content.text:
        texts.append(content.html_text)
    for text in texts:
        for raw_pattern in network.spec.notes:
            pattern = network.with_placeholders(raw_pattern, person.name, person.handle)
            if pattern is None:
                continue
            match = pattern.search(text)
            if match is None:
                continue
            note = " ".join((match.group("note") or "").split())
            if not note or network.is_default_note(note):
                return _NO_NOTE
            return note
    return None


def extract_people(
    network: CompiledNetwork, classification: Classification, content: MessageContent
) -> list[Person]:
    """One Person per requester; a digest gives several, anything else at most one."""
    if classification.request_type.digest:
        people = _digest_people(network, content)
        if people:
            return people
    return [_single_person(network, classification, content)]


def _single_person(
    network: CompiledNetwork, classification: Classification, content: MessageContent
) -> Person:
    person = Person()
    for extraction in network.spec.extract:
        pattern = network.with_placeholders(extraction.pattern, person.name, person.handle)
        if pattern is None:
            continue
        text = _source_text(content, extraction.source, extraction.header)
        match = pattern.search(text) if text else None
        if match:
            person.fill(match.groupdict())
    if classification.subject_match is not None:
        person.fill(classification.subject_match.groupdict())
    if network.spec.name_is_handle and person.handle:
        person.name = person.handle
    hits = _profile_hits(network, content.html_links) or _profile_hits(network, content.text_links)
    chosen = _choose_hit(person, hits)
    if chosen is not None:
        if person.profile_url is None:
            person.profile_url = chosen.url
        if person.handle is None and chosen.handle:
            person.handle = chosen.handle
        if person.name is None:
            person.name = _name_for(network, content, hits, chosen.url)
    if person.name is None and person.handle and person.placeholder is None:
        person.name = person.handle
    if person.mutual is None:
        person.mutual = _find_mutual(network, content.text, content.html_text)
    if person.note is not None and network.is_default_note(person.note):
        person.note = None
    if person.note is None:
        person.note = _find_note(network, person, content)
    return person


def _name_for(
    network: CompiledNetwork, content: MessageContent, hits: list[ProfileHit], url: str
) -> str | None:
    """A profile's person: the first link to it whose text is a name, else (plain text)
    the first line of the block holding the link."""
    for hit in hits:
        if hit.url == url and _name_like(network, hit.text):
            return " ".join(hit.text.split())
    for hit in _profile_hits(network, content.text_links):
        if hit.url == url:
            return _name_above(content.text, content.text_links[hit.position].url)
    return None


def _choose_hit(person: Person, hits: list[ProfileHit]) -> ProfileHit | None:
    if not hits:
        return None
    if person.handle:
        for hit in hits:
            if _same_handle(hit.handle, person.handle):
                return hit
    if person.name:
        wanted = person.name.casefold()
        for hit in hits:
            if " ".join(hit.text.split()).casefold() == wanted:
                return hit
    return hits[0]


def _digest_people(network: CompiledNetwork, content: MessageContent) -> list[Person]:
    from_html = bool(_profile_hits(network, content.html_links))
    links = content.html_links if from_html else content.text_links
    text = content.html_text if from_html else content.text
    people: dict[str, Person] = {}
    for hit in _profile_hits(network, links):
        person = people.setdefault(hit.url, Person(profile_url=hit.url, handle=hit.handle))
        if person.name is None and _name_like(network, hit.text):
            person.name = " ".join(hit.text.split())
    for url, person in people.items():
        if person.name is None and not from_html:
            raw = next(
                (
                    link.url
                    for link in links
                    if canonical_url(link.url, ()) == url or link.url.startswith(url)
                ),
                url,
            )
            person.name = _name_above(text, raw)
    named = [p for p in people.values() if p.name]
    # mutual counts: each person's stretch of text runs from their name to the next name
    positions: list[int] = []
    start = 0
    for person in named:
        found = text.find(person.name or "", start)
        positions.append(found if found >= 0 else start)
        start = max(start, found + 1 if found >= 0 else start)
    for index, person in enumerate(named):
        end = positions[index + 1] if index + 1 < len(positions) else len(text)
        person.mutual = _find_mutual(network, text[positions[index] : end])
    return named
