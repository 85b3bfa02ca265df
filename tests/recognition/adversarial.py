"""Hostile mails that cost recognition the most: shared by the tests and ``bench/adversarial.py``.

Each body comes from a network's own domain with a request's subject, so it passes
``is_candidate`` and reaches every extraction pattern: anyone can send these without
authenticating. Sizes stay under the default ``max_message_bytes`` so they are parsed.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

_SIZE = 40_000  # the greeting bomb of the fault-injection campaign had a 40 KB body


def _mail(
    body: bytes,
    *,
    sender: str = "Priya Raman <invitations@linkedin.com>",
    subject: str = "Invitation to connect on LinkedIn",
    content_type: str = "text/plain; charset=utf-8",
    extra_headers: str = "",
) -> bytes:
    head = (
        f"From: {sender}\r\nTo: Alex Beispiel <alex@example.org>\r\nSubject: {subject}\r\n"
        f"Date: Tue, 10 Nov 2026 09:01:00 +0100\r\nMessage-ID: <adversarial@example.org>\r\n"
        f"{extra_headers}MIME-Version: 1.0\r\nContent-Type: {content_type}\r\n\r\n"
    )
    return head.encode() + body


def _repeat(line: str, size: int = _SIZE) -> bytes:
    return (line * (size // len(line) + 1)).encode()[:size]


def greeting_bomb() -> bytes:
    """The campaign's mail: 40 KB of greeting lines and no name line to end a note."""
    return _mail(_repeat("Hi Alex,\r\n"))


def _multipart(parts: list[str], boundary: str = "b0undary") -> bytes:
    body = "".join(f"--{boundary}\r\n{part}\r\n" for part in parts) + f"--{boundary}--\r\n"
    return _mail(body.encode(), content_type=f'multipart/mixed; boundary="{boundary}"')


def _xing(body: bytes) -> bytes:
    return _mail(
        body,
        sender="Max Mustermann via XING <mailrobot@mail.xing.com>",
        subject="Max Mustermann möchte sich mit Ihnen vernetzen",
    )


ADVERSARIAL: dict[str, Callable[[], bytes]] = {
    "greeting bomb": greeting_bomb,
    "hallo lines": lambda: _mail(_repeat("Hallo\r\n")),
    "hi lines": lambda: _mail(_repeat("Hi\r\n")),
    "greetings then name far below": lambda: _mail(
        _repeat("Hi Alex,\r\n", _SIZE - 100) + b"\r\nPriya Raman\r\n"
    ),
    "greeting sentences": lambda: _mail(_repeat("Hello Alex, we met at the summit today!\r\n")),
    "name lines without greeting": lambda: _mail(_repeat("Priya Raman\r\nHi\r\n")),
    "reminder lines": lambda: _mail(_repeat("Hi Alex,\r\nPriya is waiting for your response\r\n")),
    "huge single line": lambda: _mail(_repeat("Hi Alex, " + "x" * 50 + " ")),
    "whitespace runs": lambda: _mail(b"Hi Alex,\r\n" + b" \t" * (_SIZE // 2) + b"\r\nPriya"),
    "blank lines": lambda: _mail(b"Hi Alex,\r\n" + b"\r\n" * (_SIZE // 2)),
    "deep html nesting": lambda: _mail(
        b"<div>" * (_SIZE // 5) + b"Hi Alex", content_type="text/html; charset=utf-8"
    ),
    "many links": lambda: _mail(
        _repeat('<a href="https://www.linkedin.com/comm/in/p?x=1">Priya Raman</a>\r\n').replace(
            b"\r\n", b"<br>"
        ),
        content_type="text/html; charset=utf-8",
    ),
    "many plain-text urls": lambda: _mail(_repeat("View profile: https://www.linkedin.com/in/x\n")),
    "unterminated label line": lambda: _mail(_repeat("a" * 59 + " ") + b": https://x"),
    "giant folded header": lambda: _mail(
        b"Hi Alex,\r\n", extra_headers="X-Filler: x\r\n" + "\r\n y" * (_SIZE // 4) + "\r\n"
    ),
    "giant folded subject": lambda: _mail(
        b"Hi Alex,\r\n", subject="Priya wants to connect" + "\r\n Priya" * (_SIZE // 8)
    ),
    "thousands of mime parts": lambda: _multipart(
        ["Content-Type: text/plain\r\n\r\nHi Alex,"] * 2000
    ),
    "base64 garbage": lambda: _mail(
        b"!@#$%^&*()" * (_SIZE // 10),
        extra_headers="Content-Transfer-Encoding: base64\r\n",
    ),
    "base64 greeting bomb": lambda: _mail(
        base64.encodebytes(_repeat("Hi Alex,\r\n")),
        extra_headers="Content-Transfer-Encoding: base64\r\n",
    ),
    "xing message labels": lambda: _xing(_repeat('Persönliche Nachricht: "x\n')),
    "xing message labels on one line": lambda: _xing(_repeat('Message: "xx ')),
    "xing personal message lines": lambda: _xing(_repeat("Personal message:\nx\n")),
    "xing contact lines": lambda: _xing(_repeat('as a contact\n"x\n')),
    "nul bytes": lambda: _mail(b"Hi Alex,\x00\r\n" * (_SIZE // 11)),
    "mutual counts": lambda: _mail(_repeat("4 " * 30 + "mutual\n")),
}
