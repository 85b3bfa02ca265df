"""introgate's own lines above a draft without recipient, and leaving them out when sent.

A draft that has no address starts with the template's ``answer_on_network`` block: the
link and a line telling the user to send the text on the network. If the user adds a
``To:`` and sends the draft by e-mail after all, those lines must not reach the requester.
The draft carries one short fingerprint per instruction line in ``X-Introgate-Instructions``
(no text of its own, so nothing hostile can travel in it), and ``strip`` drops exactly the
body lines with those fingerprints, wherever the user left them.
"""

from __future__ import annotations

import hashlib
import re
from email.message import EmailMessage

from introgate.errors import IntrogateError

INSTRUCTIONS_HEADER = "X-Introgate-Instructions"
_URL_LINE = re.compile(r"https?://\S+")


def _fingerprint(line: str) -> str:
    return hashlib.sha256(" ".join(line.split()).encode("utf-8")).hexdigest()[:16]


def fingerprints(instructions: str) -> str:
    """The header value: one fingerprint per non-blank instruction line."""
    marks = [_fingerprint(line) for line in instructions.splitlines() if line.strip()]
    return " ".join(dict.fromkeys(marks))


def _without_marked_lines(text: str, marks: set[str]) -> tuple[str, int]:
    kept: list[str] = []
    removed = 0
    for line in text.splitlines():
        if line.strip() and _fingerprint(line) in marks:
            removed += 1
            continue
        kept.append(line)
    return "\n".join(kept).lstrip("\n") + "\n", removed


def _without_leading_link_block(text: str) -> tuple[str, int]:
    """No fingerprints (a mail client dropped the header): the block still starts the text
    with the link on a line of its own, and ends at the first blank line."""
    lines = text.lstrip("\n").splitlines()
    if not lines or not _URL_LINE.fullmatch(lines[0].strip()):
        return text, 0
    end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    return "\n".join(lines[end:]).lstrip("\n") + "\n", end


def strip(message: EmailMessage) -> int:
    """Remove introgate's instruction lines from ``message`` in place; how many went."""
    marks = set(str(message.get(INSTRUCTIONS_HEADER, "")).split())
    del message[INSTRUCTIONS_HEADER]
    part = message.get_body(preferencelist=("plain",))
    if not isinstance(part, EmailMessage):
        return 0
    content = part.get_content()
    if not isinstance(content, str):
        return 0
    text = content.replace("\r\n", "\n")
    if marks:
        cleaned, removed = _without_marked_lines(text, marks)
    else:
        cleaned, removed = _without_leading_link_block(text)
    if not removed:
        return 0
    if message.get_body(preferencelist=("html",)) is not None:
        raise IntrogateError(
            "the draft also has an HTML part with introgate's lines for you at the top: "
            "delete them in your mail client (or send it as plain text), then send again"
        )
    language = part.get("Content-Language")
    part.set_content(cleaned, charset="utf-8", cte="quoted-printable")  # clears Content-*
    if language is not None:
        part["Content-Language"] = language
    return removed


def plain_text(message: EmailMessage) -> str:
    """The draft's plain-text body with ``\\n`` line ends ("" without one)."""
    part = message.get_body(preferencelist=("plain",))
    if not isinstance(part, EmailMessage):
        return ""
    content = part.get_content()
    return content.replace("\r\n", "\n") if isinstance(content, str) else ""


def split(message: EmailMessage) -> tuple[str, str]:
    """The body as (introgate's lines for the user, the question itself).

    The question is what the user copies to the network or edits on the review page; the
    lines for the user stay above it when an edit is written back.
    """
    text = plain_text(message)
    marks = set(str(message.get(INSTRUCTIONS_HEADER, "")).split())
    if not marks:
        return "", text
    lines = text.splitlines()
    ours = [line for line in lines if line.strip() and _fingerprint(line) in marks]
    question, _ = _without_marked_lines(text, marks)
    return "\n".join(ours), question


def with_question(message: EmailMessage, question: str) -> EmailMessage:
    """A copy of the draft whose question is ``question`` (introgate's lines kept above)."""
    if message.get_body(preferencelist=("html",)) is not None:
        raise IntrogateError(
            "the draft has an HTML part (saved by a mail client): edit it in your mail client"
        )
    ours, _ = split(message)
    copy = EmailMessage(policy=message.policy)
    for name, value in message.items():
        if name.lower() not in ("content-type", "content-transfer-encoding", "mime-version"):
            copy[name] = value
    language = copy.get("Content-Language")
    del copy["Content-Language"]
    body = f"{ours}\n\n{question}" if ours else question
    copy.set_content(body, charset="utf-8", cte="quoted-printable")
    if language is not None:
        copy["Content-Language"] = language
    return copy
