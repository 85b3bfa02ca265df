"""The sender of a message, read from its raw From value.

The header-only pre-filter and the full parse both read the sender through
``parse_sender``: when they read it differently, the pre-filter can reject a mail the
full parse would accept (``Facebook ,_<someone@example.net>`` is one mailbox to a mail
client but two to ``email.utils.getaddresses``). It is cheap enough for every message of
a mailbox: a few string searches, no tokenizer.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sender:
    name: str  # the display name as written (RFC 2047 words not decoded), unquoted
    address: str  # lowercase; empty when the value holds no address

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2] if "@" in self.address else ""


def parse_sender(value: str) -> Sender:
    """The first mailbox as a mail client shows it: the last ``<...>`` address of the
    value (a display name may itself contain ``<``), else the first word with an ``@``."""
    name, address = _split(value)
    return Sender(name=_unquoted(name), address=_clean_address(address))


def sender_domain(value: str) -> str:
    """``parse_sender(value).domain``, without reading the name: the pre-filter asks
    this of every message in a mailbox."""
    address = _clean_address(_split(value)[1])
    return address.rpartition("@")[2] if "@" in address else ""


def _split(value: str) -> tuple[str, str]:
    """(display name, address) as written."""
    # unfolded, runs of whitespace as one space (only built when there are any)
    ragged = "\n" in value or "\t" in value or "\r" in value or "  " in value
    flat = " ".join(value.split()) if ragged else value
    start = flat.rfind("<")
    if start >= 0:
        end = flat.find(">", start)
        return flat[:start], flat[start + 1 : end if end >= 0 else len(flat)]
    address = next((word for word in flat.split(" ") if "@" in word), "")
    name = flat.replace(address, " ", 1) if address else flat
    return name.strip().removeprefix("(").removesuffix(")"), address.strip(",;")


def _clean_address(address: str) -> str:
    cleaned = address.strip().strip('"').strip().lower()
    local, at, domain = cleaned.rpartition("@")
    if not at:
        return cleaned
    return f"{local}@{domain.strip().rstrip('.')}"


def _unquoted(name: str) -> str:
    text = name.strip()
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        text = text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return text.strip()
