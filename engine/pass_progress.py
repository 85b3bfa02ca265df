"""Plain progress lines for a long pass, where no progress bar can be drawn.

A first pass over a big mailbox takes minutes; output going to a file, a pipe or the
journal still has to say that it is moving, and how fast.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class ProgressLines:
    """A line like ``work: 4,200 of 20,000 messages, 1,850 a second`` every ``interval``."""

    def __init__(
        self,
        label: str,
        write: Callable[[str], None],
        *,
        interval: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.write = write
        self.interval = interval
        self.clock = clock
        self.started = clock()
        self.last: float | None = None

    def __call__(self, done: int, total: int) -> None:
        """Say how big the job is after the first chunk, then how it goes now and then."""
        now = self.clock()
        if done >= total:
            return  # after the last chunk the pass's summary says it all
        if self.last is not None and now - self.last < self.interval:
            return
        self.last = now
        rate = done / max(now - self.started, 1e-9)
        self.write(f"{self.label}: {done:,} of {total:,} messages, {rate:,.0f} a second")
