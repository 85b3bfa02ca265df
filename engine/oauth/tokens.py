"""One account's tokens: what a token endpoint answered, as stored between runs."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from introgate.errors import ConfigError


@dataclass(frozen=True)
class TokenSet:
    """Access and refresh token; ``repr`` and ``str`` show neither."""

    access_token: str
    refresh_token: str | None
    expires_at: float | None  # seconds since the epoch; None: the server did not say
    scope: str = ""

    def __repr__(self) -> str:
        return f"TokenSet(expires_at={self.expires_at!r}, scope={self.scope!r})"

    __str__ = __repr__

    def expires_within(self, seconds: float, now: float | None = None) -> bool:
        if self.expires_at is None:
            return False
        return self.expires_at - (time.time() if now is None else now) < seconds

    def expired(self) -> TokenSet:
        """The same tokens, marked as expired (a server refused the access token)."""
        return replace(self, expires_at=0.0)

    @classmethod
    def from_response(cls, answer: Mapping[str, Any], previous: TokenSet | None = None) -> TokenSet:
        """From a token endpoint's JSON; a refresh without a new refresh token keeps the old."""
        access = answer.get("access_token")
        if not isinstance(access, str) or not access:
            raise ConfigError("the token endpoint answered without an access_token")
        expires_at: float | None = None
        if isinstance(answer.get("expires_at"), int | float):
            expires_at = float(answer["expires_at"])
        elif isinstance(answer.get("expires_in"), int | float | str):
            expires_at = time.time() + float(answer["expires_in"])
        refresh = answer.get("refresh_token")
        if not isinstance(refresh, str) or not refresh:
            refresh = previous.refresh_token if previous is not None else None
        scope = answer.get("scope")
        return cls(
            access_token=access,
            refresh_token=refresh,
            expires_at=expires_at,
            scope=scope if isinstance(scope, str) else (previous.scope if previous else ""),
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "expires_at": self.expires_at,
                "scope": self.scope,
            }
        )

    @classmethod
    def from_json(cls, text: str, where: str) -> TokenSet:
        try:
            data = json.loads(text)
            return cls(
                access_token=str(data["access_token"]),
                refresh_token=data.get("refresh_token"),
                expires_at=data.get("expires_at"),
                scope=str(data.get("scope") or ""),
            )
        except (ValueError, KeyError, TypeError) as exc:
            # the text is not shown: it may be a token
            raise ConfigError(f"{where}: the stored sign-in is unreadable") from exc
