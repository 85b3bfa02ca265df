"""The recogniser: network files loaded once, then a pure function of message bytes.

``is_candidate`` runs on every message of a mailbox and must reject ordinary mail in
microseconds, so it reads the raw header list once and only looks at the sender's
domain and the few headers networks set; everything else waits for ``recognise``.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import parsedate_to_datetime

from introgate.config import Settings
from introgate.header_block import HeaderFields
from introgate.mail import header_block
from introgate.recognition.authenticity import authenticate
from introgate.recognition.extraction import extract_people
from introgate.recognition.language import guess_language
from introgate.recognition.message_content import (
    MAX_HEADER_CHARS,
    Defect,
    MalformedMessage,
    MessageContent,
    decode_words,
    read_message,
)
from introgate.recognition.model import MESSAGE, Recognition, Requester, RequestNotification
from introgate.recognition.names import placeholder_reason
from introgate.recognition.network import CompiledNetwork, Reading
from introgate.recognition.registry import NetworkRegistry
from introgate.recognition.sender import sender_domain

log = logging.getLogger("introgate.recognition")

# Every pattern is linear in the text and the text is bounded, so a message takes a few
# milliseconds; one that takes longer than this is hostile or hits a bug, and is recorded
# with a defect rather than drafted. Checked between stages (a stage is not interrupted).
TIME_BUDGET_SECONDS = 0.5
_MAX_DEFECT_CHARS = 500


class Recogniser:
    def __init__(
        self,
        networks: list[CompiledNetwork],
        *,
        trusted_authserv_ids: list[str],
        max_message_bytes: int = 5_000_000,
        time_budget_seconds: float = TIME_BUDGET_SECONDS,
    ) -> None:
        self.networks = networks
        self.time_budget_seconds = time_budget_seconds
        self.trusted_ids = frozenset(i.strip().lower() for i in trusted_authserv_ids)
        self.max_message_bytes = max_message_bytes
        self._by_domain: dict[str, CompiledNetwork] = {}
        for network in networks:
            for domain in network.domains:
                self._by_domain.setdefault(domain, network)
        self._federated = [n for n in networks if not n.domains]
        self._signal_headers = frozenset(h for n in networks for h in n.decisive_headers)
        self._language_of_word = NetworkRegistry(tuple(networks)).language_of_words()

    @classmethod
    def load(cls, settings: Settings) -> Recogniser:
        """Shipped network files, then the configured ones; a user file replaces a shipped
        network of the same name. Raises ``NetworkFileErrors`` listing every problem."""
        return cls.from_registry(NetworkRegistry.load(settings), settings)

    @classmethod
    def from_registry(cls, registry: NetworkRegistry, settings: Settings) -> Recogniser:
        return cls(
            list(registry.networks),
            trusted_authserv_ids=list(settings.trust.authserv_ids),
            max_message_bytes=settings.recognition.max_message_bytes,
        )

    @property
    def registry(self) -> NetworkRegistry:
        """The networks this recogniser knows: their ids and labels, for rules and drafts."""
        return NetworkRegistry(tuple(self.networks))

    # -- fast path ----------------------------------------------------------------

    def _network_for_domain(self, domain: str) -> CompiledNetwork | None:
        while domain:
            network = self._by_domain.get(domain)
            if network is not None:
                return network
            _, _, domain = domain.partition(".")
        return None

    def is_candidate(self, headers: HeaderFields) -> bool:
        """Whether the headers may belong to a request or message notification, or to a
        network's mail that only its body can tell apart; ordinary mail and the network's
        mail its headers show is no request are rejected quickly."""
        try:
            reading = self.read_headers(headers)
        except Exception:  # noqa: BLE001 - odd headers: let recognise() look and record why
            return True
        return reading is not None and reading.outcome != "not_request"

    def read_headers(self, headers: HeaderFields) -> Reading | None:
        """What the header block alone says; None when it is no network's mail.

        The same steps as the start of ``recognise``: the sender's domain as
        ``parse_sender`` reads it, the network by its domain (or a federated network by
        its headers), then the network's ``read_headers``. Only headers networks set are
        unfolded, and the subject is decoded only for mail from a network's domain.
        """
        from_value = ""
        signals: list[tuple[str, str]] = []
        subject = ""
        wanted = self._signal_headers
        for name, value in headers.raw_items():
            lowered = name.lower()
            if lowered == "from":
                if not from_value:
                    from_value = str(value)
            elif lowered == "subject":
                if not subject:
                    subject = str(value)
            elif lowered in wanted:
                signals.append((lowered, " ".join(str(value).split())))
        domain = sender_domain(from_value)
        network = self._network_for_domain(domain)
        if network is not None:
            return network.read_headers(signals, decode_words(subject[:MAX_HEADER_CHARS]), domain)
        if signals:
            for federated in self._federated:
                reading = federated.read_headers(signals, "")
                if reading.outcome is not None:
                    return reading
        return None

    # -- full recognition --------------------------------------------------------------

    def recognise(self, raw: bytes) -> Recognition:
        """Never raises: a message that cannot be read comes back with ``defect`` set."""
        if len(raw) > self.max_message_bytes:
            return Recognition(
                message_id=_message_id_only(raw),
                defect=f"too large: {len(raw)} bytes > {self.max_message_bytes}",
            )
        started = time.perf_counter()
        try:
            content = read_message(raw)
        except MalformedMessage as exc:
            return Recognition(message_id=_message_id_only(raw), defect=str(exc))
        try:
            result = self._recognise_content(content, started)
        except Exception as exc:
            log.exception("recognition failed for %s", content.message_id)
            return Recognition(
                message_id=content.message_id, defect=f"unreadable: {type(exc).__name__}: {exc}"
            )
        overrun = self._overrun(started)
        if overrun is not None:
            content.defects.append(overrun)
        return _with_defects(result, content.defects)

    def _overrun(self, started: float) -> Defect | None:
        elapsed = time.perf_counter() - started
        if elapsed <= self.time_budget_seconds:
            return None
        return Defect(
            f"recognition over its time budget: {elapsed * 1000:.0f} ms > "
            f"{self.time_budget_seconds * 1000:.0f} ms",
            damaging=True,
        )

    def _reading_of(self, content: MessageContent) -> Reading | None:
        network = self._network_for_domain(content.sender_domain)
        if network is not None:
            return network.classify(content)
        for federated in self._federated:
            reading = federated.classify(content)
            if reading.outcome is not None:
                return reading
        return None

    def network(self, name: str) -> CompiledNetwork:
        return next(n for n in self.networks if n.name == name)

    def _recognise_content(self, content: MessageContent, started: float) -> Recognition:
        result = Recognition(message_id=content.message_id)
        reading = self._reading_of(content)
        result.reading = reading
        if reading is None:
            return result
        network = self.network(reading.network)
        classification = reading.classification
        if classification is None:
            log.debug("%s: %s mail, %s", content.message_id, network.name, reading.outcome)
            return result
        overrun = self._overrun(started)
        if overrun is not None:  # extraction is the costly stage: not begun when already late
            content.defects.append(overrun)
            return result
        language = (
            classification.language
            or network.body_language(content)
            or guess_language(self._language_of_word, content.subject, content.text)
        )
        authenticated = authenticate(
            content.raw_headers, self.trusted_ids, network.own_domains(content)
        )
        date = _date_of(content)
        is_message = classification.request_type.kind == MESSAGE
        missing: list[str] = []
        for person in extract_people(network, classification, content):
            # a handle in the name's place (Mastodon's user@server) is a handle, not an address
            by_handle = bool(person.name) and person.name == person.handle
            unnamed = None if by_handle else placeholder_reason(person.name, person.placeholder)
            if unnamed is not None and not (person.profile_url or person.handle):
                # nobody to answer or match a message to: the layout is not understood
                missing.append(f"{unnamed}, and no handle or profile link")
                continue
            if unnamed is not None:
                log.debug("%s: %s request: %s", content.message_id, network.name, unnamed)
            found = result.messages if is_message else result.requests
            found.append(
                RequestNotification(
                    network=network.name,
                    network_label=network.label,
                    kind=classification.request_type.kind,
                    requester=Requester(
                        name="" if unnamed else (person.name or ""),
                        profile_url=person.profile_url,
                        handle=person.handle,
                    ),
                    note=person.note,
                    language=language,
                    mutual_connections=person.mutual,
                    authenticated=authenticated,
                    reply_link=person.profile_url,
                    date=date,
                    unnamed=unnamed,
                )
            )
        if missing and not result.requests and not result.messages:
            result.reading = reading.then("not_understood", None, missing=tuple(missing))
        log.debug(
            "%s: %s %s from %s (authenticated=%s)",
            content.message_id,
            network.name,
            classification.request_type.kind,
            ", ".join(r.requester.name or "(no name)" for r in result.requests) or "nobody",
            authenticated,
        )
        return result


def _with_defects(result: Recognition, defects: list[Defect]) -> Recognition:
    """``result`` with the message's defects recorded, and its requests marked damaged when
    a defect touched the text they were read from."""
    if not defects:
        return result
    texts = list(dict.fromkeys(d.text for d in defects))
    result.defect = "; ".join(texts)[:_MAX_DEFECT_CHARS]
    damage = next((d.text for d in defects if d.damaging), None)
    if damage is not None:
        for request in [*result.requests, *result.messages]:
            request.damage = damage
    return result


def _date_of(content: MessageContent) -> datetime | None:
    value = content.header("Date")
    if not value:
        return None
    try:
        date = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):  # absurd year, hour or zone
        return None
    return date if date.tzinfo is not None else date.replace(tzinfo=UTC)


def _message_id_only(raw: bytes) -> str | None:
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(header_block(raw[:65536]))
        value = headers.get("Message-ID")
    except Exception:  # noqa: BLE001
        return None
    return " ".join(str(value).split()) or None if value else None
