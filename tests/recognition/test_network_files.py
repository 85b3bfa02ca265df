"""Network files: the shipped ones load, user files replace them, mistakes point at the place."""

from __future__ import annotations

from pathlib import Path

import pytest

from introgate.config import RecognitionSettings, Settings, Trust
from introgate.errors import ConfigError
from introgate.recognition import NetworkFileErrors, Recogniser
from introgate.recognition.regex_cost import backtracking_risk
from introgate.resources import shipped_networks_dir
from tests.recognition.corpus import FIXTURES

MINIMAL = """\
name = "{name}"
label = "Example"
domains = ["example-network.test"]

[[requests]]
kind = "follow"
subjects.en = ['is now following you']

[[extract]]
source = "subject"
pattern = '^(?P<name>.+?) is now following you'
"""


def load(*paths: Path) -> Recogniser:
    return Recogniser.load(
        Settings(
            trust=Trust(authserv_ids=["mx.example.org"]),
            recognition=RecognitionSettings(networks_paths=list(paths)),
        )
    )


def test_shipped_networks_are_the_six_networks() -> None:
    names = sorted(p.stem for p in shipped_networks_dir().glob("*.toml"))
    assert names == ["facebook", "instagram", "linkedin", "mastodon", "twitter", "xing"]
    assert sorted(n.name for n in load().networks) == names


def test_a_user_network_file_adds_a_network(tmp_path: Path) -> None:
    (tmp_path / "example.toml").write_text(MINIMAL.format(name="example"), encoding="utf-8")
    recogniser = load(tmp_path)
    raw = (
        b"From: Example <robot@example-network.test>\nSubject: Kim Lee is now following you\n"
        b"Message-ID: <1@example-network.test>\n\nhello\n"
    )
    notification = recogniser.recognise(raw).notification
    assert notification is not None
    assert (notification.network, notification.kind, notification.requester.name) == (
        "example",
        "follow",
        "Kim Lee",
    )


def test_a_user_file_with_a_shipped_name_replaces_the_shipped_network(tmp_path: Path) -> None:
    user_file = tmp_path / "my-linkedin.toml"
    user_file.write_text(MINIMAL.format(name="linkedin"), encoding="utf-8")
    recogniser = load(user_file)
    linkedin = next(n for n in recogniser.networks if n.name == "linkedin")
    assert linkedin.source == user_file
    # the shipped LinkedIn knowledge is gone: a real invitation is no longer recognised
    raw = (FIXTURES / "linkedin/en-note-multipart-qp.eml").read_bytes()
    assert recogniser.recognise(raw).requests == []


def broken(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "broken.toml").write_text(text, encoding="utf-8")
    with pytest.raises(NetworkFileErrors) as raised:
        load(tmp_path)
    assert isinstance(raised.value, ConfigError)
    return [str(problem) for problem in raised.value.problems]


def test_misspelt_key_names_file_line_column_network_and_suggests(tmp_path: Path) -> None:
    text = MINIMAL.format(name="example").replace("subjects.en", "subjets.en")
    problems = broken(tmp_path, text)
    path = tmp_path / "broken.toml"
    assert problems == [
        f"{path}:7:1: network \"example\": requests[0].subjets: unknown key 'subjets' "
        "(did you mean 'subjects'?)"
    ]


def test_bad_regex_names_the_field_and_the_pattern(tmp_path: Path) -> None:
    text = MINIMAL.format(name="example").replace("'^(?P<name>.+?) is", "'^(?P<name>.+? is")
    (problem,) = broken(tmp_path, text)
    assert problem.startswith(
        f'{tmp_path / "broken.toml"}:11:1: network "example": extract[0].pattern:'
    )
    assert "not a valid regular expression" in problem


def test_unknown_kind_is_reported_with_the_value(tmp_path: Path) -> None:
    text = MINIMAL.format(name="example").replace('kind = "follow"', 'kind = "befriend"')
    (problem,) = broken(tmp_path, text)
    assert f'{tmp_path / "broken.toml"}:6:1: network "example": requests[0].kind:' in problem
    assert "'befriend'" in problem


