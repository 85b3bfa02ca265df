"""How pass results look in a terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from introgate.pipeline import PassReport


def decisions_table(report: PassReport, *, title: str | None = None) -> Table:
    table = Table(title=title, show_lines=False, expand=False)
    for column in ("message", "network", "requester", "note", "decision", "actions"):
        table.add_column(column, overflow="fold")
    for decision in report.decisions:
        n = decision.notification
        note = "-" if n is None else ("yes" if n.note else "no")
        requester = n.requester.shown if n else ""
        if decision.request_count > 1:
            requester += f" (+{decision.request_count - 1})"
        actions = ", ".join(o.summary for o in decision.outcomes) or "left alone"
        if decision.defect:
            actions += f" [defect: {decision.defect}]"
        if decision.error:
            actions += f" [error: {decision.error}, will retry]"
        table.add_row(
            decision.subject[:48] or decision.ref.key[:24],
            (n.network_label or n.network) if n else "",
            requester,
            note,
            ", ".join(decision.matched) or "no rule",
            actions,
        )
    return table


def print_report(console: Console, report: PassReport) -> None:
    prefix = "dry run: " if report.dry_run else ""
    if not report.decisions:
        console.print(
            f"{prefix}account {report.account}: nothing new since the last pass "
            f"({report.in_folders} messages in the watched folders), nothing drafted"
            + (f" (pass #{report.pass_id})." if report.pass_id else ".")
        )
        return
    console.print(decisions_table(report, title=f"{prefix}account {report.account}"))
    console.print(
        f"{prefix}{len(report.decisions)} new, {report.drafted} drafted, "
        f"{report.failed} failed, {report.skipped} skipped as older than the backfill age"
        + (
            f", {report.skipped_resync} skipped as handled before (UIDVALIDITY resync or "
            "moved back by you)"
            if report.skipped_resync
            else ""
        )
        + (f" (pass #{report.pass_id})" if report.pass_id else "")
    )
