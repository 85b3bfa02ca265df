"""How a pass's results look: one row per decision as it is made, then a summary.

A first pass over a big mailbox decides on tens of thousands of ordinary messages that
nothing happens to. By default only the rows worth reading are printed — requests, and
messages a rule acted on or that failed — and the summary counts the rest; ``--all``
prints every message, ``--json`` one JSON object per decision for scripts. Rows are
written as the pass hands them over, never collected.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from rich.console import Console

from introgate.cli.columns import Column, Layout, cell, natural_widths
from introgate.introductions.step import FollowUp
from introgate.pipeline import Decision, PassReport
from introgate.rules import ActionOutcome

# the names shrink first, then the actions; what rule decided stays readable
PASS_COLUMNS = (
    Column("network", natural=9, least=6, shrink_order=2),
    Column("from", natural=22, least=12, shrink_order=0),
    Column("note", natural=4, least=4, shrink_order=3),
    Column("rule", natural=12, least=8, shrink_order=2),
    Column("actions", natural=64, least=20, shrink_order=1),
)
# requests whose state changed in the pass (introduced later, no answer) and what the
# rules did to their mail
FOLLOW_UP_COLUMNS = (
    Column("network", natural=9, least=6, shrink_order=2),
    Column("requester", natural=22, least=12, shrink_order=0),
    Column("now", natural=13, least=8, shrink_order=2),
    Column("actions", natural=64, least=20, shrink_order=1),
)
# in the actions cell, what moved the message or drafted a reply comes before its labels
# (which mostly repeat the rule's name), so a cut cell loses the least
_LAST_IN_CELL = ("label",)


class Listing(StrEnum):
    """Which decisions a pass prints."""

    WORTH_READING = "worth reading"  # requests, and messages something happened to
    EVERY = "every"  # --all
    JSON = "json"  # --json: every decision, one JSON object a line


def worth_reading(decision: Decision) -> bool:
    """A request, or a message a rule acted on, or one that failed or is broken."""
    return bool(
        decision.notification is not None or decision.outcomes or decision.error or decision.defect
    )


def decision_cells(decision: Decision) -> tuple[str, ...]:
    n = decision.notification
    if n is not None:
        network = n.network_label or n.network
        who = n.requester.shown
        if decision.request_count > 1:
            who += f" (+{decision.request_count - 1})"
        note = "yes" if n.note else "no"
    else:
        network, note = "-", "-"
        who = " · ".join(part for part in (decision.sender, decision.subject) if part)
        who = who or decision.ref.key
    actions = _actions_cell(decision.outcomes, "left alone")
    if decision.defect:
        actions += f" [defect: {decision.defect}]"
    if decision.error:
        # first: at 80 columns the end of the cell may be cut off
        actions = f"FAILED, will retry: {decision.error}; {actions}"
    return tuple(
        cell(text)
        for text in (network, who, note, ", ".join(decision.matched) or "no rule", actions)
    )


def _actions_cell(outcomes: list[ActionOutcome], nothing: str) -> str:
    ordered = sorted(outcomes, key=lambda o: o.type in _LAST_IN_CELL)
    return ", ".join(o.summary for o in ordered) or nothing


def follow_up_cells(follow_up: FollowUp) -> tuple[str, ...]:
    request = follow_up.request
    actions = _actions_cell(follow_up.outcomes, "nothing to do")
    if follow_up.error:
        actions = f"FAILED, will retry: {follow_up.error}; {actions}"
    return tuple(
        cell(text) for text in (request.network, request.requester, request.state.value, actions)
    )


def follow_up_json(follow_up: FollowUp, *, account: str, dry_run: bool) -> str:
    request = follow_up.request
    entry = {
        "account": account,
        "dry_run": dry_run,
        "request_id": request.request_id,
        "network": request.network,
        "requester": request.requester,
        "state": request.state.value,
        "actions": [o.summary for o in follow_up.outcomes],
        "error": follow_up.error,
    }
    return _escape_invisible(json.dumps(entry, ensure_ascii=False))


def decision_json(decision: Decision, *, account: str, dry_run: bool) -> str:
    """One line of JSON with full ids; characters that could steer a terminal escaped."""
    entry: dict[str, Any] = {"account": account, "dry_run": dry_run}
    entry |= decision.fields()
    entry |= {"from": decision.sender or None, "subject": decision.subject or None}
    return _escape_invisible(json.dumps(entry, ensure_ascii=False, default=str))


def _escape_invisible(text: str) -> str:
    # json.dumps escapes C0 controls; DEL, C1 controls, bidi overrides and line
    # separators it leaves raw, and inside a JSON string \\uXXXX means the same character
    out = []
    for char in text:
        if unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"}:
            code = ord(char)
            if code > 0xFFFF:
                code -= 0x10000
                out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
            else:
                out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def _print(line: str) -> None:
    # the current sys.stdout: a progress bar on the same terminal swaps in a proxy that
    # prints above the bar
    sys.stdout.write(line + "\n")


@dataclass
class PassPrinter:
    """The sink a pass hands each decision to; ``finish`` prints what waited for the end.

    ``--all`` and ``--json`` print each decision at once (column widths fixed up front).
    The default listing is a few rows among many messages: their cells wait for the end
    of the pass, so the columns fit their content and no row is printed under the
    progress bar.
    """

    account: str
    dry_run: bool
    listing: Listing = Listing.WORTH_READING
    width: int = field(default_factory=lambda: Console().width)
    shown: int = 0
    hidden: int = 0
    _layout: Layout | None = None
    _waiting: list[tuple[str, ...]] = field(default_factory=list)

    def __call__(self, decision: Decision) -> None:
        if self.listing is Listing.JSON:
            _print(decision_json(decision, account=self.account, dry_run=self.dry_run))
        elif self.listing is Listing.EVERY:
            if self._layout is None:
                self._layout = Layout.fit(PASS_COLUMNS, self.width)
                self._title(self._layout)
            _print(self._layout.line(decision_cells(decision)))
        elif worth_reading(decision):
            self._waiting.append(decision_cells(decision))
        else:
            self.hidden += 1
            return
        self.shown += 1

    def finish(self) -> None:
        """Print the rows that waited for the end of the pass."""
        if not self._waiting:
            return
        layout = Layout.fit(natural_widths(PASS_COLUMNS, self._waiting), self.width)
        self._title(layout)
        for cells in self._waiting:
            _print(layout.line(cells))
        self._waiting.clear()

    def follow_ups(self, report: PassReport) -> None:
        """The requests whose state changed in the pass, and what the rules did about it."""
        if not report.follow_ups:
            return
        if self.listing is Listing.JSON:
            for follow_up in report.follow_ups:
                _print(follow_up_json(follow_up, account=self.account, dry_run=self.dry_run))
            return
        rows = [follow_up_cells(follow_up) for follow_up in report.follow_ups]
        layout = Layout.fit(natural_widths(FOLLOW_UP_COLUMNS, rows), self.width)
        _print(f"{self._prefix}requests whose state changed")
        _print(layout.header())
        for row in rows:
            _print(layout.line(row))

    def _title(self, layout: Layout) -> None:
        _print(f"{self._prefix}account {cell(self.account)}")
        _print(layout.header())

    @property
    def _prefix(self) -> str:
        return "dry run: " if self.dry_run else ""

    def summary(self, report: PassReport) -> list[str]:
        """The lines after the rows: what the pass did, and what it did not list."""
        prefix = self._prefix
        if not report.new:
            return [
                f"{prefix}account {cell(report.account)}: nothing new since the last pass "
                f"({report.in_folders} messages in the watched folders), nothing drafted"
                + (f" (pass #{report.pass_id})." if report.pass_id else ".")
            ]
        lines = [
            f"{prefix}{report.new:,} new, {report.drafted:,} "
            f"{'would be drafted' if self.dry_run else 'drafted'}, {report.failed:,} failed"
            + (f" (pass #{report.pass_id})" if report.pass_id else "")
        ]
        if report.skipped:
            lines.append(f"{report.skipped:,} skipped as older than the backfill age")
        if report.skipped_resync:
            lines.append(
                f"{report.skipped_resync:,} skipped as handled before "
                "(UIDVALIDITY resync or moved back by you)"
            )
        if self.hidden:
            lines.append(
                f"{self.hidden:,} other message{'s' if self.hidden != 1 else ''} "
                "left alone, not listed (--all lists every message)"
            )
        return lines
