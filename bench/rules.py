"""Rule evaluation cost: µs per message for 50 rules (target: under 20 µs).

Half the messages are ordinary mail and half are contact requests; the rules are built
so that most messages go through all 50 before one matches (or none does), the costly
case. Run: ``.venv/bin/python bench/rules.py``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from introgate.config import Settings
from introgate.facts import MessageFacts, facts_from_headers
from introgate.recognition.model import Recognition, Requester, RequestNotification
from introgate.rules import RuleSet, load_rules

RULES = 50
MESSAGES = 2_000
ROUNDS = 7
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)

RULE_SHAPES = [
    'when = {{ from_matches = "@vendor{i}\\\\.example$" }}\nthen = {{ label = "vendor{i}" }}',
    'when = {{ subject_matches = "^\\\\[project-{i}\\\\]" }}\nthen = {{ move = "Projects" }}',
    'when = {{ header = {{ name = "List-Id", matches = "list{i}\\\\.example" }} }}\n'
    "then = {{ mark_read = true }}",
    'when = {{ network = "xing", kind = "connection_request", mutual_at_least = {big} }}\n'
    'then = {{ label = "xing{i}" }}',
    'when = {{ kind = "friend_request", note_matches = "code{i}" }}\nthen = {{ flag = true }}',
    'when = {{ language = "fr", has_note = true, older_than = "{i}d" }}\n'
    'then = {{ label = "fr{i}" }}',
    'when = {{ kind = "connection_request", any = [ {{ note_min_words = {big} }}, '
    '{{ mutual_at_least = {big} }} ] }}\nthen = {{ label = "any{i}" }}',
    'when = {{ kind = "follow_request", not = {{ network = "mastodon" }} }}\n'
    "then = {{ archive = true }}",
]
LAST_RULE = (
    'when = { kind = "connection_request", has_note = false, requester_known = false }\n'
    'then = { label = "introgate/unexplained", archive = true, draft = true }'
)


def write_rules(folder: Path) -> None:
    parts = []
    for i in range(RULES - 1):
        shape = RULE_SHAPES[i % len(RULE_SHAPES)]
        parts.append(f'[[rule]]\nname = "r{i}"\n' + shape.format(i=i + 1, big=1000 + i))
    parts.append(f'[[rule]]\nname = "last"\n{LAST_RULE}')
    (folder / "bench.toml").write_text("\n\n".join(parts) + "\n", encoding="utf-8")


def message(i: int) -> MessageFacts:
    mail = EmailMessage()
    mail["From"] = f"Person {i} <person{i}@example.org>"
    mail["To"] = "alex@example.org"
    mail["Subject"] = f"Status update {i}"
    mail["Date"] = format_datetime(NOW - timedelta(hours=i % 100))
    mail["Message-ID"] = f"<m{i}@example.org>"
    mail["List-Id"] = "<team.example.org>"
    facts = facts_from_headers(None, mail.as_bytes())
    if i % 2:
        notification = RequestNotification(
            network="linkedin",
            kind="connection_request",
            requester=Requester(name=f"Requester {i}", profile_url=f"https://linkedin.com/in/r{i}"),
            note=None,
            language="en",
            mutual_connections=i % 7,
            authenticated=True,
        )
        facts.recognition = Recognition(facts.message_id, requests=[notification])
        facts._known = lambda: False
    else:
        facts.recognition = Recognition(facts.message_id)
    return facts


def measure(rules: RuleSet, messages: list[MessageFacts]) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        for facts in messages:  # requester_known answers are cached per message: reset
            facts._known_value = None
        start = time.perf_counter()
        for facts in messages:
            rules.evaluate(facts, now=NOW)
        best = min(best, time.perf_counter() - start)
    return best / len(messages) * 1e6


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        write_rules(Path(folder))
        rules = load_rules(Settings(rules={"use_shipped": False, "paths": [Path(folder)]}))
    assert len(rules.rules) == RULES
    messages = [message(i) for i in range(MESSAGES)]
    matched = sum(bool(rules.evaluate(facts, now=NOW).matched) for facts in messages)
    per_message = measure(rules, messages)
    ordinary = measure(rules, [f for f in messages if f.notification is None])
    requests = measure(rules, [f for f in messages if f.notification is not None])
    print(f"rules: {len(rules.rules)}, messages: {len(messages)} ({matched} matched a rule)")
    print(f"  ordinary mail: {ordinary:.1f} µs, requests: {requests:.1f} µs per message")
    print(f"rule evaluation: {per_message:.1f} µs per message (best of {ROUNDS}; target < 20 µs)")


if __name__ == "__main__":
    main()
