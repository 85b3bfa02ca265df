"""A message's header fields, split exactly as the email package splits them, but cheaply.

Every message of a pass has its header block read, and most of them are ordinary mail
that only needs a sender, a Message-ID and a subject. The email package's parser builds a
``Message`` through a feed parser line by line and costs a quarter of a millisecond per
block; this splits the same block into the same fields (the rules of
``email.feedparser`` with the ``compat32`` policy: CR, LF or CRLF line ends, folded
continuation lines, a leading Unix ``From`` line, a header without a name, and the block
ending at the first line that is no header) in a few microseconds. Values are what
``Message.get`` and ``str()`` give: 8-bit bytes show as U+FFFD, as with the email package's
``Header`` for unknown 8-bit text. The agreement is checked against the email package on
the whole fixture corpus and generated hostile blocks (tests/test_header_block.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Protocol, overload

# the usual block: fields of printable names, lines ending in CRLF or LF, continuation
# lines starting with a space or a tab, up to an empty line or the end
_USUAL_FIELDS = re.compile(r"(?:[\041-\071\073-\176]+:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*)*")
_USUAL_FIELD = re.compile(r"([\041-\071\073-\176]+):[ \t]*([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)\r?\n")
# one line with its end (CRLF, CR or LF), or a last line without one
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
# what email.feedparser.headerRE accepts as a header line
_HEADER_LINE = re.compile(r"From |[\041-\071\073-\176]*:|[\t ]")
_SURROGATES = re.compile("[\udc80-\udcff]")


class HeaderFields(Protocol):
    """What recognition and rules read of a header block: a ``HeaderBlock`` or a ``Message``."""

    def raw_items(self) -> Iterator[tuple[str, object]]: ...


class HeaderBlock:
    """The fields of one header block, in order, names as written, values unfolded-raw."""

    __slots__ = ("_fields", "_first")

    def __init__(self, fields: list[tuple[str, str]]) -> None:
        self._fields = fields
        # the first value of each name (lower case), made when a value is first asked for
        self._first: dict[str, str] | None = None

    @classmethod
    def parse(cls, block: bytes) -> HeaderBlock:
        text = block.decode("ascii", "surrogateescape")
        end = _USUAL_FIELDS.match(text).end()  # type: ignore[union-attr]  # matches "" too
        if end == len(text) or text.startswith(("\r\n", "\n"), end):
            # the fields end at an empty line (or the block does): one expression reads
            # them all, the same fields the line-by-line reading below gives
            return cls(_USUAL_FIELD.findall(text, 0, end))
        lines: list[str] = []
        for line in _LINES.findall(text):
            if not _HEADER_LINE.match(line):
                break  # the empty line before the body, or the first line of a body
            lines.append(line)
        return cls(_fields(lines))

    def raw_items(self) -> Iterator[tuple[str, str]]:
        """Names and values as in the message: folds kept, 8-bit bytes as surrogates."""
        return iter(self._fields)

    def items(self) -> list[tuple[str, str]]:
        return [(name, _shown(value)) for name, value in self._fields]

    @overload
    def get(self, name: str) -> str | None: ...
    @overload
    def get(self, name: str, failobj: str) -> str: ...
    def get(self, name: str, failobj: str | None = None) -> str | None:
        """The first field of that name (any case), as ``str(message.get(name))``."""
        if self._first is None:
            self._first = {}
            for field, value in reversed(self._fields):
                self._first[field.lower()] = value
        found = self._first.get(name.lower())
        return failobj if found is None else _shown(found)

    def get_all(self, name: str) -> list[str] | None:
        wanted = name.lower()
        found = [_shown(value) for field, value in self._fields if field.lower() == wanted]
        return found or None


def _fields(lines: list[str]) -> list[tuple[str, str]]:
    """``FeedParser._parse_headers`` with ``compat32.header_source_parse``."""
    fields: list[tuple[str, str]] = []
    current: list[str] = []
    for line in lines:
        if line[0] in " \t":
            if current:  # a continuation before any field is a defect: left out
                current.append(line)
            continue
        if current:
            fields.append(_field(current))
            current = []
        if line.startswith("From "):
            continue  # the Unix envelope line (or a misplaced one): no field
        if line.find(":") == 0:
            continue  # no name: a defect the email package also skips
        current = [line]
    if current:
        fields.append(_field(current))
    return fields


def _field(lines: list[str]) -> tuple[str, str]:
    name, value = lines[0].split(":", 1)
    value = value.lstrip(" \t") + "".join(lines[1:])
    return name, value.rstrip("\r\n")


def _shown(value: str) -> str:
    """8-bit bytes of a raw value as the email package shows unknown 8-bit text."""
    if _SURROGATES.search(value) is None:
        return value
    return value.encode("ascii", "surrogateescape").decode("ascii", "replace")
