"""Configuration: a TOML file, overridable by ``INTROGATE_...`` environment variables.

Secrets are never required in the file: every password has an environment-variable,
command or keyring alternative, and all of them are ``SecretStr`` so they never print.
Relative paths in the file are resolved against the file's own folder, so a config
works from whatever directory the daemon is started in.

Every value is checked when the file is loaded (durations, ports, choices), so
``introgate check`` refuses exactly what a pass would refuse. A problem reads
``FILE:LINE:COL: key.path: message`` like a rule or network file problem, or names the
``INTROGATE_...`` variable when the value came from the environment.
"""

from __future__ import annotations

import os
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from introgate.durations import Duration, DurationOrUnlimited, written_duration
from introgate.environment_overrides import environment_overrides, merged
from introgate.errors import ConfigError, FileProblem, FileProblems
from introgate.near_miss import closest, keys_at
from introgate.toml_locate import TomlPositions, locate, syntax_error_place

# any two-letter code: `introgate check` tells when no reply template exists in it
Language = Annotated[str, Field(pattern=r"^[a-z]{2}$")]
DEFAULT_CONFIG_NAME = "introgate.toml"
ENV_PREFIX = "INTROGATE_"
ENV_NESTING = "__"
Port = Annotated[int, Field(ge=1, le=65535)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Identity(_Section):
    """Who the replies come from."""

    name: str = "introgate user"
    addresses: list[str] = Field(default_factory=list)
    default_language: Language = "en"
    signature: str = ""
    # signs replies answered on a network (no recipient): short, without phone numbers
    network_signature: str = ""
    # "Sehr geehrter Herr Dr. Groß" / "Dear Dr. Groß" on networks answered formally
    formal_greeting: bool = False


class Trust(_Section):
    """Which Authentication-Results headers to believe: only those of the user's own server."""

    authserv_ids: list[str] = Field(default_factory=list)


class RulesSettings(_Section):
    use_shipped: bool = True
    paths: list[Path] = Field(default_factory=list)


class TemplatesSettings(_Section):
    path: Path | None = None


class StateSettings(_Section):
    path: Path = Path("introgate-state.sqlite3")


class RequestsSettings(_Section):
    # a request nobody explained within this long ends as "no_answer"
    expire_after: Duration = timedelta(days=21)


class RecognitionSettings(_Section):
    networks_paths: list[Path] = Field(default_factory=list)
    max_message_bytes: int = Field(default=5_000_000, gt=0)


class ContactsSettings(_Section):
    files: list[Path] = Field(default_factory=list)
    allowlist: Path | None = None
    correspondence_folders: list[str] = Field(default_factory=lambda: ["Sent"])


class Credentials(_Section):
    """One way to get a secret; the first that is set wins, in this order."""

    username: str | None = None
    password: SecretStr | None = None
    password_env: str | None = None
    password_command: list[str] | None = None
    keyring_service: str | None = None
    oauth2_token_command: list[str] | None = None


class OAuth2Settings(_Section):
    """Signing in with OAuth2 (``introgate login``): a provider preset, or every endpoint.

    The user brings their own client id (registered with the provider, see the README).
    ``google`` and ``microsoft`` fill in the endpoints and scopes; any field set here
    overrides the preset, and ``provider = "custom"`` needs the endpoints spelled out.
    """

    provider: Literal["google", "microsoft", "custom"] = "custom"
    client_id: str
    # Google's "desktop app" clients come with a secret that Google itself calls not secret
    client_secret: SecretStr | None = None
    tenant: str = "common"  # Microsoft: "common", "organizations", "consumers" or a tenant id
    authorization_url: str | None = None
    token_url: str | None = None
    device_authorization_url: str | None = None
    scopes: list[str] | None = None
    mechanism: Literal["auto", "xoauth2", "oauthbearer"] = "auto"
    redirect_port: int = Field(default=0, ge=0, le=65535)  # 0: any free loopback port
    token_store: Literal["auto", "keyring", "file"] = "auto"  # noqa: S105 - a place
    token_file: Path | None = None  # default: $XDG_DATA_HOME/introgate/tokens/ACCOUNT.token

    @model_validator(mode="after")
    def _custom_names_endpoints(self) -> OAuth2Settings:
        if self.provider == "custom" and not self.token_url:
            raise ValueError('provider "custom" needs token_url (and authorization_url)')
        if self.provider == "custom" and not (
            self.authorization_url or self.device_authorization_url
        ):
            raise ValueError(
                'provider "custom" needs authorization_url or device_authorization_url'
            )
        return self


class ImapSettings(Credentials):
    oauth2: OAuth2Settings | None = None
    host: str = "localhost"
    port: Port | None = None
    security: Literal["tls", "starttls", "plain"] = "tls"
    ca_file: Path | None = None
    connect_timeout: float = Field(default=15.0, gt=0)
    read_timeout: float = Field(default=60.0, gt=0)
    idle: bool = True
    fetch_chunk: int = Field(default=200, gt=0)


class SmtpSettings(Credentials):
    # send with the OAuth2 sign-in of this account (its [accounts.imap.oauth2])
    oauth2_account: str | None = None
    host: str = "localhost"
    port: Port | None = None
    security: Literal["tls", "starttls", "plain"] = "starttls"
    ca_file: Path | None = None
    timeout: float = Field(default=30.0, gt=0)


class FolderSettings(_Section):
    watch: list[str] = Field(default_factory=lambda: ["INBOX"])
    drafts: str | None = None
    archive: str | None = None
    sent: str | None = None


class WebSettings(_Section):
    """The review page (``introgate web``, or the daemon with ``enabled = true``).

    It is bound to loopback unless ``host`` says otherwise; another host needs TLS
    (``tls_cert`` and ``tls_key``) or an explicit ``allow_insecure_remote = true``,
    because the page shows and changes the user's mail.
    """

    enabled: bool = False  # the daemon serves the page too
    host: str = "127.0.0.1"
    port: Port = 8765
    allow_insecure_remote: bool = False
    tls_cert: Path | None = None
    tls_key: Path | None = None

    @model_validator(mode="after")
    def _cert_and_key_together(self) -> WebSettings:
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("tls_cert and tls_key go together: set both or neither")
        return self


class Account(_Section):
    name: str
    backend: Literal["maildir", "imap"]
    maildir: Path | None = None
    imap: ImapSettings | None = None
    folders: FolderSettings = Field(default_factory=FolderSettings)
    poll_interval: int = Field(default=300, ge=5)
    # how far back the first pass looks; timedelta(0) ("0"/"all") means everything
    backfill: DurationOrUnlimited = timedelta(days=30)
    rules: list[str] | None = None  # rule names or files to use; None = all

    @model_validator(mode="after")
    def _backend_has_settings(self) -> Account:
        if self.backend == "maildir" and self.maildir is None:
            raise ValueError("backend 'maildir' needs 'maildir = \"PATH\"'")
        if self.backend == "imap" and self.imap is None:
            raise ValueError("backend 'imap' needs an [accounts.imap] section")
        return self


# the whole configuration (no docstring: it would become the schema's description);
# validated_settings lays the environment's overrides over the file's values first
class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)

    identity: Identity = Field(default_factory=Identity)
    trust: Trust = Field(default_factory=Trust)
    rules: RulesSettings = Field(default_factory=RulesSettings)
    templates: TemplatesSettings = Field(default_factory=TemplatesSettings)
    state: StateSettings = Field(default_factory=StateSettings)
    recognition: RecognitionSettings = Field(default_factory=RecognitionSettings)
    requests: RequestsSettings = Field(default_factory=RequestsSettings)
    contacts: ContactsSettings = Field(default_factory=ContactsSettings)
    smtp: SmtpSettings | None = None
    web: WebSettings = Field(default_factory=WebSettings)
    accounts: list[Account] = Field(default_factory=list)
    # set by load_settings, not by the user
    config_path: Path | None = Field(default=None, exclude=True)

    def account(self, name: str) -> Account:
        for account in self.accounts:
            if account.name == name:
                return account
        raise ConfigError(f"no account named {name!r} in the configuration")


