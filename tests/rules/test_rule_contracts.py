"""The rule engine's extension points: a new condition is one class in the registry, and a
digest's requests move the message only when they all agree on where."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Self

import pytest

from introgate.decide import _merge_plans
from introgate.facts import MessageFacts
from introgate.rules import RuleFileErrors, rules_json_schema
from introgate.rules import conditions as condition_registry
from introgate.rules.conditions import MessageView, SettingCondition
from tests.rules.rules_kit import NOW, LoadRules, mail, request


class SubjectWordsAtLeast(SettingCondition):
    """A condition a user might add: the subject has at least this many words."""

    key: ClassVar[str] = "subject_words_at_least"
    setting: ClassVar[Any] = int
    doc: ClassVar[str] = "The subject has at least this many words."

    def __init__(self, expected: int) -> None:
        super().__init__(expected)
        if expected < 1:
            raise ValueError("must be at least 1")
        self.minimum = expected

    @classmethod
    def compile(cls, setting: int) -> Self:
        return cls(setting)

    def check(self, message: MessageView) -> tuple[Any, bool]:
        words = len(message.facts.subject.split())
        return words, words >= self.minimum


CUSTOM_RULE = """
[[rule]]
name = "long-subjects"
when = { any = [ { subject_words_at_least = 4 }, { subject_matches = "urgent" } ] }
then = { label = "long" }
"""


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The custom condition listed in the registry tuple, as a contributor would add it."""
    monkeypatch.setattr(condition_registry, "ALL", (*condition_registry.ALL, SubjectWordsAtLeast))


@pytest.mark.usefixtures("registered")
def test_a_condition_listed_in_the_registry_works_in_a_rule_and_in_explain(
    load: LoadRules,
) -> None:
    rules = load(CUSTOM_RULE)
    assert rules.evaluate(mail(subject="Lunch on Friday, maybe?"), now=NOW).matched == [
        "long-subjects"
    ]
    evaluation = rules.evaluate(mail(subject="Lunch?"), now=NOW, explain=True)
    assert evaluation.matched == []
    assert evaluation.traces[0].as_json()["conditions"] == [
        {
            "condition": "any",
            "expected": [{"subject_words_at_least": 4}, {"subject_matches": "urgent"}],
            "actual": [
                [
                    {
                        "condition": "subject_words_at_least",
                        "expected": 4,
                        "actual": 1,
                        "result": False,
                    }
                ],
                [
                    {
                        "condition": "subject_matches",
                        "expected": "urgent",
                        "actual": "Lunch?",
                        "result": False,
                    }
                ],
            ],
            "result": False,
        }
    ]


@pytest.mark.usefixtures("registered")
def test_a_registered_condition_refuses_a_bad_setting_at_load_and_is_in_the_schema(
    load: LoadRules, rules_dir: Path
) -> None:
    with pytest.raises(RuleFileErrors) as raised:
        load(CUSTOM_RULE.replace("subject_words_at_least = 4", "subject_words_at_least = 0"))
    assert [str(problem) for problem in raised.value.problems] == [
        f'{rules_dir / "rules.toml"}:4:45: rule "long-subjects": '
        "when.any[0].subject_words_at_least: must be at least 1"
    ]
    when = rules_json_schema()["$defs"]["When"]["properties"]
    assert when["subject_words_at_least"]["description"] == (
        "The subject has at least this many words."
    )


def test_a_condition_not_in_the_registry_is_an_unknown_key(
    load: LoadRules, rules_dir: Path
) -> None:
    with pytest.raises(RuleFileErrors) as raised:
        load(CUSTOM_RULE)
    assert [str(problem) for problem in raised.value.problems] == [
        f'{rules_dir / "rules.toml"}:4:20: rule "long-subjects": '
        'when.any[0].subject_words_at_least: unknown key (did you mean "subject_matches"?)'
    ]


DIGEST_RULES = """
[[rule]]
name = "known"
when = {{ requester_known = true }}
then = {{ label = "known", draft = true, archive = true }}

[[rule]]
name = "unknown"
when = {{ requester_known = false }}
then = {{ label = "unknown", draft = true, {unknown_move} }}
"""


def digest_plan(load: LoadRules, unknown_move: str, *known: bool) -> list[dict[str, Any]]:
    """The merged plan for one digest whose requests are known or not, as `explain` shows it."""
    rules = load(DIGEST_RULES.format(unknown_move=unknown_move))
    evaluations: list[tuple[MessageFacts, Any]] = []
    for index, is_known in enumerate(known):
        facts = request(name=f"Person {index}", known=is_known)
        evaluations.append((facts, rules.evaluate(facts, now=NOW)))
    plan, _ = _merge_plans(evaluations)
    return [step.action.describe() for step in plan]


DRAFT = {"type": "draft", "template": "ask-intro", "language": "en"}


def test_a_digest_whose_requests_all_archive_is_archived_once(load: LoadRules) -> None:
    assert digest_plan(load, 'move = "Later"', True, True) == [
        {"type": "label", "value": "known"},
        DRAFT,
        DRAFT,
        {"type": "archive"},
    ]


def test_a_digest_whose_requests_archive_and_move_elsewhere_stays_where_it_is(
    load: LoadRules,
) -> None:
    assert digest_plan(load, 'move = "Later"', True, False) == [
        {"type": "label", "value": "known"},
        {"type": "label", "value": "unknown"},
        DRAFT,
        DRAFT,
    ]


def test_a_digest_whose_requests_move_to_the_same_folder_by_different_rules_moves_once(
    load: LoadRules,
) -> None:
    assert digest_plan(load, "archive = true", True, False) == [
        {"type": "label", "value": "known"},
        {"type": "label", "value": "unknown"},
        DRAFT,
        DRAFT,
        {"type": "archive"},
    ]
