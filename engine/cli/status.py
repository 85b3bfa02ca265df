"""``introgate status``: is it running, and is anything waiting for me?

Reads only the state file and the lock files beside it, so it works while the daemon
runs (SQLite WAL) and never touches the mailbox. The output is built from small
sections, each giving its lines and its part of ``--json``: a new question status
should answer is one more function in ``ACCOUNT_SECTIONS``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from introgate.account_lock import daemon_holder, is_held
from introgate.cli.options import ConfigOption
from introgate.cli.status_recognition import recognition_report
from introgate.cli.terminal import fit
from introgate.config import Settings, load_settings
from introgate.state import DraftStatus, PassHealth, ProcessedStatus, RequestState, SqliteStore

COUNT_ORDER = (
    ProcessedStatus.DONE,
    ProcessedStatus.SKIPPED,
    ProcessedStatus.FAILED,
    ProcessedStatus.PENDING,
)


@dataclass
class AccountView:
    """What the sections of one account read: the open store and the account's name."""

    name: str
    store: SqliteStore
    settings: Settings
    last_pass: PassHealth | None


@dataclass
class Section:
    """One part of the answer: a key in ``--json`` and the lines a person reads."""

    key: str
    value: Any
    lines: list[str]


def status_command(
    config: ConfigOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object, for scripts.")] = False,
) -> None:
    """Is introgate running, and is anything waiting for you? Exit 1 if a last pass failed.

    Per account: the last pass (its id, for `introgate undo --pass ID`) and what it
    counted, the last error, requests by state, drafts waiting for review, messages left
    alone after failing. Reads the state file only; safe while the daemon runs.

    Examples:

      introgate status

      introgate status --json | jq '.accounts[].drafts_waiting'
    """
    settings = load_settings(config)
    daemon = _daemon_section(settings)
    accounts: list[dict[str, Any]] = []
    lines = daemon.lines
    failing = False
    recognition: tuple[list[dict[str, Any]], list[str]] = ([], [])
    if not settings.state.path.exists():
        lines = [*lines, f"introgate has not run yet (no state file at {settings.state.path})"]
    else:
        with SqliteStore(settings.state.path) as store:
            passes = {health.account: health for health in store.passes.latest()}
            names = [a.name for a in settings.accounts]
            names += sorted(set(passes) - set(names))
            for name in names:
                view = AccountView(name, store, settings, passes.get(name))
                sections = [section(view) for section in ACCOUNT_SECTIONS]
                accounts.append({"name": name} | {s.key: s.value for s in sections})
                lines += [f"{name}:", *(line for s in sections for line in s.lines)]
                failing = failing or bool(view.last_pass and view.last_pass.error)
            recognition = recognition_report(store)
    lines = [*lines, *recognition[1]]
    if as_json:
        typer.echo(
            json.dumps(
                {daemon.key: daemon.value, "accounts": accounts, "recognition": recognition[0]}
            )
        )
    else:
        for line in lines:
            typer.echo(fit(line))
    raise typer.Exit(1 if failing else 0)


def _daemon_section(settings: Settings) -> Section:
    holder = daemon_holder(settings.state.path)
    if holder is None:
        text = "daemon: not running (start it with `introgate run`)"
    else:
        text = f"daemon: running, {holder.removeprefix('process ')}"
    return Section("daemon", {"running": holder is not None, "holder": holder}, [text])


def _last_pass_section(view: AccountView) -> Section:
    row = view.last_pass
    running = is_held(view.settings.state.path, view.name)
    if row is None:
        return Section("last_pass", None, ["  last pass: never"])
    value = {
        "id": row.pass_id,
        "started_at": row.started_at,
        "finished_at": row.finished_at,
        "in_folders": row.in_folders,
        "new": row.scanned,
        "handled": row.processed,
        "drafted": row.drafted,
        "failed": row.failed,
        "error": row.error,
        "running_now": running is not None,
    }
    if row.finished_at is None:
        when = f"started {_ago(row.started_at)}, " + ("running now" if running else "interrupted")
    else:
        when = _ago(row.finished_at)
    head = f"  last pass #{row.pass_id}, {when}: "
    if row.error:
        return Section("last_pass", value, [f"{head}FAILED: {_one_line(row.error)}"])
    counts = (
        f"{row.in_folders} in the watched folders, {row.scanned} new, "
        f"{row.drafted} drafted, {row.failed} failed"
    )
    return Section("last_pass", value, [head + counts])


def _last_error_section(view: AccountView) -> Section:
    row = view.last_pass
    if row is None or not row.last_error or row.last_error_at is None:
        return Section("last_error", None, [])
    value = {"at": row.last_error_at, "error": row.last_error}
    return Section(
        "last_error", value, [f"  last error {_ago(row.last_error_at)}: {row.last_error}"]
    )


def _requests_section(view: AccountView) -> Section:
    states = Counter(
        record.state for record in view.store.requests.records() if record.account == view.name
    )
    value = {state.value: states[state] for state in RequestState if states[state]}
    if not value:
        return Section("requests", value, ["  requests by state: none yet"])
    text = ", ".join(f"{n} {state.replace('_', ' ')}" for state, n in value.items())
    return Section("requests", value, [f"  requests by state: {text}"])


def _drafts_section(view: AccountView) -> Section:
    waiting = [
        draft
        for draft in view.store.drafts.records(DraftStatus.DRAFTED)
        if draft.account == view.name
    ]
    if not waiting:
        return Section("drafts_waiting", 0, ["  drafts waiting for review: none"])
    return Section(
        "drafts_waiting",
        len(waiting),
        [f"  drafts waiting for review: {len(waiting)} (see `introgate drafts list`)"],
    )


def _messages_section(view: AccountView) -> Section:
    counts = view.store.messages.counts(view.name)
    parts = [f"{counts[k]} {k}" for k in COUNT_ORDER if counts.get(k)]
    parts += [f"{v} {k}" for k, v in sorted(counts.items()) if k not in COUNT_ORDER]
    value = {str(k): v for k, v in counts.items()}
    return Section("messages", value, [f"  messages: {', '.join(parts) or 'none yet'}"])


def _given_up_section(view: AccountView) -> Section:
    records = view.store.messages.given_up(view.name)
    value = [{"message": r.message_key, "attempts": r.attempts, "error": r.error} for r in records]
    lines = [
        f"  left alone after {r.attempts} failed tries: {r.message_key}: "
        f"{_one_line(r.error or 'unknown error')}"
        for r in records
    ]
    return Section("left_alone", value, lines)


ACCOUNT_SECTIONS: tuple[Callable[[AccountView], Section], ...] = (
    _last_pass_section,
    _last_error_section,
    _requests_section,
    _drafts_section,
    _messages_section,
    _given_up_section,
)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _ago(stamp: str) -> str:
    """How long ago, in words a glance takes in; ``--json`` has the exact time."""
    try:
        then = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return str(stamp)
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    seconds = max(0, int((datetime.now(UTC) - then).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 90:
        return f"{seconds} s ago"
    if seconds < 5400:
        return f"{seconds // 60} min ago"
    if seconds < 129600:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} days ago"
