"""The part of ``introgate status`` that says when a network may have changed its mails."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from introgate.drift import (
    NOT_UNDERSTOOD_DAYS,
    NetworkDrift,
    drift_report,
    example_line,
    mails,
    silence_text,
)
from introgate.state import SqliteStore


def recognition_report(store: SqliteStore) -> tuple[list[dict[str, Any]], list[str]]:
    """(its ``--json`` value, its lines): per network how many mails were not understood,
    the newest with date, folder and UID (or file) and subject, and a stream of requests
    that stopped. No lines when all is understood."""
    report = drift_report(store.recognition, datetime.now(UTC).date())
    return [_as_json(drift) for drift in report], _lines(report)


def _lines(report: list[NetworkDrift]) -> list[str]:
    if not report:
        return []
    lines = ["recognition: mail the network files may no longer describe"]
    for drift in report:
        if drift.not_understood:
            lines.append(
                f"  {drift.network}: {mails(drift.not_understood)} not understood "
                f"in {NOT_UNDERSTOOD_DAYS} days"
            )
            lines.extend(f"    {example_line(example)}" for example in drift.examples)
        if drift.silence is not None:
            lines.append(f"  {drift.network}: {silence_text(drift.silence)}")
    lines.append("  `introgate explain FILE` lists the signals found and missing; README:")
    lines.append('  "When a network changes its mails"')
    return lines


def _as_json(drift: NetworkDrift) -> dict[str, Any]:
    silence = drift.silence
    return {
        "network": drift.network,
        "not_understood": drift.not_understood,
        "newest": [
            {
                "date": (e.mail_date or e.seen_at).isoformat(),
                "message_key": e.message_key,
                "subject": e.subject,
            }
            for e in drift.examples
        ],
        "no_request_since": silence.last.isoformat() if silence else None,
        "quiet_days": silence.days if silence else None,
    }
