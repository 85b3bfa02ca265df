"""An anonymised copy of a notification, for sharing when a network changes its mails.

Names, e-mail addresses, profile ids and tokens are replaced, each by one stand-in used
everywhere in the copy (subject, From, body text, HTML, links), so the copy is recognised
as the original was, with the stand-ins in place of the values. The MIME structure,
headers, charsets and transfer encodings stay as they were: the shape of the mail is
what the network changed, and what a network file is fixed by. Stand-ins are drawn at
random for each copy, so no stand-in can be traced back to its value.
"""

from __future__ import annotations

import base64
import quopri
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from email import message_from_bytes
from email.header import Header, decode_header
from email.message import Message
from email.policy import compat32
from html import escape

from introgate.recognition import Recogniser
from introgate.recognition.message_content import decode_bytes, decode_words
from introgate.recognition.model import Recognition
from introgate.recognition.network import domain_within
from introgate.recognition.sender import parse_sender

_ADDRESS = re.compile(r"[A-Za-z0-9._%+=-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# ids and tokens: a run of letters and digits with several digits in it, or a long number
_TOKEN = re.compile(
    r"(?<![A-Za-z0-9])(?=[A-Za-z0-9]*\d[A-Za-z0-9]*\d)[A-Za-z0-9]{8,}(?![A-Za-z0-9])|\d{6,}"
)
_WORD = re.compile(r"[^\W\d_]{2,}")
# headers that carry the structure, not content: left exactly as they are
_STRUCTURE = frozenset({"content-type", "content-transfer-encoding", "mime-version"})
_CONSONANTS = "bdfgklmnprstvz"
_VOWELS = "aeiou"


@dataclass
class Anonymiser:
    """One copy's replacements: every value seen gets one stand-in, kept for the copy.

    ``keep_domains``: the network's own domains, left in addresses (recognition reads the
    sender's domain); the local part's tokens are still replaced. ``vocabulary``: words
    of the network files' phrases, never taken for a name word (a requester called "Lots
    Of Friends" must not turn "friends" into a stand-in).
    """

    keep_domains: tuple[str, ...]
    vocabulary: frozenset[str]
    names: dict[str, str] = field(default_factory=dict)  # name word, casefolded -> stand-in
    replaced: dict[str, str] = field(default_factory=dict)  # every value -> its stand-in
    _name_pattern: re.Pattern[str] | None = None

    def learn_names(self, names: Iterable[str]) -> None:
        """Each word of each name gets a stand-in; an account (``bob@server``) is an
        address, replaced as one."""
        for name in names:
            if "@" in name:
                continue
            for word in _WORD.findall(name):
                folded = word.casefold()
                if folded not in self.vocabulary and folded not in self.names:
                    self.names[folded] = self._pseudo_word(word)
        self._name_pattern = (
            re.compile(
                r"(?<![^\W\d_])(?:"
                + "|".join(re.escape(w) for w in sorted(self.names, key=len, reverse=True))
                + r")(?![^\W\d_])",
                re.IGNORECASE,
            )
            if self.names
            else None
        )

    def scrub(self, text: str) -> str:
        """``text`` with every known name, every address and every token replaced.

        A name word is replaced in any case and wherever letters end (``Anna``,
        ``anna-schmidt-4b2a1``, ``Anna_Schmidt2``), its stand-in written in the same case.
        """
        text = _ADDRESS.sub(lambda m: self._address(m.group(0)), text)
        if self._name_pattern is not None:
            text = self._name_pattern.sub(self._name_stand_in, text)
            for word, stand_in in self.names.items():
                escaped = escape(word, quote=False)
                if escaped != word:  # a name with "&" or "<" in HTML source
                    text = text.replace(escaped, escape(stand_in, quote=False))
        return _TOKEN.sub(lambda m: self._token(m.group(0)), text)

    # -- stand-ins -------------------------------------------------------------------

    def _name_stand_in(self, match: re.Match[str]) -> str:
        word = match.group(0)
        stand_in = self.names.get(word.casefold(), word)
        if word.islower():
            return stand_in.lower()
        if word.isupper() and len(word) > 1:
            return stand_in.upper()
        return stand_in

    def _address(self, address: str) -> str:
        local, _, domain = address.rpartition("@")
        if domain_within(domain.lower().rstrip("."), self.keep_domains):
            return self._scrub_tokens(local) + "@" + domain
        known = self.replaced.get(address.lower())
        if known is None:
            count = sum(1 for v in self.replaced.values() if v.endswith("@example.com"))
            known = f"person{count + 1}@example.com"
            self.replaced[address.lower()] = known
        return known

    def _scrub_tokens(self, text: str) -> str:
        return _TOKEN.sub(lambda m: self._token(m.group(0)), text)

    def _token(self, token: str) -> str:
        known = self.replaced.get(token)
        if known is None:
            known = self._same_shape(token)
            self.replaced[token] = known
        return known

    def _same_shape(self, token: str) -> str:
        """Digits for digits, letters for letters (in the same case): a link or id that
        a pattern checks by its shape still has it."""
        seed = secrets.token_bytes(len(token))
        out: list[str] = []
        for char, byte in zip(token, seed, strict=True):
            if char.isdigit():
                out.append(str(byte % 10) if out or char != "0" else "0")
            elif char.isupper():
                out.append(chr(ord("A") + byte % 26))
            else:
                out.append(chr(ord("a") + byte % 26))
        # a leading zero stays a zero, and a number never starts with one it did not have
        if token[0].isdigit() and token[0] != "0" and out[0] == "0":
            out[0] = "1"
        return "".join(out)

    def _pseudo_word(self, word: str) -> str:
        while True:
            seed = secrets.token_bytes(4)
            syllables = [_CONSONANTS[b % len(_CONSONANTS)] + _VOWELS[b // 16 % 5] for b in seed]
            stand_in = "".join(syllables[: 2 + seed[0] % 2]).capitalize()
            if stand_in.casefold() not in self.vocabulary and stand_in not in self.names.values():
                break
        self.replaced[word] = stand_in
        return stand_in


def anonymise(raw: bytes, recognition: Recognition, anonymiser: Anonymiser) -> bytes:
    """The anonymised copy of ``raw``: same MIME tree, headers and encodings."""
    message = message_from_bytes(raw, policy=compat32)
    anonymiser.learn_names(_names_in(message, recognition))
    for part in message.walk():
        _scrub_headers(part, anonymiser)
        if not part.is_multipart():
            _scrub_payload(part, anonymiser)
    try:
        return message.as_bytes(policy=compat32)
    except (UnicodeError, LookupError):
        # a tree the parser could not build cleanly (no boundary, raw 8-bit where it
        # should not be) cannot be written again: the bytes are scrubbed as they are
        text = raw.decode("ascii", "surrogateescape")
        return anonymiser.scrub(text).encode("ascii", "surrogateescape")


def _names_in(message: Message, recognition: Recognition) -> list[str]:
    """The requesters', the recipients' and the senders' names (minus a network's own)."""
    names = [r.requester.name for r in [*recognition.requests, *recognition.messages]]
    for header in ("From", "To", "Cc", "Reply-To", "Delivered-To", "X-Original-To"):
        for value in message.get_all(header) or []:
            sender = parse_sender(str(value))
            shown = decode_words(sender.name)
            names.append(re.sub(r"\s+(?:via|über|per)\s+\S+$", "", shown))
            if header != "From":  # the recipient's user name shows up in List-IDs and links
                names.append(" ".join(re.split(r"[._+-]", sender.address.partition("@")[0])))
    return [name for name in names if name]


def phrase_vocabulary(specs: Iterable[object]) -> frozenset[str]:
    """Every word of the network files (phrases, labels, link texts): never a name word."""
    words: set[str] = set()
    for spec in specs:
        dump = getattr(spec, "model_dump_json", None)
        text = dump() if callable(dump) else str(spec)
        words.update(word.casefold() for word in _WORD.findall(str(text)))
    return frozenset(words)


def _scrub_headers(part: Message, anonymiser: Anonymiser) -> None:
    items = [(str(name), str(value)) for name, value in part.raw_items()]
    if not items:
        return
    for name in {n for n, _ in items}:
        del part[name]
    for name, text in items:  # in their order: only values change
        if name.lower() in _STRUCTURE:
            part[name] = text
        elif not text.isascii() and any("\udc80" <= ch <= "\udcff" for ch in text):
            # raw 8-bit (UTF-8) in the header: written back as raw UTF-8, as it came
            clean = anonymiser.scrub(decode_words(text))
            part[name] = clean.encode("utf-8").decode("ascii", "surrogateescape")
        elif "=?" in text:
            part[name] = _scrub_encoded_words(text, anonymiser)
        else:
            part[name] = anonymiser.scrub(text)


def _scrub_encoded_words(value: str, anonymiser: Anonymiser) -> str:
    """Each RFC 2047 word decoded, scrubbed and encoded again in its charset; the plain
    text between them (an address) scrubbed as it is."""
    try:
        chunks = decode_header(value)
    except Exception:  # noqa: BLE001 - a broken word: scrub the text as it stands
        return anonymiser.scrub(decode_words(value))
    out: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            out.append(anonymiser.scrub(chunk))
        elif charset is None:
            out.append(anonymiser.scrub(chunk.decode("ascii", "replace")))
        else:
            clean = anonymiser.scrub(decode_bytes(chunk, charset))
            out.append(Header(clean, _encodable(clean, charset)).encode())
    return " ".join(piece.strip() for piece in out if piece.strip())


def _encodable(text: str, charset: str) -> str:
    try:
        text.encode(charset)
    except (LookupError, UnicodeEncodeError):
        return "utf-8"
    return charset


def _scrub_payload(part: Message, anonymiser: Anonymiser) -> None:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes) or part.get_content_maintype() != "text":
        return
    charset = part.get_content_charset() or "utf-8"
    text = anonymiser.scrub(decode_bytes(payload, charset))
    data = _encoded(text, charset)
    encoding = str(part.get("Content-Transfer-Encoding") or "").strip().lower()
    if encoding == "base64":
        part.set_payload(base64.encodebytes(data).decode("ascii"))
    elif encoding == "quoted-printable":
        part.set_payload(quopri.encodestring(data).decode("ascii"))
    else:  # 7bit/8bit: the bytes as they are (the generator writes surrogates back as bytes)
        part.set_payload(data.decode("ascii", "surrogateescape"))


def _encoded(text: str, charset: str) -> bytes:
    """In the part's charset, as it was read (mail labelled Latin-1 is read as cp1252)."""
    for codec in (charset, "cp1252", "utf-8"):
        try:
            return text.encode(codec)
        except (LookupError, UnicodeEncodeError):
            continue
    return text.encode("utf-8", "replace")


def anonymised_copy(raw: bytes, recogniser: Recogniser) -> tuple[bytes, Anonymiser]:
    """The copy, and its replacements (the values stay in memory only: never logged)."""
    networks = recogniser.networks
    anonymiser = Anonymiser(
        keep_domains=tuple(domain for network in networks for domain in network.domains),
        vocabulary=phrase_vocabulary(network.spec for network in networks),
    )
    return anonymise(raw, recogniser.recognise(raw), anonymiser), anonymiser
