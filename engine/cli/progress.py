"""Progress of a long pass, on stderr so stdout stays the results.

On a terminal a bar; otherwise (cron, a pipe, a log file) a plain line every few
seconds with the counts and the rate, so a first pass over a big mailbox is never silent.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from introgate.cli.columns import cell
from introgate.pass_progress import ProgressLines
from introgate.pipeline import Progress as ProgressCallback

PLAIN_INTERVAL = 5.0


def _stderr_line(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


@contextmanager
def pass_progress(account: str) -> Iterator[ProgressCallback]:
    """The progress callback for one account's pass, shown on stderr while it runs."""
    label = cell(account)
    console = Console(stderr=True)
    if not console.is_terminal:
        yield ProgressLines(label, _stderr_line, interval=PLAIN_INTERVAL)
        return
    with Progress(
        TextColumn("{task.description}", style="bold", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        # rows printed meanwhile appear above the bar when stdout is this terminal too;
        # stdout going to a file or pipe is left alone
        redirect_stdout=sys.stdout.isatty(),
        redirect_stderr=True,
    ) as bar:
        task = bar.add_task(label, total=None, rate="")
        started = time.monotonic()

        def advance(done: int, total: int) -> None:
            rate = done / max(time.monotonic() - started, 1e-9)
            bar.update(task, completed=done, total=total, rate=f"{rate:,.0f}/s")

        yield advance
