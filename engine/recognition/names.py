"""Which texts in a name's place are not a name, and so must never be greeted.

Networks fill the name's place with what they have: "???" for a profile they cannot
show, an e-mail address for someone not on the network, a link. A reply that says
"Hi ???," is worse than one that greets nobody, so such a requester is recorded without
a name and the reason is kept for ``explain``.
"""

from __future__ import annotations

import re

_LETTER = re.compile(r"[^\W\d_]")
_ADDRESS = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# what networks put where the name should be when they cannot show it
_PLACEHOLDERS = frozenset(
    {
        "unknown",
        "unbekannt",
        "someone",
        "jemand",
        "a member",
        "ein mitglied",
        "linkedin member",
        "linkedin-mitglied",
        "facebook user",
        "facebook-nutzer",
        "instagram user",
        "xing member",
        "xing-mitglied",
        "n/a",
        "null",
        "none",
        "undefined",
    }
)
_MAX_NAME = 100


def not_a_name(text: str | None) -> str | None:
    """Why ``text`` cannot be greeted as a name; None when it can."""
    if text is None:
        return None
    flat = " ".join(text.split())
    shown = flat if len(flat) <= 40 else flat[:39] + "…"
    if not flat:
        return "the name is empty"
    if not _LETTER.search(flat):
        return f"the name {shown!r} is only punctuation or digits"
    if _URL.search(flat):
        return f"the name {shown!r} is a link"
    if _ADDRESS.search(flat):
        return f"the name {shown!r} is or holds an e-mail address"
    if "{" in flat or "}" in flat or flat.casefold() in _PLACEHOLDERS:
        return f"the name {shown!r} is a placeholder"
    if len(flat) > _MAX_NAME:
        return f"the name is {len(flat)} characters long"
    return None


def placeholder_reason(name: str | None, placeholder: str | None) -> str | None:
    """Why a requester gets no name: the name found is none, or only a placeholder was."""
    if name:
        return not_a_name(name)
    if placeholder is not None:
        return not_a_name(placeholder) or "the mail shows no name"
    return "the mail shows no name"
