"""Configuration: every option documented, typos named, secrets never required in the file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from introgate.config import load_settings
from introgate.errors import ConfigError

REPO = Path(__file__).resolve().parent.parent


def test_example_config_loads_and_documents_every_section() -> None:
    settings = load_settings(REPO / "config.example.toml")
    assert [a.backend for a in settings.accounts] == ["imap"]
    assert 'backend = "maildir"' in (REPO / "config.example.toml").read_text()
    text = (REPO / "config.example.toml").read_text()
    for section in (
        "[identity]",
        "[trust]",
        "[rules]",
        "[templates]",
        "[state]",
        "[recognition]",
        "[contacts]",
        "[smtp]",
        "[web]",
        "[[accounts]]",
    ):
        assert section in text


def test_typo_in_key_names_file_key_and_suggestion(write_config: Callable[..., Path]) -> None:
    path = write_config('[templates]\npaht = "x"\n')
    with pytest.raises(ConfigError) as error:
        load_settings(path)
    assert str(error.value) == (
        f"{path}:24:1: templates.paht: unknown key 'paht' (did you mean 'path'?)"
    )


def test_typo_inside_an_account_names_its_position(write_config: Callable[..., Path]) -> None:
    path = write_config("poll_intervall = 60\n")
    with pytest.raises(
        ConfigError, match=r"accounts\[0\]\.poll_intervall: unknown key .*'poll_interval'"
    ):
        load_settings(path)


def test_environment_overrides_file(
    write_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTROGATE_IDENTITY__NAME", "From Env")
    monkeypatch.setenv("INTROGATE_RECOGNITION__MAX_MESSAGE_BYTES", "1234")
    settings = load_settings(write_config())
    assert settings.identity.name == "From Env"
    assert settings.recognition.max_message_bytes == 1234


def test_relative_paths_resolve_against_the_config_folder(
    write_config: Callable[..., Path], tmp_path: Path
) -> None:
    settings = load_settings(write_config())
    assert settings.state.path == tmp_path / "state.sqlite3"
    assert settings.accounts[0].maildir == tmp_path / "Maildir"


def test_missing_file_and_bad_toml_are_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_settings(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[identity\nname = 1\n")
    with pytest.raises(ConfigError) as error:
        load_settings(bad)
    assert str(error.value) == (
        f"{bad}:1:10: not valid TOML: Expected ']' at the end of a table declaration"
    )


def test_password_in_settings_never_prints(
    write_config: Callable[..., Path], tmp_path: Path
) -> None:
    path = write_config(
        '\n[[accounts]]\nname = "work"\nbackend = "imap"\n'
        '[accounts.imap]\nhost = "imap.example.org"\nusername = "me"\npassword = "hunter2"\n'
    )
    settings = load_settings(path)
    assert "hunter2" not in repr(settings) and "hunter2" not in str(settings.model_dump())


def test_environment_sets_lists_and_tables_as_json_and_leaves_other_variables_alone(
    write_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("introgate_identity__addresses", '["a@example.org", "b@example.org"]')
    monkeypatch.setenv("INTROGATE_TRUST", '{"authserv_ids": ["mx.env.example"]}')
    monkeypatch.setenv("INTROGATE_SMTP__HOST", "smtp.env.example")
    monkeypatch.setenv("INTROGATE_SMTP__PORT", "2525")
    monkeypatch.setenv("INTROGATE_WORK_PASSWORD", "not a setting")  # a password_env variable
    settings = load_settings(write_config())
    assert settings.identity.addresses == ["a@example.org", "b@example.org"]
    assert settings.identity.name == "Alex Beispiel"  # the rest of the section from the file
    assert settings.trust.authserv_ids == ["mx.env.example"]
    assert settings.smtp is not None
    assert (settings.smtp.host, settings.smtp.port) == ("smtp.env.example", 2525)


def test_a_list_in_the_environment_that_is_not_json_names_the_variable(
    write_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTROGATE_IDENTITY__ADDRESSES", "a@example.org")
    with pytest.raises(ConfigError, match=r"^environment variable INTROGATE_IDENTITY__ADDRESSES: "):
        load_settings(write_config())