def test_invalid_toml_reports_the_position(tmp_path: Path) -> None:
    (problem,) = broken(tmp_path, 'name = "x"\nlabel = \n')
    assert problem.startswith(f"{tmp_path / 'broken.toml'}:2:")
    assert "not valid TOML" in problem


def test_all_broken_files_are_reported_at_once(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('name = "a"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('name = "b"\nlabel = "B"\nrequests = []\n', encoding="utf-8")
    with pytest.raises(NetworkFileErrors) as raised:
        load(tmp_path)
    text = "\n".join(str(problem) for problem in raised.value.problems)
    assert 'network "a": label: Field required' in text
    assert 'network "b": requests: List should have at least 1 item' in text


def test_missing_configured_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(NetworkFileErrors, match="not found"):
        load(tmp_path / "nowhere")


def test_language_keys_must_be_language_codes(tmp_path: Path) -> None:
    text = MINIMAL.format(name="example").replace("subjects.en", "subjects.english")
    (problem,) = broken(tmp_path, text)
    assert (
        "requests[0].subjects: Value error, 'english' is not a two-letter language code" in problem
    )


def audits_in(monkeypatch: pytest.MonkeyPatch, cache: Path) -> list[str]:
    """The patterns audited from now on, with ``cache`` as the user's cache folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    audited: list[str] = []

    def counting(pattern: str, flags: int = 0) -> str | None:
        audited.append(pattern)
        return backtracking_risk(pattern, flags)

    monkeypatch.setattr("introgate.recognition.network_file.backtracking_risk", counting)
    return audited


def test_a_file_is_audited_again_only_when_its_text_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    audited = audits_in(monkeypatch, tmp_path / "cache")
    user_file = tmp_path / "networks" / "example.toml"
    user_file.parent.mkdir()
    user_file.write_text(MINIMAL.format(name="example"), encoding="utf-8")
    load(user_file.parent)
    assert len(audited) > 100  # the shipped files and the user's
    audited.clear()
    assert "example" in {n.name for n in load(user_file.parent).networks}
    assert audited == []
    user_file.write_text(
        MINIMAL.format(name="example").replace("['is now", "['(\\w+\\s?)+ is now"),
        encoding="utf-8",
    )
    with pytest.raises(NetworkFileErrors) as raised:
        load(user_file.parent)
    # the changed file alone: its subject phrase and its extraction pattern
    assert audited == ["(\\w+\\s?)+ is now following you", "^(?P<name>.+?) is now following you"]
    [problem] = [str(problem) for problem in raised.value.problems]
    assert problem.startswith(f'{user_file}:7:1: network "example": requests[0].subjects: ')
    assert "may take exponential time on a hostile mail" in problem


def test_a_broken_file_is_reported_at_every_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    audits_in(monkeypatch, tmp_path / "cache")
    text = MINIMAL.format(name="example").replace("'^(?P<name>.+?) is", "'^(?P<name>.+? is")
    first = broken(tmp_path, text)
    assert broken(tmp_path, text) == first


def test_a_damaged_record_of_audited_files_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    audited = audits_in(monkeypatch, tmp_path / "cache")
    record = tmp_path / "cache" / "introgate" / "networks-audited.json"
    record.parent.mkdir(parents=True)
    for damage in ("{not json", '{"passed": "everything"}', '["a list"]', ""):
        record.write_text(damage, encoding="utf-8")
        audited.clear()
        assert len(load().networks) == 6
        assert len(audited) > 100
    audited.clear()
    load()
    assert audited == []  # the record was written afresh


def test_a_cache_folder_that_cannot_be_written_costs_only_the_audit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the folder would be", encoding="utf-8")
    audited = audits_in(monkeypatch, blocked)
    assert len(load().networks) == 6
    audited.clear()
    assert len(load().networks) == 6
    assert len(audited) > 100
