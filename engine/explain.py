"""Explaining one message: what recognition found, how each rule decided, what would run.

The same stages as a pass (header facts, candidate check, recognition, rules), without a
mailbox: ``introgate explain`` shows exactly what ``run`` would decide.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from introgate.config import Settings
from introgate.facts import facts_from_headers
from introgate.mail import header_block
from introgate.people import KnownPeople
from introgate.recognition import Recogniser, Recognition
from introgate.rules import RuleSet
from introgate.state import SqliteStore


def explain_message(
    path: Path,
    raw: bytes,
    *,
    settings: Settings,
    recogniser: Recogniser,
    rules: RuleSet,
    known: KnownPeople,
) -> dict[str, Any]:
    facts = facts_from_headers(None, header_block(raw))
    limit = settings.recognition.max_message_bytes
    if len(raw) > limit:
        facts.recognition = Recognition(
            facts.message_id, defect=f"too large to parse: {len(raw)} bytes > {limit}"
        )
    elif recogniser.is_candidate(facts.headers):
        facts.recognition = recogniser.recognise(raw)
    else:
        facts.recognition = Recognition(facts.message_id)
    notification = facts.notification
    if notification is not None:
        facts._known = lambda: known.is_known(notification.requester)
    evaluation = rules.evaluate(facts, explain=True)
    result: dict[str, Any] = {
        "file": str(path),
        "message_id": facts.message_id,
        "notification": _notification_json(facts.recognition, 0),
    }
    if facts.recognition.requests and len(facts.recognition.requests) > 1:
        result["requests"] = [
            _notification_json(facts.recognition, i) for i in range(len(facts.recognition.requests))
        ]
    result["rules"] = [trace.as_json() for trace in evaluation.traces]
    result["actions"] = [action.describe() for action in evaluation.actions]
    if facts.recognition.defect:
        result["defect"] = facts.recognition.defect
    return result


def _notification_json(recognition: Recognition, index: int) -> dict[str, Any] | None:
    if index >= len(recognition.requests):
        return None
    return recognition.requests[index].model_dump(mode="json", exclude={"reply_link", "date"})


def offline_known_people(settings: Settings) -> KnownPeople:
    """Contacts and allowlist only: explain reads files, it does not search a mailbox."""
    return KnownPeople(settings, SqliteStore(Path(":memory:")), None, remember=False)
