"""What a requester would read: register per network, wording per kind, names, signatures.

Real notifications go into a Maildir, ``introgate run --once`` drafts the replies as a user
runs it, and each draft is read back from the Drafts folder.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from introgate.backends.maildir import MaildirBackend
from introgate.config import Settings, load_settings
from introgate.drafts.names import greeting_name
from introgate.drafts.templates import ReplyTemplates, reply_variables
from introgate.recognition.model import Requester, RequestNotification
from tests.drafts.drafts_kit import body_of, drafts_in, read_message

BLIND = Path(__file__).parent.parent / "fixtures" / "blind"


def run_once(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "introgate", "run", "--once", "--config", str(config)],
        capture_output=True,
        text=True,
        env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"},
        check=False,
    )


def drafted(maildir: MaildirBackend, config: Path, *fixtures: str) -> dict[str, tuple[str, str]]:
    """Subject and body of each draft, by the first word of its subject."""
    for name in fixtures:
        shutil.copy(BLIND / name, maildir.root / "new" / name.replace(".eml", ""))
    result = run_once(config)
    assert result.returncode == 0, result.stderr
    found = {}
    for path in drafts_in(maildir):
        message = read_message(path)
        found[str(message["Subject"]).split()[0]] = (str(message["Subject"]), body_of(message))
    return found


@pytest.fixture
def config(write_config: Callable[..., Path]) -> Path:
    return write_config()


def test_each_network_is_answered_in_its_own_register_and_words(
    maildir: MaildirBackend, config: Path
) -> None:
    drafts = drafted(
        maildir,
        config,
        "fb02_de_friend.eml",
        "ma02_follow_request_local_de.eml",
        "xi03_de_nomsg.eml",
        "ig01_en.eml",
    )
    subject, body = drafts["Jürgen"]
    assert subject == "Jürgen Groß – deine Freundschaftsanfrage auf Facebook"
    assert body.endswith(
        "Hallo Jürgen,\n\n"
        "danke für deine Freundschaftsanfrage auf Facebook. Ich nehme nur Anfragen an, bei "
        "denen ich weiß, woher wir uns kennen – hilfst du mir kurz auf die Sprünge?\n\n"
        "Viele Grüße\nAlex\n"
    )
    # Mastodon gives only the account: no "Hallo carola"
    subject, body = drafts["@carola"]
    assert subject == "@carola – deine Folgeanfrage auf Mastodon"
    assert "\n\nHallo,\n\ndanke für deine Folgeanfrage auf Mastodon. " in body
    xing = next(text for key, text in drafts.items() if "XING" in text[0])
    assert xing[0].endswith(" – Ihre Kontaktanfrage auf XING")
    assert "danke für Ihre Kontaktanfrage auf XING. " in xing[1]
    assert "helfen Sie mir kurz auf die Sprünge?\n\nViele Grüße\nAlex Beispiel\n" in xing[1]
    subject, body = drafts["Zoë"]
    assert subject == "Zoë O'Connor – your follow request on Instagram"
    assert body.endswith(
        "Hi Zoë,\n\n"
        "Thanks for your request to follow me on Instagram. I only accept requests when I "
        "know where we've met – could you remind me?\n\n"
        "Best wishes,\nAlex\n"
    )


def test_network_messages_get_the_short_network_signature_never_the_email_one(
    maildir: MaildirBackend, write_config: Callable[..., Path]
) -> None:
    config = write_config()
    text = config.read_text(encoding="utf-8").replace(
        'signature = "Alex"',
        'signature = "Alex Beispiel\\nBeispiel Consulting · +49 30 1234567"\n'
        'network_signature = "Alex Beispiel · beispiel.example"',
    )
    config.write_text(text, encoding="utf-8")
    [(_subject, body)] = drafted(maildir, config, "xi03_de_nomsg.eml").values()
    assert "+49" not in body
    # the signature names the user: the name appears once
    assert body.endswith(
        "helfen Sie mir kurz auf die Sprünge?\n\nViele Grüße\nAlex Beispiel · beispiel.example\n"
    )


def variables_for(
    settings: Settings, network: str, name: str, language: str, *, recipient: str | None = None
) -> dict[str, object]:
    templates = ReplyTemplates(settings)
    notification = RequestNotification(
        network=network,
        network_label=templates.networks.label(network),
        kind="connection_request",
        requester=Requester(name=name, profile_url="https://www.xing.com/profile/J_Gross"),
        language=language,
    )
    return reply_variables(
        notification,
        settings.identity,
        language=language,
        recipient=recipient,
        reply_link="https://www.xing.com/profile/J_Gross",
        register=templates.register(network, language),
    )


@pytest.mark.parametrize(
    ("name", "language", "greeting", "closing"),
    [
        ("Herr Dr. Jan Groß", "de", "Sehr geehrter Herr Dr. Groß,", "Mit freundlichen Grüßen"),
        ("Frau Anna Schäfer", "de", "Sehr geehrte Frau Schäfer,", "Mit freundlichen Grüßen"),
        ("Jan Groß", "de", "Guten Tag Jan Groß,", "Mit freundlichen Grüßen"),
        ("Dr. Jan Groß", "en", "Dear Dr. Groß,", "Kind regards,"),
        ("Ms Anna Schäfer", "en", "Dear Ms Schäfer,", "Kind regards,"),
    ],
)
def test_formal_greetings_are_a_users_choice_on_formal_networks(
    write_config: Callable[..., Path], name: str, language: str, greeting: str, closing: str
) -> None:
    settings = load_settings(write_config())
    settings.identity.formal_greeting = True
    rendered = ReplyTemplates(settings).render(
        "ask-intro", language, variables_for(settings, "xing", name, language)
    )
    assert rendered.body.startswith(greeting + "\n\n")
    assert f"\n\n{closing}\nAlex Beispiel\n" in rendered.body
    # on a network that says "du", there is no "Sehr geehrter"
    informal = ReplyTemplates(settings).render(
        "ask-intro", language, variables_for(settings, "facebook", name, language)
    )
    assert informal.body.startswith(("Hallo ", "Hi "))


@pytest.mark.parametrize(
    ("name", "handle", "url", "first"),
    [
        ("lena", None, "https://norden.social/@lena", None),
        ("bob@fosstodon.org", None, "https://fosstodon.org/@bob", None),
        ("Lena Berg", "@lena@norden.social", "https://norden.social/@lena", "Lena"),
        ("Herr Groß", None, None, None),
        ("Dr. Eva Müller", None, None, "Eva"),
        ("Mia 🌸 Svensson", None, None, "Mia"),
        ("<img src=x onerror=alert(1)>", None, None, None),
        ("Anna Berg | Coach", None, None, "Anna"),
        ("Anne-Marie O'Brien", None, None, "Anne-Marie"),
    ],
)
def test_a_handle_is_never_greeted_as_a_name(
    name: str, handle: str | None, url: str | None, first: str | None
) -> None:
    assert greeting_name(name, handle, url).first_name == first