def config_json_schema() -> dict[str, Any]:
    """The JSON Schema of the config file, for editor completion (`introgate schema config`)."""
    schema = Settings.model_json_schema()
    schema["properties"].pop("config_path", None)  # set by load_settings, not written
    _durations_as_written(schema)
    schema["title"] = "introgate configuration"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def _durations_as_written(node: Any) -> None:
    """Duration defaults as the file writes them ("30d"): the schema states them as ISO 8601."""
    if isinstance(node, dict):
        default = node.get("default")
        if "pattern" in node and isinstance(default, str) and default.startswith("P"):
            node["default"] = written_duration(TypeAdapter(timedelta).validate_python(default))
        for value in node.values():
            _durations_as_written(value)
    elif isinstance(node, list):
        for value in node:
            _durations_as_written(value)


def default_config_path() -> Path:
    """``./introgate.toml``, else ``$XDG_CONFIG_HOME/introgate/config.toml``."""
    local = Path.cwd() / DEFAULT_CONFIG_NAME
    if local.is_file():
        return local
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return xdg / "introgate" / "config.toml"


def load_settings(path: Path | None = None) -> Settings:
    """Read and validate the configuration; raises ``FileProblems`` naming every bad value."""
    config_path = path or default_config_path()
    if not config_path.is_file():
        raise ConfigError(
            f"{config_path}: configuration file not found "
            "(create one from config.example.toml, or pass --config PATH)"
        )
    try:
        text = config_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{config_path}: cannot read: {exc}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, column, message = syntax_error_place(text, exc)
        problem = FileProblem(config_path, line, column, "", message)
        raise FileProblems([problem]) from exc
    settings = validated_settings(data, config_path, locate(text))
    settings.config_path = config_path.resolve()
    _resolve_relative_paths(settings, config_path.resolve().parent)
    return settings


