"""Reply templates: shipped German and English, user overrides, strict and sandboxed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from introgate.config import Settings, load_settings
from introgate.drafts.templates import (
    ReplyTemplates,
    TemplateProblem,
    check_templates,
    reply_variables,
    sample_notification,
)
from introgate.resources import shipped_templates_dir


def render(settings: Settings, language: str, *, with_extras: bool) -> tuple[str, str]:
    notification = sample_notification(with_extras=with_extras)
    variables = reply_variables(
        notification, settings.identity, language=language, recipient=None, reply_link=None
    )
    rendered = ReplyTemplates(settings).render("ask-intro", language, variables)
    return rendered.subject, rendered.body


def test_shipped_german_template_asks_warmly_and_signs_with_the_users_name(
    settings: Settings,
) -> None:
    assert render(settings, "de", with_extras=True) == (
        "Dr. Eva Müller-Łukasiewicz – Ihre Kontaktanfrage auf LinkedIn",
        "Hallo Eva,\n\n"
        "danke für Ihre Kontaktanfrage auf LinkedIn und Ihre Nachricht. Ich nehme nur "
        "Anfragen an, bei denen ich weiß, woher wir uns kennen – helfen Sie mir kurz auf die "
        "Sprünge?\n\n"
        "Viele Grüße\nAlex Beispiel\n",
    )


def test_shipped_english_template_without_note_or_mutual_contacts(settings: Settings) -> None:
    assert render(settings, "en", with_extras=False) == (
        "Dr. Eva Müller-Łukasiewicz – your connection request on LinkedIn",
        "Hi Eva,\n\n"
        "Thanks for your connection request on LinkedIn. I only accept requests when I know "
        "where we've met – could you remind me?\n\n"
        "Best wishes,\nAlex Beispiel\n",
    )


def test_shipped_templates_pass_the_check(settings: Settings) -> None:
    assert sorted(p.name for p in shipped_templates_dir().glob("*.j2")) == [
        "ask-intro.de.txt.j2",
        "ask-intro.en.txt.j2",
    ]
    assert check_templates(settings) == []


@pytest.fixture
def user_templates(tmp_path: Path) -> Path:
    folder = tmp_path / "my-templates"
    folder.mkdir()
    return folder


@pytest.fixture
def with_user_templates(write_config: Callable[..., Path], user_templates: Path) -> Settings:
    return load_settings(write_config('[templates]\npath = "my-templates"\n'))


def test_a_user_template_of_the_same_name_replaces_the_shipped_one(
    with_user_templates: Settings, user_templates: Path
) -> None:
    (user_templates / "ask-intro.en.txt.j2").write_text(
        "{% block subject %}Hello from {{ identity.first_name }}{% endblock %}\n"
        "{% block body %}Yo {{ requester.first_name }}!{% endblock %}\n",
        encoding="utf-8",
    )
    assert render(with_user_templates, "en", with_extras=False) == ("Hello from Alex", "Yo Eva!\n")
    assert render(with_user_templates, "de", with_extras=False)[0] == (
        "Dr. Eva Müller-Łukasiewicz – Ihre Kontaktanfrage auf LinkedIn"
    )
    assert check_templates(with_user_templates) == []


def test_a_new_language_without_answer_on_network_lines_is_reported(
    with_user_templates: Settings, user_templates: Path
) -> None:
    path = user_templates / "ask-intro.fr.txt.j2"
    path.write_text(
        "{% block subject %}Bonjour{% endblock %}\n{% block body %}Salut !{% endblock %}\n",
        encoding="utf-8",
    )
    assert check_templates(with_user_templates) == [
        f"{path}: needs a {{% block answer_on_network %}}...{{% endblock %}} for drafts "
        "without a recipient (the lines that tell you to answer on the network)"
    ]


def test_a_misspelt_variable_is_reported_with_file_and_line(
    with_user_templates: Settings, user_templates: Path
) -> None:
    path = user_templates / "ask-intro.en.txt.j2"
    path.write_text(
        "{% block subject %}Hi{% endblock %}\n{% block body %}\nHello\n"
        "{{ requester.fist_name }}\n{% endblock %}\n",
        encoding="utf-8",
    )
    [problem] = check_templates(with_user_templates)
    assert problem == (
        f"{path}: line 4: 'dict object' has no attribute 'fist_name' (did you mean 'first_name'?)"
    )


def test_a_syntax_error_is_reported_with_file_and_line(
    with_user_templates: Settings, user_templates: Path
) -> None:
    path = user_templates / "ask-intro.de.txt.j2"
    path.write_text("{% block subject %}Hi{% endblock %}\n{% block body %}{% if %}\n", "utf-8")
    [problem] = check_templates(with_user_templates)
    assert problem.startswith(f"{path}: line 2: ")


def test_a_template_cannot_reach_python_internals(
    with_user_templates: Settings, user_templates: Path
) -> None:
    (user_templates / "ask-intro.en.txt.j2").write_text(
        "{% block subject %}{{ requester.__class__.__mro__ }}{% endblock %}"
        "{% block body %}{{ ''.__class__.__subclasses__() }}{% endblock %}",
        encoding="utf-8",
    )
    [problem] = check_templates(with_user_templates)
    assert "ask-intro.en.txt.j2" in problem
    with pytest.raises(TemplateProblem):
        render(with_user_templates, "en", with_extras=False)


def test_missing_blocks_and_badly_named_files_are_reported(
    with_user_templates: Settings, user_templates: Path
) -> None:
    (user_templates / "ask-intro.en.txt.j2").write_text("Subject: Hi\n\nHello\n", "utf-8")
    (user_templates / "follow-up.txt.j2").write_text("x", "utf-8")
    (user_templates / "follow-up.de.txt.j2").write_text(
        "{% block subject %}Hi{% endblock %}{% block body %}Hallo{% endblock %}", "utf-8"
    )
    problems = check_templates(with_user_templates)
    assert problems == [
        f"{user_templates / 'ask-intro.en.txt.j2'}: needs a "
        "{% block subject %}...{% endblock %} (a template has a subject block and a body block)",
        f"{user_templates / 'follow-up.txt.j2'}: template files are named "
        "<name>.<language>.txt.j2, e.g. ask-intro.en.txt.j2",
        "reply template 'follow-up' has no follow-up.en.txt.j2 for the default language "
        "(identity.default_language = 'en')",
    ]


@pytest.mark.parametrize(
    ("wanted", "notification_language", "chosen"),
    [
        ("auto", "de", "de"),
        ("auto", "de-AT", "de"),
        ("auto", "en", "en"),
        ("auto", "fr", "en"),
        ("auto", None, "en"),
        ("de", "en", "de"),
    ],
)
def test_language_choice(
    settings: Settings, wanted: str, notification_language: str | None, chosen: str
) -> None:
    templates = ReplyTemplates(settings)
    assert templates.choose_language("ask-intro", wanted, notification_language, "en") == chosen


def test_an_unknown_template_is_a_clear_error(settings: Settings) -> None:
    with pytest.raises(TemplateProblem, match="no reply template 'welcome'"):
        ReplyTemplates(settings).choose_language("welcome", "auto", "de", "en")


def test_the_check_asks_for_a_from_address() -> None:
    assert check_templates(Settings()) == [
        "identity.addresses is empty: drafted replies need a From address"
    ]
