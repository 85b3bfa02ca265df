"""``introgate status``: is the daemon keeping up? Per account: last pass, last error, counts.

Reads only the state file, so it works while the daemon runs (SQLite WAL) and never
touches the mailbox.
"""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.console import Console
from rich.table import Table

from introgate.cli.options import ConfigOption
from introgate.config import load_settings
from introgate.state import PassHealth, ProcessedStatus, SqliteStore

COUNT_ORDER = (
    ProcessedStatus.DONE,
    ProcessedStatus.SKIPPED,
    ProcessedStatus.FAILED,
    ProcessedStatus.PENDING,
)


def status_command(config: ConfigOption = None) -> None:
    """Show each account's last pass, its last error and how many messages were handled.

    Examples:

      introgate status

      introgate status --config ~/.config/introgate/config.toml
    """
    settings = load_settings(config)
    console = Console()
    if not settings.state.path.exists():
        console.print(f"no state yet at {settings.state.path}: introgate has not run")
        raise typer.Exit(0)
    with SqliteStore(settings.state.path) as store:
        passes = {health.account: health for health in store.passes.latest()}
        names = [a.name for a in settings.accounts]
        names += sorted(set(passes) - set(names))
        table = Table(title="introgate status")
        for column in ("account", "last pass", "result", "last error", "messages"):
            table.add_column(column, overflow="fold")
        failing = False
        for name in names:
            row = passes.get(name)
            table.add_row(
                name,
                _when(row),
                _result(row),
                _last_error(row),
                _counts(store.messages.counts(name)),
            )
            failing = failing or bool(row and row.error)
        given_up = [(name, record) for name in names for record in store.messages.given_up(name)]
    console.print(table)
    for name, record in given_up:
        # markup off: the error may quote a hostile message's text
        console.print(
            f"{name}: left alone after {record.attempts} failed tries: "
            f"{record.message_key}: {record.error or 'unknown error'}",
            markup=False,
            highlight=False,
        )
    raise typer.Exit(1 if failing else 0)


def _when(row: PassHealth | None) -> str:
    if row is None:
        return "never"
    if row.finished_at is None:
        return f"{_ago(row.started_at)} (running or interrupted)"
    return _ago(row.finished_at)


def _result(row: PassHealth | None) -> str:
    if row is None:
        return ""
    if row.error:
        return "FAILED"
    return (
        f"scanned {row.scanned}, handled {row.processed}, "
        f"drafted {row.drafted}, failed {row.failed}"
    )


def _last_error(row: PassHealth | None) -> str:
    if row is None or not row.last_error or row.last_error_at is None:
        return "-"
    return f"{_ago(row.last_error_at)}: {row.last_error}"


def _counts(counts: dict[ProcessedStatus, int]) -> str:
    parts = [f"{counts[k]} {k}" for k in COUNT_ORDER if counts.get(k)]
    parts += [f"{v} {k}" for k, v in sorted(counts.items()) if k not in COUNT_ORDER]
    return ", ".join(parts) or "none yet"


def _ago(stamp: str) -> str:
    try:
        then = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return str(stamp)
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    seconds = int((datetime.now(UTC) - then).total_seconds())
    if seconds < 90:
        return f"{stamp} ({seconds}s ago)"
    if seconds < 5400:
        return f"{stamp} ({seconds // 60}min ago)"
    if seconds < 129600:
        return f"{stamp} ({seconds // 3600}h ago)"
    return f"{stamp} ({seconds // 86400}d ago)"
