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
from email.utils import getaddresses

from introgate.recognition.html_text import Link, normalise_lines, visible_html

log = logging.getLogger("introgate.recognition")

_URL = re.compile(r"https?://[^\s<>\"'()\[\]]+", re.IGNORECASE)
_LABELLED_URL = re.compile(
    r"(?m)^[ \t]*(?P<label>[^\n:<>]{1,60}?)[ \t]*:?[ \t]*<?(?P<url>https?://[^\s<>\"']+)>?[ \t]*$"
)
_MAX_PARTS = 50
_MAX_TEXT_CHARS = 400_000  # decoded text per part
# visible text that extraction patterns read: notifications say everything in the first few
# thousand characters, and a bound keeps every pattern's work small on hostile mail
MAX_READ_CHARS = 30_000
_MAX_HEADER_CHARS = 2_000


class MalformedMessage(Exception):
    """The bytes could not be read as a message at all."""


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

    @property
    def links(self) -> list[Link]:
        return self.html_links + self.text_links

    @property
    def sender_domain(self) -> str:
        return self.from_address.rpartition("@")[2]

    def header(self, name: str) -> str | None:
        """The first header of that name, RFC 2047 decoded and unfolded."""
        wanted = name.lower()
        for key, value in self.raw_headers:
            if key.lower() == wanted:
                return decode_words(value[:_MAX_HEADER_CHARS])
        return None

    def header_values(self, name: str) -> list[str]:
        wanted = name.lower()
        return [decode_words(v) for k, v in self.raw_headers if k.lower() == wanted]


def _charset_of(name: str | None) -> str:
    if not name:
        return "utf-8"
    try:
        codec = codecs.lookup(name.strip().strip('"').lower()).name
    except (LookupError, ValueError):
        return "utf-8"
    # mail labelled Latin-1 is in practice Windows-1252 (as browsers assume); mail labelled
    # ASCII with 8-bit bytes is usually UTF-8 (decode_bytes falls back further)
    return {"iso8859-1": "cp1252", "ascii": "utf-8"}.get(codec, codec)


def decode_bytes(data: bytes, charset: str | None) -> str:
    codec = _charset_of(charset)
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252" if codec != "cp1252" else "latin-1", errors="replace")


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


def _body_texts(message: Message) -> tuple[list[str], list[str]]:
    plain: list[str] = []
    html: list[str] = []
    for index, part in enumerate(message.walk()):
        if index >= _MAX_PARTS:
            break
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
        text = decode_bytes(payload[: _MAX_TEXT_CHARS * 4], part.get_content_charset())
        (plain if content_type == "text/plain" else html).append(text[:_MAX_TEXT_CHARS])
    return plain, html


def read_message(raw: bytes) -> MessageContent:
    """Parse ``raw`` into what recognition reads; raises ``MalformedMessage`` on non-mail."""
    try:
        message = message_from_bytes(raw, policy=compat32)
    except Exception as exc:
        raise MalformedMessage(f"malformed MIME: {exc}") from exc
    raw_headers = [(str(k), str(v)) for k, v in message.raw_items()]
    if not raw_headers:
        raise MalformedMessage("malformed MIME: no headers")
    from_value = next((v for k, v in raw_headers if k.lower() == "from"), "")
    from_name, from_address = "", ""
    try:
        pairs = getaddresses([" ".join(from_value.split())])
        if pairs:
            from_name, from_address = pairs[0]
    except Exception:  # noqa: BLE001
        from_name, from_address = "", ""
    from_name = decode_words(from_name[:_MAX_HEADER_CHARS]).strip().strip('"').strip()
    plain, html = _body_texts(message)
    html_links: list[Link] = []
    html_texts: list[str] = []
    hidden_texts: list[str] = []
    for document in html:
        try:
            seen = visible_html(document)
        except Exception as exc:  # noqa: BLE001 - lexbor may reject pathological input
            log.info("an HTML part could not be read: %s", exc)
            continue
        html_texts.append(seen.text)
        html_links.extend(seen.links)
        hidden_texts.extend(seen.hidden)
    plain_text = normalise_lines("\n\n".join(plain))[:MAX_READ_CHARS]
    html_text = "\n\n".join(html_texts)[:MAX_READ_CHARS]
    content = MessageContent(
        headers=message,
        raw_headers=raw_headers,
        subject=decode_words(
            next((v for k, v in raw_headers if k.lower() == "subject"), "")[:_MAX_HEADER_CHARS]
        ),
        from_name=from_name,
        from_address=from_address.strip().lower(),
        text=plain_text or html_text,
        html_text=html_text,
        html_links=html_links,
        text_links=_text_links(plain_text),
        hidden_texts=hidden_texts,
    )
    message_id = content.header("Message-ID")
    content.message_id = message_id or None
    return content


def _text_links(text: str) -> list[Link]:
    """URLs in a plain-text part; a ``Label: URL`` line gives the label as the link text."""
    links: list[Link] = []
    labelled: dict[int, str] = {}
    for match in _LABELLED_URL.finditer(text):
        labelled[match.start("url")] = match.group("label").strip()
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?")
        links.append(Link(url=url, text=labelled.get(match.start(), "")))
    return links
