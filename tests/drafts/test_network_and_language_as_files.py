"""A network and a language are data: files in the user's folders, no code change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from introgate.backends.maildir import MaildirBackend
from introgate.config import Settings, load_settings
from introgate.pipeline import Engine, PassReport
from introgate.state import SqliteStore
from tests.conftest import FIXTURES
from tests.drafts.drafts_kit import body_of, drafts_in, read_message

BLUESKY_SOCIAL = """
name = "bluesky-social"
label = "Bluesky Social"
domains = ["bsky.example"]
language_phrases.fr = ['Voir le profil']

[[requests]]
kind = "connection_request"
subjects.fr = ['vous a envoyé une demande de contact']
subjects.en = ['sent you a contact request']

[[extract]]
source = "subject"
pattern = '^(?P<name>.+?) (?:vous a envoyé|sent you)'

[[profile_links]]
pattern = '^https://bsky\\.example/profile/(?P<handle>[\\w.-]+)$'
"""

ASK_INTRO_FR = """\
{% block answer_on_network %}
{{ reply_link }}
(Pas d'adresse e-mail connue pour {{ requester.name }} : envoyez le texte ci-dessous sur \
{{ network.label }} et laissez ces lignes de côté.)
{% endblock %}
{% block subject %}Votre demande sur {{ network.label }}{% endblock %}
{% block body %}
Bonjour {{ requester.first_name }},

merci pour votre demande sur {{ network.label }}. D'où nous connaissons-nous ?

{{ identity.name }}
{% endblock %}
"""


def bluesky_request(name: str, handle: str, subject: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Bluesky Social <notifications@bsky.example>"
    message["To"] = "alex@example.org"
    message["Subject"] = f"{name} {subject}"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain="bsky.example")
    message.set_content(
        f"{name} {subject}.\n\nVoir le profil : https://bsky.example/profile/{handle}\n"
    )
    return message.as_bytes()


def test_a_french_template_and_a_network_file_are_enough_for_a_french_draft(
    write_config: Callable[..., Path], maildir: MaildirBackend, tmp_path: Path
) -> None:
    (tmp_path / "networks").mkdir()
    (tmp_path / "networks" / "bluesky-social.toml").write_text(BLUESKY_SOCIAL, "utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "ask-intro.fr.txt.j2").write_text(ASK_INTRO_FR, "utf-8")
    settings = load_settings(
        write_config(
            '[recognition]\nnetworks_paths = ["networks"]\n[templates]\npath = "templates"\n'
        )
    )
    (maildir.root / "new" / "1.camille").write_bytes(
        bluesky_request("Camille Dupont", "camille.example", "vous a envoyé une demande de contact")
    )

    report = run(settings, maildir)

    [decision] = report.decisions
    assert decision.notification is not None
    assert (decision.notification.network, decision.notification.language) == (
        "bluesky-social",
        "fr",
    )
    [path] = drafts_in(maildir)
    draft = read_message(path)
    assert (draft["Subject"], draft["Content-Language"]) == (
        "Votre demande sur Bluesky Social",
        "fr",
    )
    assert body_of(draft) == (
        "https://bsky.example/profile/camille.example\n"
        "(Pas d'adresse e-mail connue pour Camille Dupont : envoyez le texte ci-dessous sur "
        "Bluesky Social et laissez ces lignes de côté.)\n\n"
        "Bonjour Camille,\n\n"
        "merci pour votre demande sur Bluesky Social. D'où nous connaissons-nous ?\n\n"
        "Alex Beispiel\n"
    )


def test_a_user_network_without_a_template_language_of_its_own_drafts_with_its_label(
    write_config: Callable[..., Path], maildir: MaildirBackend, tmp_path: Path
) -> None:
    (tmp_path / "networks").mkdir()
    (tmp_path / "networks" / "bluesky-social.toml").write_text(BLUESKY_SOCIAL, "utf-8")
    settings = load_settings(write_config('[recognition]\nnetworks_paths = ["networks"]\n'))
    (maildir.root / "new" / "1.camille").write_bytes(
        bluesky_request("Camille Dupont", "camille.example", "sent you a contact request")
    )

    run(settings, maildir)

    [path] = drafts_in(maildir)
    assert (
        read_message(path)["Subject"]
        == "Camille Dupont – your connection request on Bluesky Social"
    )


def test_the_label_of_a_shipped_network_file_is_the_name_in_the_draft(
    write_config: Callable[..., Path], maildir: MaildirBackend, tmp_path: Path
) -> None:
    (tmp_path / "10-followers.toml").write_text(
        '[[rule]]\nname = "greet followers"\n'
        'when = { network = "twitter", kind = "follow" }\nthen = { draft = true }\n',
        "utf-8",
    )
    settings = load_settings(write_config('[rules]\npaths = ["10-followers.toml"]\n'))
    fixture = FIXTURES / "twitter" / "en-none-multipart-qp.eml"
    (maildir.root / "new" / "1.priya").write_bytes(fixture.read_bytes())

    run(settings, maildir)

    [path] = drafts_in(maildir)
    draft = read_message(path)
    assert draft["Subject"] == "Priya Raman – thanks for the follow on X/Twitter"
    assert body_of(draft).splitlines()[:2] == [
        "https://twitter.com/priya_raman",
        "(No e-mail address known for Priya Raman: send the text below on X/Twitter, "
        "without these lines.)",
    ]


def run(settings: Settings, maildir: MaildirBackend) -> PassReport:
    engine = Engine.load(settings)
    with SqliteStore(settings.state.path) as store:
        return engine.run(settings.accounts[0], maildir, store)
