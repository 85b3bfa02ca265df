"""How a rule set decides: order, first match, continue, any/not, and what actions follow."""

from __future__ import annotations

from pathlib import Path

from introgate.config import Account, Identity, Settings
from introgate.rules import load_rules
from tests.rules.rules_kit import NOW, KnownCounter, LoadRules, mail, request

LABEL_REQUESTS = """
[[rule]]
name = "{name}"
when = {{ kind = "connection_request" }}
then = {{ label = "{label}" }}
"""


def label_rule(name: str, label: str | None = None) -> str:
    return LABEL_REQUESTS.format(name=name, label=label or name)


def test_rules_run_in_file_name_order_then_file_order(load: LoadRules) -> None:
    rules = load(
        {
            "b.toml": label_rule("b-first") + label_rule("b-second"),
            "a.toml": label_rule("a-first") + label_rule("a-second"),
            "10-early.toml": label_rule("early"),
        }
    )
    assert rules.names == ["early", "a-first", "a-second", "b-first", "b-second"]
    assert rules.evaluate(request(), now=NOW).matched == ["early"]


def test_a_user_file_sorting_before_default_runs_before_the_shipped_rules(
    rules_dir: Path,
) -> None:
    (rules_dir / "00-vip.toml").write_text(label_rule("vip"), encoding="utf-8")
    (rules_dir / "zz-late.toml").write_text(label_rule("late"), encoding="utf-8")
    rules = load_rules(Settings(rules={"use_shipped": True, "paths": [rules_dir]}))
    assert rules.names == [
        "vip",
        "introduced-later",
        "introduction",
        "no-answer",
        "suspicious",
        "known",
        "introduced",
        "unexplained",
        "late",
    ]


def test_the_first_matching_rule_ends_evaluation(load: LoadRules) -> None:
    rules = load(label_rule("first") + label_rule("second"))
    evaluation = rules.evaluate(request(), now=NOW)
    assert evaluation.matched == ["first"]
    assert [a.describe() for a in evaluation.actions] == [{"type": "label", "value": "first"}]
    assert [t.rule.name for t in evaluation.traces] == ["first"]


def test_continue_goes_on_to_later_rules_and_actions_run_in_a_safe_order(
    load: LoadRules,
) -> None:
    rules = load(
        """
[[rule]]
name = "archive-requests"
continue = true
when = { kind = "connection_request" }
then = { archive = true, label = "introgate/seen" }

[[rule]]
name = "ask"
when = { has_note = false }
[rule.then]
draft = { template = "ask-intro", language = "de" }
label = "introgate/seen"
flag = true
continue = true

[[rule]]
name = "move-too"
when = { network = "linkedin" }
then = { move = "Elsewhere", mark_read = true }

[[rule]]
name = "never-reached"
when = { network = "linkedin" }
then = { label = "late" }
"""
    )
    evaluation = rules.evaluate(request(), now=NOW)
    assert evaluation.matched == ["archive-requests", "ask", "move-too"]
    # labels and flags first, then the draft, then one move (the first rule's), no duplicates
    assert [a.describe() for a in evaluation.actions] == [
        {"type": "label", "value": "introgate/seen"},
        {"type": "flag"},
        {"type": "mark_read"},
        {"type": "draft", "template": "ask-intro", "language": "de"},
        {"type": "archive"},
    ]


def test_a_message_no_rule_matches_gets_no_action(load: LoadRules) -> None:
    rules = load(label_rule("requests") + label_rule("more-requests"))
    evaluation = rules.evaluate(mail(subject="Quarterly report"), now=NOW)
    assert evaluation.matched == []
    assert evaluation.actions == []
    assert [(t.rule.name, t.matched) for t in evaluation.traces] == [
        ("requests", False),
        ("more-requests", False),
    ]


def test_any_holds_when_one_alternative_holds(load: LoadRules) -> None:
    rules = load(
        """
[[rule]]
name = "worth-reading"
when = { kind = "connection_request", any = [ { has_note = true }, { mutual_at_least = 5 } ] }
then = { label = "read-me" }
"""
    )
    assert rules.evaluate(request(note="We met at PyCon"), now=NOW).matched == ["worth-reading"]
    assert rules.evaluate(request(mutual=7), now=NOW).matched == ["worth-reading"]
    assert rules.evaluate(request(mutual=2), now=NOW).matched == []


def test_not_holds_unless_all_its_conditions_hold(load: LoadRules) -> None:
    rules = load(
        """
[[rule]]
name = "not-a-german-linkedin-request"
when = { kind = "connection_request", not = { network = "linkedin", language = "de" } }
then = { label = "other" }
"""
    )
    assert rules.evaluate(request(language="de"), now=NOW).matched == []
    assert rules.evaluate(request(language="en"), now=NOW).matched == [
        "not-a-german-linkedin-request"
    ]
    assert rules.evaluate(request(network="xing", language="de"), now=NOW).matched == [
        "not-a-german-linkedin-request"
    ]


