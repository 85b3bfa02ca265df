"""Who may use the review page: the access token, sessions and CSRF tokens.

The page shows and changes the user's mail, and names and notes on it are written by
strangers. As Jupyter does, the server makes a random token at every start and prints
it in the page's address; the first visit trades it for an HttpOnly, SameSite=Strict
session cookie (and the address loses the token). Every state-changing request also
carries the session's CSRF token in a header, which another site's page cannot read.
Sessions live in memory only: a restart asks for the new address.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

SESSION_COOKIE = "introgate_session"
CSRF_HEADER = "x-csrf-token"


@dataclass
class Access:
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    # session id -> its CSRF token
    _sessions: dict[str, str] = field(default_factory=dict)

    def open_session(self, token: str) -> str | None:
        """A new session id for the right access token, else None."""
        if not secrets.compare_digest(token.encode(), self.token.encode()):
            return None
        session = secrets.token_urlsafe(32)
        self._sessions[session] = secrets.token_urlsafe(32)
        return session

    def csrf(self, session: str | None) -> str | None:
        """The session's CSRF token; None for no session or an unknown one."""
        if not session:
            return None
        return self._sessions.get(session)

    def allows_change(self, session: str | None, sent_csrf: str | None) -> bool:
        expected = self.csrf(session)
        if expected is None or not sent_csrf:
            return False
        return secrets.compare_digest(sent_csrf.encode(), expected.encode())


def token_file(state_path: Path) -> Path:
    """Where a running page leaves its address (``introgate web --url`` reads it)."""
    return state_path.with_name(state_path.name + ".web-url")


def write_url_file(path: Path, url: str) -> None:
    """The address with its token, readable by the user only, replaced in one rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(url + "\n")
    temporary.replace(path)
