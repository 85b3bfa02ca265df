"""OAuth2 sign-in for IMAP and SMTP: provider presets, the login flows, stored tokens.

``introgate login ACCOUNT`` runs a flow (``flows``) and keeps the tokens in a store
(``store``); every connection asks ``access`` for a token that is fresh for a while
yet, refreshing it first when it is about to expire.
"""

from __future__ import annotations

from introgate.oauth.access import LoginNeeded, fresh_access_token
from introgate.oauth.providers import Endpoints, Preset, endpoints_for, preset_for_address

__all__ = [
    "Endpoints",
    "LoginNeeded",
    "Preset",
    "endpoints_for",
    "fresh_access_token",
    "preset_for_address",
]
