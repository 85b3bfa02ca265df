"""Lines for a terminal: within 80 columns, and never a control character from a message.

Names, subjects and server errors come from mail and servers a stranger controls; an
escape sequence in them must not reach the user's terminal.
"""

from __future__ import annotations

import textwrap

WIDTH = 80


def printable(text: str) -> str:
    """Control characters (ESC, CR, ...) shown as ``?``."""
    return "".join("?" if ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 else ch for ch in text)


def fit(line: str, width: int = WIDTH) -> str:
    """A long line wrapped under its own indent (plus four); a path or id stays whole."""
    line = printable(line)
    if len(line) <= width:
        return line
    indent = " " * (len(line) - len(line.lstrip()) + 4)
    return "\n".join(
        textwrap.wrap(
            line,
            width,
            subsequent_indent=indent,
            break_on_hyphens=False,
            break_long_words=False,
        )
    )