def validated_settings(
    data: dict[str, Any],
    config_path: Path | None = None,
    positions: TomlPositions | None = None,
) -> Settings:
    """``data`` (the file's tables) with the environment's overrides, checked as a whole."""
    # environment first: an INTROGATE_... variable overrides the file's value
    overrides = environment_overrides(Settings, ENV_PREFIX, ENV_NESTING)
    try:
        return Settings(**merged(data, overrides))
    except ValidationError as exc:
        where = config_path or Path("(built-in defaults)")
        problems = [_problem(where, positions or TomlPositions(), error) for error in exc.errors()]
        raise FileProblems(problems) from exc


def _problem(config_path: Path, positions: TomlPositions, error: Any) -> FileProblem:
    loc: tuple[int | str, ...] = tuple(error["loc"])
    if error["type"] == "extra_forbidden":
        message = f"unknown key {str(loc[-1])!r}"
        hint = closest(str(loc[-1]), keys_at(Settings, loc[:-1]))
        if hint:
            message += f" (did you mean {hint!r}?)"
    elif error["type"] in ("value_error", "assertion_error"):
        message = str(error["msg"]).removeprefix("Value error, ")
    else:
        message = str(error["msg"])
        if error["type"] != "missing" and "input" in error and not _secret(loc):
            message += f" (got {_shown(error['input'])})"
    variable = _environment_variable(loc)
    if variable is not None:
        return FileProblem(f"environment variable {variable}", None, None, _dotted(loc), message)
    if error["type"] == "extra_forbidden":
        at = positions.key(loc)
    elif error["type"] == "missing":
        at = positions.key(loc[:-1])
    else:
        at = positions.value(loc)
    return FileProblem(config_path, at.line, at.column, _dotted(loc), message)


def _environment_variable(loc: tuple[int | str, ...]) -> str | None:
    """The ``INTROGATE_...`` variable that set the value at ``loc``, if one did."""
    names = {name.upper(): name for name in os.environ}
    parts: list[str] = []
    found: str | None = None
    for part in loc:
        if isinstance(part, int):
            break
        parts.append(part.upper())
        candidate = ENV_PREFIX + ENV_NESTING.join(parts)
        if candidate in names:
            found = names[candidate]
    return found


def _secret(loc: tuple[int | str, ...]) -> bool:
    """A bad value under a password key is never echoed: it may be the password."""
    return any(isinstance(part, str) and "password" in part for part in loc)


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    text = f'"{value}"' if isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _dotted(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _resolve_relative_paths(settings: Settings, base: Path) -> None:
    def fix(path: Path) -> Path:
        expanded = path.expanduser()
        return expanded if expanded.is_absolute() else base / expanded

    settings.rules.paths = [fix(p) for p in settings.rules.paths]
    if settings.templates.path is not None:
        settings.templates.path = fix(settings.templates.path)
    settings.state.path = fix(settings.state.path)
    settings.recognition.networks_paths = [fix(p) for p in settings.recognition.networks_paths]
    settings.contacts.files = [fix(p) for p in settings.contacts.files]
    if settings.contacts.allowlist is not None:
        settings.contacts.allowlist = fix(settings.contacts.allowlist)
    if settings.web.tls_cert is not None:
        settings.web.tls_cert = fix(settings.web.tls_cert)
    if settings.web.tls_key is not None:
        settings.web.tls_key = fix(settings.web.tls_key)
    for account in settings.accounts:
        if account.maildir is not None:
            account.maildir = fix(account.maildir)
        oauth2 = account.imap.oauth2 if account.imap is not None else None
        if oauth2 is not None and oauth2.token_file is not None:
            oauth2.token_file = fix(oauth2.token_file)
