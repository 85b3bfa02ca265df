"""Has a network changed its mails? Counted from what recognition did not understand.

Two signs, both reported by ``introgate status`` and logged once a day by the daemon:
mail from a network's domains that its file describes in no way (neither request,
message nor known non-request), and a steady stream of requests that stops, which is
what a network's new wording looks like when its new mails also match a non-request
phrase. One implementation for both places, so they say the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from introgate.state.recognition import NotUnderstood, RecognitionLog

QUIET_DAYS = 14  # no request for this long after a steady stream is reported
STEADY_WEEKS = 8  # the stream: requests in the weeks up to the last one ...
STEADY_MIN_REQUESTS = 4  # ... at least this many ...
STEADY_MIN_ACTIVE_WEEKS = 3  # ... spread over at least this many of those weeks
EXAMPLES = 3
# not-understood mail older than this is not reported: once the network file is fixed,
# the report clears by itself
NOT_UNDERSTOOD_DAYS = 30


@dataclass(frozen=True)
class Silence:
    """No request recognised since ``last``, after ``before`` in the weeks before it."""

    last: date
    days: int
    before: int


@dataclass(frozen=True)
class NetworkDrift:
    network: str
    not_understood: int
    examples: list[NotUnderstood]
    silence: Silence | None


def silence_of(days: list[date], today: date) -> Silence | None:
    """The network's requests stopped: a steady stream, then ``QUIET_DAYS`` without one."""
    if not days:
        return None
    last = max(days)
    quiet = (today - last).days
    if quiet < QUIET_DAYS:
        return None
    start = last - timedelta(weeks=STEADY_WEEKS)
    stream = [day for day in days if start < day <= last]
    weeks = {(last - day).days // 7 for day in stream}
    if len(stream) < STEADY_MIN_REQUESTS or len(weeks) < STEADY_MIN_ACTIVE_WEEKS:
        return None
    return Silence(last=last, days=quiet, before=len(stream))


def drift_report(log: RecognitionLog, today: date) -> list[NetworkDrift]:
    """Every network with mail not understood or a stream of requests that stopped."""
    since = datetime.combine(today - timedelta(days=NOT_UNDERSTOOD_DAYS), time(), UTC)
    counts = log.not_understood_counts(since)
    silences = {
        network: silence
        for network, days in log.request_days().items()
        if (silence := silence_of(days, today)) is not None
    }
    return [
        NetworkDrift(
            network=network,
            not_understood=counts.get(network, 0),
            examples=(
                log.newest_not_understood(network, EXAMPLES, since) if counts.get(network) else []
            ),
            silence=silences.get(network),
        )
        for network in sorted(set(counts) | set(silences))
    ]


def summary_line(drift: NetworkDrift) -> str:
    """One line per network, as the daemon logs it."""
    parts = []
    if drift.not_understood:
        newest = drift.examples[0] if drift.examples else None
        part = f"{mails(drift.not_understood)} not understood in {NOT_UNDERSTOOD_DAYS} days"
        if newest is not None:
            part += f", newest {example_line(newest)}"
        parts.append(part)
    if drift.silence is not None:
        parts.append(silence_text(drift.silence))
    return f"{drift.network}: " + "; ".join(parts)


def silence_text(silence: Silence) -> str:
    return (
        f"no request for {silence.days} days "
        f"(last {silence.last.isoformat()}; {silence.before} in the {STEADY_WEEKS} weeks before)"
    )


def example_line(example: NotUnderstood) -> str:
    """Date, where to find it (folder and UID, or file) and subject, on one line."""
    when = (example.mail_date or example.seen_at).date().isoformat()
    subject = " ".join(example.subject.split())
    room = max(20, 72 - len(when) - len(example.message_key))  # a status line fits 80 columns
    if len(subject) > room:
        subject = subject[: room - 1] + "…"
    return f"{when} {example.message_key} {subject!r}"


def mails(count: int) -> str:
    return f"{count} mail{'' if count == 1 else 's'}"
