"""Running one recorded pass over one account: the same for ``run --once``, demo and daemon.

A pass takes the account's lock (one pass per account across processes), opens the state
store, records the pass in the health record (``introgate status``), gets a connection
from its source and runs the engine. The daemon keeps its connection between passes; a
kept connection the server has dropped meanwhile is replaced once, at once.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from introgate.account_lock import account_lock
from introgate.backends import open_backend
from introgate.backends.base import MailboxBackend
from introgate.config import Account, Settings
from introgate.errors import ConnectionLost, IntrogateError
from introgate.pipeline import DecisionSink, Engine, PassReport, Progress
from introgate.state import SqliteStore, StateStore

log = logging.getLogger("introgate.passes")


class Connections(Protocol):
    """Where a pass gets its mailbox connection from."""

    def connected(self) -> tuple[MailboxBackend, bool]:
        """An open backend, and whether it was kept from an earlier pass."""

    def discard(self) -> None:
        """Forget the connection (it failed); the next ``connected`` opens a new one."""


class FreshConnection:
    """A connection for one pass (``run --once``), closed by ``close``."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self.backend: MailboxBackend | None = None

    def connected(self) -> tuple[MailboxBackend, bool]:
        if self.backend is None:
            backend = open_backend(self.account)
            backend.connect()
            self.backend = backend
        return self.backend, False

    def discard(self) -> None:
        self.close()

    def close(self) -> None:
        backend, self.backend = self.backend, None
        if backend is not None:
            with contextlib.suppress(IntrogateError, OSError):
                backend.close()


def open_store(settings: Settings, *, dry_run: bool) -> SqliteStore:
    """The state store; a dry run on a fresh setup uses a throw-away one (it writes nothing)."""
    if dry_run and not settings.state.path.exists():
        return SqliteStore(Path(":memory:"))
    return SqliteStore(settings.state.path)


def run_recorded_pass(
    engine: Engine,
    account: Account,
    connections: Connections,
    *,
    dry_run: bool,
    stop: threading.Event | None = None,
    progress: Progress | None = None,
    on_decision: DecisionSink | None = None,
) -> PassReport:
    """One pass with its row in the health record; raises what stopped it.

    A dry run changes nothing, so it neither locks the account nor records the pass.
    """
    settings = engine.settings
    with _locked(settings, account, dry_run), open_store(settings, dry_run=dry_run) as store:
        pass_id = None if dry_run else store.passes.start(account.name)
        try:
            report = _run(
                engine, account, connections, store, dry_run, stop, progress, pass_id, on_decision
            )
        except BaseException as exc:
            if pass_id is not None:
                _finish(store, pass_id, None, _error_text(exc))
            raise
        if pass_id is not None:
            _finish(store, pass_id, report, None)
        return report


def _finish(store: StateStore, pass_id: int, report: PassReport | None, error: str | None) -> None:
    store.passes.finish(
        pass_id,
        scanned=report.scanned if report else 0,
        processed=report.new if report else 0,
        failed=report.failed if report else 0,
        drafted=report.drafted if report else 0,
        error=error,
        in_folders=report.in_folders if report else 0,
    )


@contextlib.contextmanager
def _locked(settings: Settings, account: Account, dry_run: bool) -> Iterator[None]:
    if dry_run:
        yield
        return
    with account_lock(settings.state.path, account.name):
        yield


def _run(
    engine: Engine,
    account: Account,
    connections: Connections,
    store: StateStore,
    dry_run: bool,
    stop: threading.Event | None,
    progress: Progress | None,
    pass_id: int | None,
    on_decision: DecisionSink | None,
) -> PassReport:
    for attempt in (1, 2):
        backend, kept = connections.connected()
        try:
            return engine.run(
                account,
                backend,
                store,
                dry_run=dry_run,
                stop=stop,
                progress=progress,
                pass_id=pass_id,
                on_decision=on_decision,
            )
        except ConnectionLost:
            connections.discard()
            # a connection that sat idle between passes may have been dropped by the
            # server or a NAT box: one immediate retry on a fresh one
            if attempt == 1 and kept:
                log.info("%s: stale connection, reconnecting", account.name)
                continue
            raise
    raise AssertionError("unreachable")


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, IntrogateError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"
