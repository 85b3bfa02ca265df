"""The shipped rules do what the README promises, and every rule snippet in the README checks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from introgate.config import Settings
from introgate.rules import load_rules, rules_json_schema
from introgate.rules.actions import ALL as ACTIONS
from introgate.rules.conditions import ALL as CONDITIONS
from tests.rules.rules_kit import NOW, mail, request

README = Path(__file__).resolve().parents[2] / "README.md"


def decide(**facts: object) -> tuple[list[str], list[dict[str, object]]]:
    rules = load_rules(Settings())
    evaluation = rules.evaluate(request(**facts), now=NOW)  # type: ignore[arg-type]
    return evaluation.matched, [action.describe() for action in evaluation.actions]


def test_a_spoofed_request_is_flagged_and_never_answered() -> None:
    assert decide(authenticated=False, known=False) == (
        ["suspicious"],
        [{"type": "label", "value": "introgate/suspicious"}, {"type": "flag"}],
    )


def test_a_known_requester_is_only_labelled() -> None:
    assert decide(known=True) == (["known"], [{"type": "label", "value": "introgate/known"}])


def test_a_request_with_a_real_note_is_labelled_introduced() -> None:
    assert decide(note="We met at the Hamburg meetup", known=False) == (
        ["introduced"],
        [{"type": "label", "value": "introgate/introduced"}],
    )


def test_a_stranger_without_a_note_is_archived_and_asked() -> None:
    assert decide(known=False, language="de", authenticated=None) == (
        ["unexplained"],
        [
            {"type": "label", "value": "introgate/unexplained"},
            {"type": "draft", "template": "ask-intro", "language": "de"},
            {"type": "archive"},
        ],
    )


@pytest.mark.parametrize("kind", ["follow"])
def test_ordinary_mail_and_mere_follows_are_left_alone(kind: str) -> None:
    rules = load_rules(Settings())
    assert rules.evaluate(mail(), now=NOW).actions == []
    assert rules.evaluate(request(kind=kind, known=False), now=NOW).actions == []


def test_the_schema_knows_every_condition_and_action() -> None:
    schema = rules_json_schema()
    definitions = schema["$defs"]
    assert set(definitions["When"]["properties"]) == {c.key for c in CONDITIONS} | {"any", "not"}
    assert set(definitions["Then"]["properties"]) == {a.key for a in ACTIONS} | {"continue"}
    assert set(definitions["Rule"]["properties"]) == {
        "name",
        "description",
        "enabled",
        "continue",
        "when",
        "then",
    }
    assert schema["properties"]["rule"]["items"] == {"$ref": "#/$defs/Rule"}


def readme_rule_snippets() -> list[str]:
    if not README.is_file():
        return []
    blocks = re.findall(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    return [block for block in blocks if "[[rule]]" in block]


@pytest.mark.skipif(not readme_rule_snippets(), reason="the README has no rule snippets yet")
@pytest.mark.parametrize("snippet", readme_rule_snippets())
def test_every_rule_snippet_in_the_readme_checks(snippet: str, tmp_path: Path) -> None:
    (tmp_path / "snippet.toml").write_text(snippet, encoding="utf-8")
    rules = load_rules(Settings(rules={"use_shipped": False, "paths": [tmp_path]}))
    assert rules.names
