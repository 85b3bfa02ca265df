"""What Google and Microsoft need: endpoints, scopes, and where their IMAP and SMTP live.

A preset is data, not code paths: a config can override any endpoint or the scopes, and
``provider = "custom"`` works for any standard OAuth2 authorization server.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from introgate.config import OAuth2Settings
from introgate.errors import ConfigError


@dataclass(frozen=True)
class Preset:
    """One provider's defaults. ``{tenant}`` in a URL is the config's ``tenant``."""

    name: str
    title: str
    authorization_url: str
    token_url: str
    device_authorization_url: str | None
    scopes: tuple[str, ...]
    imap_host: str
    imap_port: int
    smtp_host: str
    smtp_port: int
    smtp_security: str
    # mail domains whose mailboxes this provider hosts (custom domains: init asks)
    domains: tuple[str, ...]
    # extra query parameters of the authorization request
    authorization_params: dict[str, str] = field(default_factory=dict)
    # the loopback host name the provider accepts in a desktop app's redirect URI
    redirect_host: str = "127.0.0.1"
    # why the device flow is missing, when it is
    no_device_flow: str = ""


GOOGLE = Preset(
    name="google",
    title="Google (Gmail, Google Workspace)",
    authorization_url="https://accounts.google.com/o/oauth2/v2/auth",
    token_url="https://oauth2.googleapis.com/token",  # noqa: S106 - an address, not a secret
    # Google's device flow does not grant the mail scope (https://mail.google.com/)
    device_authorization_url=None,
    scopes=("https://mail.google.com/",),
    imap_host="imap.gmail.com",
    imap_port=993,
    smtp_host="smtp.gmail.com",
    smtp_port=465,
    smtp_security="tls",
    domains=("gmail.com", "googlemail.com"),
    # offline + consent: Google hands out a refresh token only when asked this way
    authorization_params={"access_type": "offline", "prompt": "consent"},
    no_device_flow=(
        "Google does not allow the device flow for mail access; run `introgate login` "
        "without --device (on a machine without a browser: see the README's Gmail section)"
    ),
)

MICROSOFT = Preset(
    name="microsoft",
    title="Microsoft 365 / Outlook.com",
    authorization_url="https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize",
    token_url="https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",  # noqa: S106
    device_authorization_url="https://login.microsoftonline.com/{tenant}/oauth2/v2.0/devicecode",
    scopes=(
        "https://outlook.office.com/IMAP.AccessAsUser.All",
        "https://outlook.office.com/SMTP.Send",
        "offline_access",
    ),
    imap_host="outlook.office365.com",
    imap_port=993,
    smtp_host="smtp.office365.com",
    smtp_port=587,
    smtp_security="starttls",
    domains=("outlook.com", "hotmail.com", "live.com", "msn.com", "outlook.de", "hotmail.de"),
    # Entra ID accepts http://localhost with any port for public clients
    redirect_host="localhost",
)

PRESETS: dict[str, Preset] = {preset.name: preset for preset in (GOOGLE, MICROSOFT)}


def preset_for_address(address: str) -> Preset | None:
    """The provider that hosts ``address``'s domain, when the domain alone tells."""
    domain = address.rpartition("@")[2].strip().lower()
    for preset in PRESETS.values():
        if domain in preset.domains:
            return preset
    return None


@dataclass(frozen=True)
class Endpoints:
    """Everything a login flow needs, after the config's overrides."""

    provider: str
    client_id: str
    client_secret: str | None
    authorization_url: str | None
    token_url: str
    device_authorization_url: str | None
    scopes: tuple[str, ...]
    authorization_params: dict[str, str]
    redirect_host: str
    redirect_port: int
    no_device_flow: str

    def __repr__(self) -> str:  # the client secret must not reach a log line
        return f"Endpoints(provider={self.provider!r}, client_id={self.client_id!r})"


def endpoints_for(settings: OAuth2Settings) -> Endpoints:
    """The preset, overridden field by field by what the config sets."""
    preset = PRESETS.get(settings.provider)

    def pick(own: str | None, default: str | None) -> str | None:
        value = own if own else default
        return value.replace("{tenant}", settings.tenant) if value else None

    token_url = pick(settings.token_url, preset.token_url if preset else None)
    if token_url is None:  # the config model already refuses this; a clear line anyway
        raise ConfigError(f"OAuth2 provider {settings.provider!r}: no token_url")
    scopes = settings.scopes if settings.scopes is not None else (preset.scopes if preset else ())
    return Endpoints(
        provider=preset.title if preset else "the authorization server",
        client_id=settings.client_id,
        client_secret=(
            settings.client_secret.get_secret_value() if settings.client_secret else None
        ),
        authorization_url=pick(
            settings.authorization_url, preset.authorization_url if preset else None
        ),
        token_url=token_url,
        device_authorization_url=pick(
            settings.device_authorization_url,
            preset.device_authorization_url if preset else None,
        ),
        scopes=tuple(scopes),
        authorization_params=dict(preset.authorization_params) if preset else {},
        redirect_host=preset.redirect_host if preset else "127.0.0.1",
        redirect_port=settings.redirect_port,
        no_device_flow=(
            preset.no_device_flow
            if preset and not settings.device_authorization_url
            else "the configuration names no device_authorization_url"
        ),
    )
