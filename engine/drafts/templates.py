"""Reply templates: Jinja2 files with a ``subject`` and a ``body`` block, one file per language.

A template is ``<name>.<language>.txt.j2`` (``ask-intro.de.txt.j2``). The user's template
folder (``[templates] path``) is searched before the shipped one, so a file of the same
name there replaces the shipped template. Subject and body are two Jinja2 blocks rather
than a "Subject:" line so a value with a line break can never move text from one into the
other. Rendering is sandboxed (a template cannot reach Python internals) and strict (a
misspelt variable is an error, not an empty string), and ``check_templates`` renders every
file once so such errors show at ``introgate check``, not in the middle of a pass.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, get_args

from jinja2 import (
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateSyntaxError,
    UndefinedError,
)
from jinja2.sandbox import ImmutableSandboxedEnvironment

from introgate.config import Identity, Settings
from introgate.drafts.names import greeting_name
from introgate.drafts.untrusted import one_line, paragraphs, web_link
from introgate.errors import IntrogateError
from introgate.near_miss import closest
from introgate.recognition.model import Requester, RequestKind, RequestNotification
from introgate.recognition.registry import NetworkRegistry
from introgate.resources import shipped_templates_dir

SUFFIX = ".txt.j2"
BLOCKS = ("subject", "body")
# lines for the user above a draft that has no recipient ("answer on the network"): a block
# of its own, so they are never mixed into the message text and can be left out when sent
INSTRUCTIONS = "answer_on_network"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_FILE = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9_-]*)\.(?P<language>[a-z]{2})\.txt\.j2")
_TITLES = {"dr", "dr.", "prof", "prof.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "herr", "frau"}


class TemplateProblem(IntrogateError):
    """A reply template is missing, broken or renders to nothing."""


@dataclass(frozen=True)
class RenderedReply:
    subject: str
    body: str
    language: str
    source: str  # the template file, for logs and the audit log
    # the ``answer_on_network`` block, rendered only for a draft without recipient: lines
    # for the user, not for the requester; empty when the draft has a recipient
    instructions: str = ""


def network_label(notification: RequestNotification) -> str:
    """The network file's ``label``; the id only for a notification made without one."""
    return notification.network_label or notification.network


def first_name(name: str) -> str:
    """The user's own first name (to sign with): the first word that is not a title."""
    words = one_line(name).split()
    if len(words) == 1 and "@" in words[0]:
        return words[0].lstrip("@").split("@")[0]
    for word in words:
        if word.lower() not in _TITLES:
            return word
    return words[0] if words else ""


def reply_variables(
    notification: RequestNotification,
    identity: Identity,
    *,
    language: str,
    recipient: str | None,
    reply_link: str | None,
    register: str = "formal",
) -> dict[str, Any]:
    """What a template sees. Every value from the notification is cleaned first.

    ``register`` ("formal"/"informal") is the network file's for the language. The
    signature is the e-mail one for a draft with a recipient and the short network one
    otherwise; ``sign_name`` is left empty when that signature already carries the name,
    so the name appears once.
    """
    requester = notification.requester
    label = network_label(notification)
    name = one_line(requester.name)  # "" when the mail showed no name to greet
    parts = greeting_name(name, requester.handle, requester.profile_url)
    signature = (identity.signature if recipient else identity.network_signature).strip("\n")
    own_first = first_name(identity.name)
    sign_name = own_first if register == "informal" and own_first else identity.name
    signed_by = signature.split("\n", 1)[0].casefold()
    if any(part.casefold() in signed_by for part in (identity.name, own_first) if part):
        sign_name = ""  # the signature names the user already: the name appears once
    return {
        "requester": {
            "name": name,
            "display": parts.display,
            "first_name": parts.first_name,
            "last_name": parts.last_name,
            "full_name": parts.full_name,
            "formal_name": parts.formal_name,
            "title": parts.title,
            "gender": parts.gender,
            "profile_url": web_link(requester.profile_url),
            "handle": one_line(requester.handle) or None,
            "network_label": label,
        },
        "network": {"id": notification.network, "label": label},
        "kind": notification.kind,
        "register": register,
        "formal_greeting": identity.formal_greeting,
        "note": paragraphs(notification.note) or None,
        "mutual_connections": notification.mutual_connections,
        "date": notification.date,
        "identity": {
            "name": identity.name,
            "first_name": own_first,
            "address": identity.addresses[0] if identity.addresses else None,
            "signature": identity.signature.strip("\n"),
            "network_signature": identity.network_signature.strip("\n"),
        },
        "signature": signature or None,
        "sign_name": sign_name or None,
        "language": language,
        "recipient": recipient,
        "reply_link": reply_link,
    }


