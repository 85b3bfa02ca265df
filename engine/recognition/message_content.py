"""One message's readable content: decoded headers, sender, body text and links.

Built for hostile input: any charset (unknown ones fall back to UTF-8 with replacement),
quoted-printable and base64, RFC 2047 words, folded headers and CRLF. Nothing here
raises on bad mail; the caller only has to catch the ``MalformedMessage`` this module
raises when the bytes are not a message at all.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass, field
from email import message_from_bytes
from email.header import decode_header
from email.message import Message
from email.policy import compat32

from introgate.recognition.html_text import Link, normalise_lines, visible_html
from introgate.recognition.sender import parse_sender

log = logging.getLogger("introgate.recognition")

_URL = re.compile(r"https?://[^\s<>\"'()\[\]]+", re.IGNORECASE)
_URL_END = re.compile(r"[^\s<>\"']*+")  # where a labelled URL ends
_MAX_PARTS = 50
# a notification has a handful of MIME parts; the parser's cost grows with every boundary,
# so a body with more boundary lines than this is cut there (and marked damaged) before parsing
_MAX_BOUNDARY_LINES = 200
_MAX_TEXT_CHARS = 400_000  # decoded text per part
_MAX_LINKS = 300  # links read per message (a notification has a few dozen)
# visible text that extraction patterns read: notifications say everything in the first few
# thousand characters, and a bound keeps every pattern's work small on hostile mail
MAX_READ_CHARS = 30_000
MAX_HEADER_CHARS = 2_000


class MalformedMessage(Exception):
    """The bytes could not be read as a message at all."""


@dataclass(frozen=True)
class Defect:
    """Something wrong with how the message is built, found while reading it.

    ``damaging`` when the text recognition reads (headers, the text parts) may be cut short
    or wrong: a request read from such a message is recorded but never drafted.
    """

    text: str
    damaging: bool


@dataclass
class MessageContent:
    headers: Message
    raw_headers: list[tuple[str, str]]
    subject: str
    from_name: str
    from_address: str
    text: str  # text/plain when present (networks hide the note from HTML), else the HTML's text
    html_text: str
    html_links: list[Link] = field(default_factory=list)
    text_links: list[Link] = field(default_factory=list)  # URLs in text/plain, labelled
    hidden_texts: list[str] = field(default_factory=list)  # hidden HTML (preheaders)
    message_id: str | None = None
    defects: list[Defect] = field(default_factory=list)

    @property
    def links(self) -> list[Link]:
        return self.html_links + self.text_links

    @property
    def sender_domain(self) -> str:
        return self.from_address.rpartition("@")[2] if "@" in self.from_address else ""

    def header(self, name: str) -> str | None:
        """The first header of that name, RFC 2047 decoded and unfolded."""
        wanted = name.lower()
        for key, value in self.raw_headers:
            if key.lower() == wanted:
                return decode_words(value[:MAX_HEADER_CHARS])
        return None

    def header_values(self, name: str) -> list[str]:
        wanted = name.lower()
        return [decode_words(v) for k, v in self.raw_headers if k.lower() == wanted]


def _charset_of(name: str | None) -> str:
    codec = _known_charset(name)
    return codec if codec is not None else "utf-8"


def _known_charset(name: str | None) -> str | None:
    """The codec for a charset label; None for a label Python does not know."""
    if not name:
        return "utf-8"
    try:
        codec = codecs.lookup(name.strip().strip('"').lower()).name
    except (LookupError, ValueError):
        return None
    # mail labelled Latin-1 is in practice Windows-1252 (as browsers assume); mail labelled
    # ASCII with 8-bit bytes is usually UTF-8 (decode_bytes falls back further)
    return {"iso8859-1": "cp1252", "ascii": "utf-8"}.get(codec, codec)


def decode_bytes(data: bytes, charset: str | None) -> str:
    return decode_checked(data, charset)[0]


def decode_checked(data: bytes, charset: str | None) -> tuple[str, bool]:
    """The text, and whether it is exact: False when bytes had to be replaced."""
    codec = _charset_of(charset)
    try:
        return data.decode(codec), True
    except (UnicodeDecodeError, LookupError):
        pass
    try:
        return data.decode("utf-8"), True
    except UnicodeDecodeError:
        fallback = "cp1252" if codec != "cp1252" else "latin-1"
        try:
            return data.decode(fallback), True
        except UnicodeDecodeError:
            return data.decode(fallback, errors="replace"), False


def decode_words(value: object) -> str:
    """RFC 2047 decoding that survives unknown charsets, raw 8-bit bytes and broken words."""
    text = str(value)
    if not text.isascii() and any("\udc80" <= ch <= "\udcff" for ch in text):
        # raw 8-bit header bytes (usually UTF-8) that the parser kept as surrogates
        text = decode_bytes(text.encode("ascii", "surrogateescape"), "utf-8")
    if "=?" not in text:
        return " ".join(text.split())
    try:
        parts = decode_header(text)
    except Exception:  # noqa: BLE001 - a hostile header must not stop recognition
        return " ".join(text.split())
    out: list[str] = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            out.append(chunk)
        elif charset:
            out.append(decode_bytes(chunk, charset))
        else:
            out.append(chunk.decode("raw-unicode-escape", errors="replace"))
    return " ".join("".join(out).split())


_PARSER_DEFECTS = {
    "CloseBoundaryNotFoundDefect": "no closing MIME boundary (message cut short?)",
    "StartBoundaryNotFoundDefect": "MIME boundary never found",
    "NoBoundaryInMultipartDefect": "multipart without a boundary",
    "FirstHeaderLineIsContinuationDefect": "first header line is a continuation",
    "MissingHeaderBodySeparatorDefect": "a part's headers run into its body",
    "MultipartInvariantViolationDefect": None,  # says again what the defects above say
    "InvalidBase64PaddingDefect": "base64 padding broken (cut short?)",
    "InvalidBase64CharactersDefect": "characters that are not base64",
    "InvalidBase64LengthDefect": "base64 cut short",
    "UndecodableBytesDefect": "undecodable bytes",
}
_TRUNCATED_QP = re.compile(rb"=[0-9A-Fa-f]?\s*\Z")


@dataclass
class _Bodies:
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    defects: list[Defect] = field(default_factory=list)


def _body_texts(message: Message) -> _Bodies:
    """The text parts recognition reads, and what is wrong with the way they are built."""
    found = _Bodies()
    read: set[int] = set()  # id() of the text parts read
    walked: list[Message] = []
    for index, part in enumerate(message.walk()):
        if index >= _MAX_PARTS:
            found.defects.append(Defect(f"more than {_MAX_PARTS} MIME parts", damaging=False))
            break
        walked.append(part)
        if part.is_multipart():
            continue
        if (part.get("Content-Disposition") or "").strip().lower().startswith("attachment"):
            continue
        content_type = part.get_content_type()
        if content_type not in ("text/plain", "text/html"):
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        read.add(id(part))
        label = part.get_content_charset()
        text, exact = decode_checked(payload[: _MAX_TEXT_CHARS * 4], label)
        if label and _known_charset(label) is None:
            found.defects.append(
                Defect(f"{content_type} part: unknown charset {label[:40]!r}", not exact)
            )
        elif not exact:
            found.defects.append(
                Defect(f"{content_type} part: undecodable as {label or 'utf-8'}", True)
            )
        if "\x00" in text:
            found.defects.append(Defect(f"{content_type} part: NUL bytes", damaging=True))
            text = text.replace("\x00", "")
        if _cut_short(part, content_type, text):
            found.defects.append(Defect(f"{content_type} part: cut short", damaging=True))
        (found.plain if content_type == "text/plain" else found.html).append(text[:_MAX_TEXT_CHARS])
    for part in walked:
        for defect in part.defects:
            described = _PARSER_DEFECTS.get(type(defect).__name__, type(defect).__name__)
            if described is None:
                continue
            damaging = id(part) in read or (
                part.get_content_maintype() == "multipart" and _damages_text(part, defect, read)
            )
            where = part.get_content_type()
            found.defects.append(Defect(f"{where} part: {described}", damaging))
    return found


def _damages_text(container: Message, defect: object, read: set[int]) -> bool:
    """A missing closing boundary cuts the container's last part; other container defects
    leave its parts unreadable."""
    if type(defect).__name__ != "CloseBoundaryNotFoundDefect":
        return True
    last: Message | None = None
    for part in container.walk():
        if not part.is_multipart():
            last = part
    return last is not None and id(last) in read


def _cut_short(part: Message, content_type: str, text: str) -> bool:
    """Truncation a single part shows by itself: an open quoted-printable escape at its end,
    or an HTML document that never closes."""
    # str(): a header with undecodable bytes comes back as a Header object
    if str(part.get("Content-Transfer-Encoding") or "").strip().lower() == "quoted-printable":
        raw = part.get_payload(decode=False)
        if isinstance(raw, str) and _TRUNCATED_QP.search(raw.encode("ascii", "replace")[-8:]):
            return True
    if content_type == "text/html":
        lowered = text[-4096:].lower()
        return (
            "<html" in text[:4096].lower() and "</html" not in lowered and "</body" not in lowered
        )
    return False


def read_message(raw: bytes) -> MessageContent:
    """Parse ``raw`` into what recognition reads; raises ``MalformedMessage`` on non-mail."""
    raw, defects = _bounded_raw(raw)
    try:
        message = message_from_bytes(raw, policy=compat32)
    except Exception as exc:
        raise MalformedMessage(f"malformed MIME: {exc}") from exc
    raw_headers = [(str(k), str(v)) for k, v in message.raw_items()]
    if not raw_headers:
        raise MalformedMessage("malformed MIME: no headers")
    from_value = next((v for k, v in raw_headers if k.lower() == "from"), "")
    sender = parse_sender(from_value)
    from_name = decode_words(sender.name[:MAX_HEADER_CHARS]).strip().strip('"').strip()
    bodies = _body_texts(message)
    defects.extend(bodies.defects)
    html_links: list[Link] = []
    html_texts: list[str] = []
    hidden_texts: list[str] = []
    for document in bodies.html:
        try:
            seen = visible_html(document)
        except Exception as exc:  # noqa: BLE001 - lexbor may reject pathological input
            log.info("an HTML part could not be read: %s", exc)
            defects.append(Defect(f"text/html part unreadable: {exc}", damaging=True))
            continue
        html_texts.append(seen.text)
        html_links.extend(seen.links)
        hidden_texts.extend(seen.hidden)
        if seen.cut:
            defects.append(Defect(f"text/html part: {seen.cut}; the rest not read", False))
    plain_text = normalise_lines("\n\n".join(bodies.plain))[:MAX_READ_CHARS]
    html_text = "\n\n".join(html_texts)[:MAX_READ_CHARS]
    content = MessageContent(
        headers=message,
        raw_headers=raw_headers,
        subject=decode_words(
            next((v for k, v in raw_headers if k.lower() == "subject"), "")[:MAX_HEADER_CHARS]
        ),
        from_name=from_name,
        from_address=sender.address,
        text=plain_text or html_text,
        html_text=html_text,
        html_links=html_links[:_MAX_LINKS],
        text_links=_text_links(plain_text)[:_MAX_LINKS],
        hidden_texts=hidden_texts,
        defects=defects,
    )
    message_id = content.header("Message-ID")
    content.message_id = message_id or None
    return content


def _bounded_raw(raw: bytes) -> tuple[bytes, list[Defect]]:
    """The bytes worth parsing and what the raw bytes alone show is wrong: no end to the
    header block, NUL bytes in it, or so many MIME boundaries that the rest is cut off."""
    defects: list[Defect] = []
    head_end = max(raw.find(b"\n\n"), -1)
    crlf_end = raw.find(b"\r\n\r\n")
    if head_end < 0 or (0 <= crlf_end < head_end):
        head_end = crlf_end
    if head_end < 0:
        defects.append(Defect("no blank line after the headers (message cut short?)", True))
    if b"\x00" in (raw if head_end < 0 else raw[:head_end]):
        defects.append(Defect("NUL bytes in the headers", damaging=True))
    if raw.count(b"\n--") > _MAX_BOUNDARY_LINES:
        position = -1
        for _ in range(_MAX_BOUNDARY_LINES + 1):
            position = raw.find(b"\n--", position + 1)
        raw = raw[:position]
        defects.append(
            Defect(f"more than {_MAX_BOUNDARY_LINES} MIME boundaries; the rest not read", True)
        )
    return raw, defects


def _text_links(text: str) -> list[Link]:
    """URLs in a plain-text part; a ``Label: URL`` line gives the label as the link text.

    The label is read from the URL's own line by slicing, not by a regex tried at every
    line start, so a text of thousands of lines costs one pass over the URLs.
    """
    links: list[Link] = []
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?")
        links.append(Link(url=url, text=_label_before(text, match.start())))
        if len(links) >= _MAX_LINKS:
            break
    return links


def _label_before(text: str, start: int) -> str:
    """``Label`` when the URL at ``start`` stands alone on a ``Label: URL`` or ``Label <URL>``
    line (label of 1-60 characters without ``:<>``), else an empty string."""
    line_start = text.rfind("\n", 0, start) + 1
    if start - line_start > 200:
        return ""
    end = _URL_END.search(text, start)
    line_end = text.find("\n", start)
    rest = text[end.end() if end else len(text) : line_end if line_end >= 0 else len(text)]
    if rest.strip(" \t") not in ("", ">"):
        return ""
    label = text[line_start:start].strip(" \t")
    label = label.removesuffix("<").rstrip(" \t").removesuffix(":").strip(" \t")
    if not 1 <= len(label) <= 60 or any(c in label for c in ":<>"):
        return ""
    return label
