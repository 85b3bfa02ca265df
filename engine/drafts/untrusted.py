"""Text that came from a notification, made safe for the place it goes.

Names, notes and links in a notification are written by whoever sent it. A name like
``"Eve\\r\\nBcc: x@example.com"`` must stay one harmless line wherever it ends up: in a
header, in a subject, in the first line of a body.
"""

from __future__ import annotations

import re
import unicodedata

_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)


def _without_controls(text: str) -> bool:
    """No character ``_is_invisible_control`` would replace: the usual case, checked in C.

    ``str.isprintable`` is false for every Other (Cc, Cf, Cs, Co, Cn) and Separator
    character but the ASCII space, so a printable text holds none of Cc, Cf, Zl, Zp.
    """
    return text.isprintable()


def _is_invisible_control(char: str) -> bool:
    # Cc: C0/C1 controls (CR, LF, NUL, ESC ...); Zl/Zp: Unicode line and paragraph
    # separators; Cf: bidi overrides and zero-width characters that disguise text.
    return unicodedata.category(char) in {"Cc", "Zl", "Zp", "Cf"}


def one_line(text: str | None, *, limit: int = 200) -> str:
    """A single line: every control character and line break becomes a space, runs collapse.

    ``=?`` loses its meaning too: Python's email package decodes an RFC 2047 encoded word
    it finds in a header value it is given and writes the decoded text back unencoded, so
    ``=?utf-8?q?Eve=0D=0ABcc=3A_x?=`` would otherwise turn into a header line of its own.
    """
    if not text:
        return ""
    cleaned = (
        text
        if _without_controls(text)
        else "".join(" " if _is_invisible_control(c) else c for c in text)
    )
    collapsed = " ".join(cleaned.split()).replace("=?", "= ?")
    return collapsed[:limit].rstrip()


def paragraphs(text: str | None, *, limit: int = 5000) -> str:
    """Multi-line text with plain ``\\n`` line ends and no other control characters."""
    if not text:
        return ""
    unified = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = []
    for line in unified.split("\n"):
        kept = (
            line
            if _without_controls(line)
            else "".join(" " if _is_invisible_control(c) and c != "\t" else c for c in line)
        )
        kept = kept.replace("\t", " ").rstrip()
        lines.append("-- " if kept == "--" else kept)  # the signature separator keeps its space
    return "\n".join(lines).strip("\n")[:limit]


def web_link(text: str | None) -> str | None:
    """An http(s) link on one line, or None: only such links are shown for answering."""
    cleaned = one_line(text, limit=2000)
    match = _URL.fullmatch(cleaned)
    return match.group(0) if match else None
