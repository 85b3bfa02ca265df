"""Every condition: when it holds, when it does not, and what it saw (null for ordinary mail)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from introgate.facts import MessageFacts
from tests.rules.rules_kit import NOW, LoadRules, mail, request


def condition_trace(load: LoadRules, when: str, facts: MessageFacts) -> dict[str, Any]:
    """What the one condition saw; the decision (fast path) must agree with the trace."""
    rules = load(f'[[rule]]\nname = "r"\nwhen = {{ {when} }}\nthen = {{ flag = true }}\n')
    evaluation = rules.evaluate(facts, now=NOW)
    [trace] = evaluation.traces
    [condition] = trace.as_json()["conditions"]
    assert evaluation.matched == (["r"] if condition["result"] else [])
    return {k: condition[k] for k in ("actual", "result")}


CASES = [
    # when, facts, actual, result
    ('network = "linkedin"', request(), "linkedin", True),
    ('network = ["xing", "facebook"]', request(), "linkedin", False),
    ('kind = "friend_request"', request(kind="friend_request"), "friend_request", True),
    ('kind = ["follow_request"]', request(), "connection_request", False),
    ("has_note = true", request(note="We met at the Berlin meetup"), True, True),
    ("has_note = true", request(note="   "), False, False),
    ("has_note = false", request(), False, True),
    ('note_matches = "met at"', request(note="We MET AT PyCon"), "We MET AT PyCon", True),
    ('note_matches = "(?-i:met at)"', request(note="We MET AT PyCon"), "We MET AT PyCon", False),
    ('note_matches = "met"', request(), "", False),
    ("note_min_words = 4", request(note="We met at PyCon"), 4, True),
    ("note_min_words = 5", request(note="We met at PyCon"), 4, False),
    ('language = "de"', request(language="de"), "de", True),
    ('language = ["de", "fr"]', request(language="en"), "en", False),
    ('language = "de"', request(language=None), None, False),
    ("authenticated = false", request(authenticated=False), False, True),
    ("authenticated = false", request(authenticated=None), "unknown", False),
    ('authenticated = "unknown"', request(authenticated=None), "unknown", True),
    ("authenticated = true", request(authenticated=True), True, True),
    ("mutual_at_least = 3", request(mutual=3), 3, True),
    ("mutual_at_least = 3", request(mutual=2), 2, False),
    ("mutual_at_least = 0", request(mutual=None), None, False),
    ("requester_known = true", request(known=True), True, True),
    ("requester_known = false", request(known=True), True, False),
    (
        'header = { name = "List-Id", matches = "newsletter\\\\.example" }',
        mail(headers={"List-Id": "<news.newsletter.example>"}),
        ["<news.newsletter.example>"],
        True,
    ),
    ('header = { name = "List-Id", matches = "x" }', mail(), None, False),
    (
        'header = { name = "X-Team", matches = "^Müller & Söhne$" }',
        mail(headers={"X-Team": "Müller   &   Söhne"}),
        ["Müller & Söhne"],
        True,
    ),
    (
        'header = [ { name = "X-A", matches = "1" }, { name = "X-B", matches = "2" } ]',
        mail(headers={"X-A": "1", "X-B": "3"}),
        {"X-A": ["1"], "X-B": ["3"]},
        False,
    ),
    ('subject_matches = "^invoice"', mail(subject="Invoice 42"), "Invoice 42", True),
    ('subject_matches = "^invoice"', mail(subject="Your invoice"), "Your invoice", False),
    (
        'from_matches = "@example\\\\.net$"',
        mail(sender="Sam <sam@example.net>"),
        "Sam <sam@example.net>",
        True,
    ),
    (
        'from_matches = "^sam$"',
        mail(sender="Sam <other@example.net>"),
        "Sam <other@example.net>",
        True,
    ),
    ('from_matches = "boss"', mail(sender="sam@example.net"), "sam@example.net", False),
    ('older_than = "14d"', mail(date=NOW - timedelta(days=16, hours=3)), "16d 3h", True),
    ('older_than = "2w"', mail(date=NOW - timedelta(days=13)), "13d 0h", False),
    ('newer_than = "3h"', mail(date=NOW - timedelta(minutes=90)), "1h 30m", True),
    ('newer_than = "3h"', mail(date=NOW - timedelta(hours=4)), "4h 0m", False),
    ('older_than = "1h"', mail(date=None), None, False),
]


@pytest.mark.parametrize(("when", "facts", "actual", "result"), CASES, ids=[c[0] for c in CASES])
def test_condition(
    load: LoadRules, when: str, facts: MessageFacts, actual: Any, result: bool
) -> None:
    assert condition_trace(load, when, facts) == {"actual": actual, "result": result}


NOTIFICATION_CONDITIONS = [
    'network = "linkedin"',
    'kind = "connection_request"',
    "has_note = false",
    'note_matches = ".*"',
    "note_min_words = 1",
    'language = "en"',
    'authenticated = "unknown"',
    "mutual_at_least = 0",
    "requester_known = false",
]


@pytest.mark.parametrize("when", NOTIFICATION_CONDITIONS)
def test_notification_conditions_are_false_for_ordinary_mail(load: LoadRules, when: str) -> None:
    ordinary = mail()
    ordinary._known = lambda: False
    assert condition_trace(load, when, ordinary) == {"actual": None, "result": False}


def test_a_malformed_header_matches_nothing_and_does_not_stop_evaluation(
    load: LoadRules,
) -> None:
    from introgate.facts import facts_from_headers

    facts = facts_from_headers(None, b"From: =?utf-8?q?broken\r\nX-Odd: \xff\xfe=?bad?=\r\n\r\n")
    trace = condition_trace(load, 'header = { name = "X-Odd", matches = "zzz" }', facts)
    assert trace["result"] is False