def test_a_disabled_rule_never_runs(load: LoadRules) -> None:
    rules = load(
        """
[[rule]]
name = "off"
enabled = false
when = { kind = "connection_request" }
then = { archive = true }
"""
        + label_rule("on")
    )
    assert rules.evaluate(request(), now=NOW).matched == ["on"]


def test_requester_known_is_asked_only_when_reached_and_only_once(load: LoadRules) -> None:
    rules = load(
        """
[[rule]]
name = "known-on-xing"
when = { requester_known = true, network = "xing" }
then = { label = "xing-friend" }

[[rule]]
name = "known"
when = { requester_known = true, kind = "connection_request" }
then = { label = "friend" }

[[rule]]
name = "stranger"
when = { requester_known = false }
then = { label = "stranger" }
"""
    )
    counter = KnownCounter(answer=False)
    facts = request()
    facts._known = counter
    evaluation = rules.evaluate(facts, now=NOW)
    assert evaluation.matched == ["stranger"]
    # the xing rule fails on network before asking; the answer is kept for the later rules
    assert counter.calls == 1
    first = evaluation.traces[0].as_json()["conditions"]
    assert [c["condition"] for c in first] == ["network"]

    ordinary = mail()
    ordinary._known = counter
    rules.evaluate(ordinary, now=NOW)
    assert counter.calls == 1


def test_the_trace_says_what_each_condition_expected_and_saw(
    load: LoadRules, rules_dir: Path
) -> None:
    rules = load(
        """
[[rule]]
name = "polite"
when.kind = ["connection_request", "friend_request"]
when.any = [ { has_note = true }, { mutual_at_least = 3 } ]
then = { label = "polite" }
"""
    )
    evaluation = rules.evaluate(request(mutual=1), now=NOW)
    assert [t.as_json() for t in evaluation.traces] == [
        {
            "rule": "polite",
            "file": str(rules_dir / "rules.toml"),
            "line": 2,
            "matched": False,
            "conditions": [
                {
                    "condition": "kind",
                    "expected": ["connection_request", "friend_request"],
                    "actual": "connection_request",
                    "result": True,
                },
                {
                    "condition": "any",
                    "expected": [{"has_note": True}, {"mutual_at_least": 3}],
                    "actual": [
                        [
                            {
                                "condition": "has_note",
                                "expected": True,
                                "actual": False,
                                "result": False,
                            }
                        ],
                        [
                            {
                                "condition": "mutual_at_least",
                                "expected": 3,
                                "actual": 1,
                                "result": False,
                            }
                        ],
                    ],
                    "result": False,
                },
            ],
        }
    ]


def test_explain_looks_at_every_condition_and_decides_the_same(load: LoadRules) -> None:
    rules = load(
        """
[[rule]]
name = "german-note"
when = { language = "de", has_note = true, network = "linkedin" }
then = { label = "x" }
"""
    )
    quick = rules.evaluate(request(language="en"), now=NOW)
    full = rules.evaluate(request(language="en"), now=NOW, explain=True)
    assert [c["result"] for c in quick.traces[0].as_json()["conditions"]] == [False]
    assert [c["result"] for c in full.traces[0].as_json()["conditions"]] == [False, False, True]
    assert quick.matched == full.matched == []


def test_draft_language_auto_follows_the_notification_else_the_default(
    load: LoadRules, rule_settings: Settings
) -> None:
    text = """
[[rule]]
name = "ask"
when = { kind = "connection_request" }
then = { draft = true }
"""
    rules = load(text, identity=Identity(default_language="de"))

    def planned(language: str | None) -> object:
        return rules.evaluate(request(language=language), now=NOW).actions[0].describe()

    assert planned("en") == {"type": "draft", "template": "ask-intro", "language": "en"}
    assert planned("de") == {"type": "draft", "template": "ask-intro", "language": "de"}
    assert planned("fr") == {"type": "draft", "template": "ask-intro", "language": "de"}
    assert planned(None) == {"type": "draft", "template": "ask-intro", "language": "de"}


def test_an_account_can_run_a_subset_of_rules_by_rule_or_file_name(
    load: LoadRules, rules_dir: Path, rule_settings: Settings
) -> None:
    load({"a.toml": label_rule("a1") + label_rule("a2"), "b.toml": label_rule("b1")})
    account = Account(name="work", backend="maildir", maildir=Path("/m"), rules=["a2", "b.toml"])
    assert load_rules(rule_settings, account).names == ["a2", "b1"]