def _environment(folders: list[Path]) -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(
        loader=FileSystemLoader([str(folder) for folder in folders]),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


class ReplyTemplates:
    """The templates of one configuration, compiled once and reused for every draft."""

    def __init__(self, settings: Settings, networks: NetworkRegistry | None = None) -> None:
        """``networks``: the registry already read (the engine's), else read here."""
        self.folders: list[Path] = []
        if settings.templates.path is not None:
            self.folders.append(settings.templates.path)
        self.folders.append(shipped_templates_dir())
        self._env = _environment(self.folders)
        # valid network files only: a broken one is `introgate check`'s to report
        self.networks = networks if networks is not None else NetworkRegistry.read(settings)[0]
        # a user's template without an answer_on_network block borrows the shipped one's
        self._shipped_env = _environment(self.folders[-1:])

    def files(self) -> dict[str, Path]:
        """Every ``*.txt.j2`` by file name; the user's folder wins over the shipped one."""
        found: dict[str, Path] = {}
        for folder in self.folders:
            if not folder.is_dir():
                continue
            for path in sorted(folder.glob(f"*{SUFFIX}")):
                found.setdefault(path.name, path)
        return found

    def register(self, network: str, language: str) -> str:
        """ "formal" or "informal": what the network's file says for the language."""
        return self.networks.register(network, language)

    def languages(self, name: str) -> list[str]:
        languages = []
        for file_name in self.files():
            match = _FILE.fullmatch(file_name)
            if match and match["name"] == name:
                languages.append(match["language"])
        return sorted(languages)

    def choose_language(
        self, name: str, wanted: str, notification_language: str | None, default: str
    ) -> str:
        """``auto``: the notification's language when there is a template for it, else default."""
        available = self.languages(name)
        if not available:
            raise TemplateProblem(
                f"no reply template {name!r}: expected {name}.<language>{SUFFIX} in "
                + " or ".join(str(f) for f in self.folders)
            )
        if wanted != "auto":
            if wanted not in available:
                raise TemplateProblem(f"no reply template {name}.{wanted}{SUFFIX}")
            return wanted
        spoken = (notification_language or "").lower().replace("_", "-").split("-")[0]
        if spoken in available:
            return spoken
        if default in available:
            return default
        raise TemplateProblem(
            f"no reply template {name}.{default}{SUFFIX} for the default language "
            f"{default!r} (identity.default_language)"
        )

    def render(self, name: str, language: str, variables: dict[str, Any]) -> RenderedReply:
        if not _NAME.fullmatch(name):
            raise TemplateProblem(f"invalid template name {name!r}")
        file_name = f"{name}.{language}{SUFFIX}"
        try:
            template = self._env.get_template(file_name)
        except TemplateSyntaxError as exc:
            raise TemplateProblem(_describe(exc, file_name)) from exc
        except TemplateError as exc:
            raise TemplateProblem(f"{file_name}: {exc}") from exc
        source = template.filename or file_name
        missing = [block for block in BLOCKS if block not in template.blocks]
        if missing:
            raise TemplateProblem(
                f"{source}: needs a {{% block {missing[0]} %}}...{{% endblock %}} "
                "(a template has a subject block and a body block)"
            )
        try:
            context = template.new_context(dict(variables))
            subject = "".join(template.blocks["subject"](context))
            body = "".join(template.blocks["body"](context))
        except TemplateError as exc:
            raise TemplateProblem(
                _describe(exc, source, template) + _did_you_mean(exc, variables)
            ) from exc
        subject = one_line(subject, limit=250)
        body = paragraphs(body, limit=20000)
        if not subject:
            raise TemplateProblem(f"{source}: the subject block renders to nothing")
        if not body.strip():
            raise TemplateProblem(f"{source}: the body block renders to nothing")
        instructions = ""
        if variables.get("recipient") is None:
            instructions = self._instructions(name, language, template, variables)
        return RenderedReply(
            subject=subject,
            body=body + "\n",
            language=language,
            source=source,
            instructions=instructions,
        )

    def _instructions(
        self, name: str, language: str, template: Template, variables: dict[str, Any]
    ) -> str:
        """The ``answer_on_network`` block, in the draft's language: where to answer when no
        address is known. From the template itself, else from the shipped one of its name
        or the shipped ``ask-intro`` in that language."""
        if INSTRUCTIONS not in template.blocks:
            template = self._shipped_instructions(name, language) or template
        source = template.filename or f"{name}.{language}{SUFFIX}"
        if INSTRUCTIONS not in template.blocks:
            raise TemplateProblem(
                f"{source}: needs a {{% block {INSTRUCTIONS} %}}...{{% endblock %}} for drafts "
                "without a recipient (the lines that tell you to answer on the network)"
            )
        try:
            text = "".join(template.blocks[INSTRUCTIONS](template.new_context(dict(variables))))
        except TemplateError as exc:
            raise TemplateProblem(
                _describe(exc, source, template) + _did_you_mean(exc, variables)
            ) from exc
        text = paragraphs(text, limit=2000).strip("\n")
        if not text.strip():
            raise TemplateProblem(f"{source}: the {INSTRUCTIONS} block renders to nothing")
        return text

    def _shipped_instructions(self, name: str, language: str) -> Template | None:
        for candidate in dict.fromkeys((name, "ask-intro")):
            try:
                template = self._shipped_env.get_template(f"{candidate}.{language}{SUFFIX}")
            except TemplateError:
                continue
            if INSTRUCTIONS in template.blocks:
                return template
        return None


def _describe(exc: TemplateError, source: str, template: Template | None = None) -> str:
    """``file: line N: message`` for syntax errors and for errors raised while rendering."""
    if isinstance(exc, TemplateSyntaxError):
        where = f"{exc.filename or source}: line {exc.lineno}"
    else:
        line = None
        if template is not None:
            # a frame of the compiled template: map its line back to the template file
            for frame in reversed(traceback.extract_tb(exc.__traceback__)):
                if frame.filename == template.filename and frame.lineno is not None:
                    line = template.get_corresponding_lineno(frame.lineno)
                    break
        where = f"{source}: line {line}" if line else source
    return f"{where}: {exc.message or type(exc).__name__}"


def _did_you_mean(exc: TemplateError, variables: dict[str, Any]) -> str:
    """A near miss among the variable names, e.g. ``fist_name`` -> ``first_name``."""
    match = re.search(r"'(\w+)' is undefined|has no attribute '(\w+)'", exc.message or "")
    if not (isinstance(exc, UndefinedError) and match):
        return ""
    wrong = match.group(1) or match.group(2)
    names = set(variables)
    for value in variables.values():
        if isinstance(value, dict):
            names.update(value)
    close = closest(wrong, sorted(names))
    return f" (did you mean {close!r}?)" if close is not None else ""


def sample_notification(
    *, with_extras: bool, kind: RequestKind = "connection_request"
) -> RequestNotification:
    """A request like a real one, for checking templates without a mailbox."""
    return RequestNotification(
        network="linkedin",
        network_label="LinkedIn",
        kind=kind,
        requester=Requester(
            name="Dr. Eva Müller-Łukasiewicz",
            profile_url="https://www.linkedin.com/in/eva-example",
        ),
        note="Hallo! We met at the Berlin meetup.\nWould be glad to stay in touch."
        if with_extras
        else None,
        language="de",
        mutual_connections=3 if with_extras else None,
        reply_link="https://www.linkedin.com/in/eva-example",
        date=datetime(2026, 3, 14, 9, 30, tzinfo=UTC) if with_extras else None,
    )


def check_templates(settings: Settings) -> list[str]:
    """Problems with the reply templates: each file is rendered with sample data."""
    try:
        templates = ReplyTemplates(settings)
    except FileNotFoundError as exc:
        return [str(exc)]
    problems: list[str] = []
    if not settings.identity.addresses:
        problems.append("identity.addresses is empty: drafted replies need a From address")
    if settings.templates.path is not None and not settings.templates.path.is_dir():
        problems.append(f"templates.path: {settings.templates.path} is not a folder")
    files = templates.files()
    names: set[str] = set()
    for file_name, path in files.items():
        match = _FILE.fullmatch(file_name)
        if match is None:
            problems.append(
                f"{path}: template files are named <name>.<language>{SUFFIX}, "
                f"e.g. ask-intro.en{SUFFIX}"
            )
            continue
        names.add(match["name"])
        problem = _render_problem(templates, match["name"], match["language"], settings.identity)
        if problem:
            problems.append(problem)
    default = settings.identity.default_language
    for name in sorted(names):
        if default not in templates.languages(name):
            problems.append(
                f"reply template {name!r} has no {name}.{default}{SUFFIX} for the default "
                f"language (identity.default_language = {default!r})"
            )
    return problems


def _render_problem(
    templates: ReplyTemplates, name: str, language: str, identity: Identity
) -> str | None:
    """The first error rendering one template with and without the optional values, for
    every kind of request, both registers and both greeting styles."""
    for with_extras in (True, False):
        for recipient in ("eva@example.org", None):
            for kind in get_args(RequestKind):
                for register in ("formal", "informal"):
                    notification = sample_notification(with_extras=with_extras, kind=kind)
                    variables = reply_variables(
                        notification,
                        identity.model_copy(update={"formal_greeting": with_extras}),
                        language=language,
                        recipient=recipient,
                        reply_link=None if recipient else notification.reply_link,
                        register=register,
                    )
                    try:
                        templates.render(name, language, variables)
                    except TemplateProblem as exc:
                        return str(exc)
    return None
