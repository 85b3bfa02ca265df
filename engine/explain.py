"""Explaining one message: what recognition found, how each rule decided, what would run.

The same steps as a pass (header facts, candidate check, recognition, the one decision
function), without a mailbox: ``introgate explain`` shows exactly what ``run`` decides.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from introgate.config import Settings
from introgate.decide import MessageDecision, decide, recognise
from introgate.facts import facts_from_headers
from introgate.introductions.facts import RequestFacts
from introgate.introductions.matching import OpenRequests
from introgate.introductions.records import introduction_sender
from introgate.mail import header_block
from introgate.people import KnownPeople
from introgate.recognition import Recogniser, Recognition, RequestNotification
from introgate.recognition.network import Reading
from introgate.rules import RuleSet
from introgate.state import SqliteStore
from introgate.state.requests import OPEN_STATES


def explain_message(
    path: Path | str,
    raw: bytes,
    *,
    settings: Settings,
    recogniser: Recogniser,
    rules: RuleSet,
    known: KnownPeople,
    open_requests: OpenRequests | None = None,
) -> dict[str, Any]:
    """``open_requests`` (from the state file): a message is matched to the request it
    introduces, without changing anything, and the rules see it as a pass would."""
    facts = facts_from_headers(None, header_block(raw))
    candidate = recogniser.is_candidate(facts.headers)
    recognition = recognise(
        facts,
        raw if candidate else None,
        len(raw),
        recogniser,
        settings.recognition.max_message_bytes,
    )

    def is_known(request: RequestNotification) -> bool:
        return known.is_known(request.requester)

    introduces: dict[str, Any] | None = None
    sender = introduction_sender(facts, recognition)
    if sender is not None and open_requests is not None:
        match = open_requests.match(sender[0])
        if match is not None:
            facts.lifecycle = RequestFacts(match=match)
            introduces = {
                "request": match.request.request_id[:10],
                "requester": match.request.requester,
                "network": match.request.network,
                "state": match.request.state.value,
                "reason": match.reason.value,
            }
    decided = decide(facts, recognition, rules, is_known, explain=True)
    # a mail the pre-filter let pass was read in full; the others by their headers alone
    reading = recognition.reading if candidate else recogniser.read_headers(facts.headers)
    result: dict[str, Any] = {
        "file": str(path),
        "message_id": facts.message_id,
        "recognition": _reading_json(reading),
        "notification": _notification_json(recognition, 0),
    }
    if recognition.messages:
        result["message"] = recognition.messages[0].model_dump(
            mode="json", exclude={"reply_link", "date"}
        )
    if sender is not None:
        result["introduces"] = introduces
    if len(recognition.requests) > 1:
        result["requests"] = [
            {**(_notification_json(recognition, i) or {}), **_evaluation_json(decided, i)}
            for i in range(len(recognition.requests))
        ]
    result["rules"] = [trace.as_json() for trace in decided.evaluations[0][1].traces]
    result["actions"] = [step.action.describe() for step in decided.plan]
    if decided.move_withheld:
        result["move_withheld"] = decided.move_withheld
    if recognition.defect:
        result["defect"] = recognition.defect
    return result


def _evaluation_json(decided: MessageDecision, index: int) -> dict[str, Any]:
    """How the rules decided for one person of a digest, before the plans are merged."""
    evaluation = decided.evaluations[index][1]
    return {
        "rules": [trace.as_json() for trace in evaluation.traces],
        "actions": [action.describe() for action in evaluation.actions],
    }


def _notification_json(recognition: Recognition, index: int) -> dict[str, Any] | None:
    if index >= len(recognition.requests):
        return None
    request = recognition.requests[index]
    found = request.model_dump(mode="json", exclude={"reply_link", "date"})
    if request.unnamed:
        found["name_withheld"] = request.unnamed
    return found


def _reading_json(reading: Reading | None) -> dict[str, Any] | None:
    """Whose mail it is, what its network file's signals make of it, which of them were
    found and which were looked for in vain: what a user fixes a network file by."""
    if reading is None:
        return None
    return {
        "network": reading.network,
        "outcome": reading.outcome or "not_request",
        "matched": list(reading.matched),
        "missing": list(reading.missing),
    }


def open_requests_of(settings: Settings, account: str | None = None) -> OpenRequests | None:
    """The open requests in the state file, when there is one (explain never creates it)."""
    if not settings.state.path.exists():
        return None
    with SqliteStore(settings.state.path) as store:
        records = store.requests.records(OPEN_STATES)
    return OpenRequests(r for r in records if account is None or r.account == account)


def offline_known_people(settings: Settings) -> KnownPeople:
    """Contacts and allowlist only: explain reads files, it does not search a mailbox."""
    return KnownPeople(settings, SqliteStore(Path(":memory:")), None, remember=False)
