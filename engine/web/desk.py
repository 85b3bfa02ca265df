"""The page's one worker thread: it owns the state file and the mailbox connections.

SQLite connections and IMAP sessions belong to one thread each; the server's handlers
are async and hand every read and action to this thread in turn, so two clicks never
act on the mailbox at the same time and no handler blocks the event loop. A mailbox
connection that failed is dropped and opened again for the next action.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from introgate.backends import open_backend
from introgate.backends.base import MailboxBackend
from introgate.config import Settings
from introgate.drafts.review import DraftReview
from introgate.errors import IntrogateError
from introgate.introductions.screening import Screening
from introgate.recognition.registry import NetworkRegistry
from introgate.state import RequestRecord, SqliteStore

log = logging.getLogger("introgate.web")

T = TypeVar("T")


class Desk:
    """What runs on the worker thread: the store, the networks' labels, one review per
    account (opened on first use)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._store: SqliteStore | None = None
        self._backends: dict[str, MailboxBackend] = {}
        self._screenings: dict[str, Screening] = {}
        self.networks, _ = NetworkRegistry.read(settings)

    @property
    def store(self) -> SqliteStore:
        if self._store is None:
            self._store = SqliteStore(self.settings.state.path)
        return self._store

    def request(self, request_id: str) -> RequestRecord:
        record = self.store.requests.get(request_id)
        if record is None:
            raise IntrogateError(f"no request {request_id[:10]} (reload the page)")
        return record

    def screening(self, account: str) -> Screening:
        found = self._screenings.get(account)
        if found is None:
            backend = open_backend(self.settings.account(account))
            backend.connect()
            self._backends[account] = backend
            found = Screening(DraftReview(self.settings, self.store, backend, account))
            self._screenings[account] = found
        return found

    def drop_connection(self, account: str) -> None:
        """After a failure: the next action on ``account`` connects again."""
        self._screenings.pop(account, None)
        backend = self._backends.pop(account, None)
        if backend is not None:
            try:
                backend.close()
            except Exception as exc:  # noqa: BLE001 - it failed already; closing is best effort
                log.debug("closing the %s mailbox: %s", account, exc)

    def close(self) -> None:
        for account in list(self._backends):
            self.drop_connection(account)
        if self._store is not None:
            self._store.close()
            self._store = None


class DeskThread:
    """Runs ``Desk`` work on its own thread, awaited by the async handlers."""

    def __init__(self, settings: Settings) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="introgate-web")
        self._desk = self._executor.submit(Desk, settings).result()

    async def run(self, work: Callable[[Desk], T]) -> T:
        return await asyncio.wrap_future(self._executor.submit(work, self._desk))

    def close(self) -> None:
        self._executor.submit(self._desk.close).result()
        self._executor.shutdown(wait=True)
