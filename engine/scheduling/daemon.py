"""``introgate run`` without ``--once``: every account polled, IMAP accounts pushed by IDLE.

One APScheduler job per account (max_instances=1, coalesce, jitter, no misfire limit, so
a laptop that slept runs one catch-up pass instead of a burst). A failing account backs
off exponentially and never holds up the others. Signals only set flags; the main thread
turns them into actions, because a handler that takes a lock can deadlock the thread it
interrupted. SIGTERM/SIGINT let the running pass finish its current message, then the
daemon exits 0; SIGHUP reloads the config and rules (rule files are also re-read by
``RuleReloader`` whenever they change).
"""

from __future__ import annotations

import contextlib
import logging
import signal
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.background import BackgroundScheduler

from introgate.account_lock import AccountBusy, daemon_lock
from introgate.backends import open_backend
from introgate.backends.base import MailboxBackend
from introgate.backends.imap import ImapBackend
from introgate.config import Account, Settings, load_settings
from introgate.drift import drift_report, summary_line
from introgate.errors import ConfigError, IntrogateError
from introgate.pass_progress import ProgressLines
from introgate.passes import run_recorded_pass
from introgate.pipeline import Engine, PassReport, log_decision
from introgate.scheduling.idle import IdleWatcher, backoff_delay
from introgate.state import SqliteStore
from introgate.state.sqlite.backup import backup

if TYPE_CHECKING:
    from introgate.web.serve import WebServer

log = logging.getLogger("introgate.daemon")

RETRY_FIRST = 5.0
RETRY_CAP = 300.0
SIGNAL_POLL = 0.2
PROGRESS_INTERVAL = 30.0
_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@dataclass
class AccountRunner:
    """One account's moving parts: its kept connection, backoff and IDLE watchers.

    It is the pass runner's source of connections (``introgate.passes.Connections``):
    the daemon keeps one connection per account between passes.
    """

    account: Account
    lock: threading.Lock = field(default_factory=threading.Lock)
    again: threading.Event = field(default_factory=threading.Event)
    backend: MailboxBackend | None = None
    failures: int = 0
    watchers: list[IdleWatcher] = field(default_factory=list)  # one per watched folder
    passes: int = 0

    def connected(self) -> tuple[MailboxBackend, bool]:
        if self.backend is not None:
            return self.backend, True
        backend = open_backend(self.account)
        if isinstance(backend, ImapBackend):
            backend.kept_between_passes = True
        backend.connect()
        self.backend = backend
        return backend, False

    def discard(self) -> None:
        backend, self.backend = self.backend, None
        if backend is not None:
            try:
                backend.close()
            except (IntrogateError, OSError) as exc:
                log.debug("%s: closing: %s", self.account.name, exc)


# the state file's integrity check and backup, once a day while the daemon runs
STATE_UPKEEP_INTERVAL = 24 * 3600
# what recognition did not understand, logged once a day while the daemon runs
RECOGNITION_REPORT_INTERVAL = 24 * 3600


class Daemon:
    """Runs passes until told to stop; ``start`` returns at once, ``wait`` blocks."""

    def __init__(
        self,
        config_path: Path | None,
        settings: Settings,
        *,
        dry_run: bool = False,
        retry_first: float = RETRY_FIRST,
        retry_cap: float = RETRY_CAP,
    ) -> None:
        if not settings.accounts:
            raise ConfigError("the configuration has no [[accounts]]: nothing to watch")
        self.config_path = config_path
        self.settings = settings
        self.dry_run = dry_run
        self.retry_first = retry_first
        self.retry_cap = retry_cap
        self.stopping = threading.Event()
        self.stop_requested = False  # set by signal handlers; plain attribute, no lock
        self.reload_requested = False
        # rule files are followed while the daemon runs; bad rules stop it from starting
        self.engine = Engine.load(settings, follow_rule_files=True)
        # one lock per account name for the daemon's whole life: a job started just before
        # a reload must not run a pass beside the new runner's (two drafts for one request)
        self.account_locks: dict[str, threading.Lock] = {}
        self.runners = self._runners(settings)
        self.scheduler = BackgroundScheduler(
            timezone=UTC,
            job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
        )
        self.pass_listeners: list[Callable[[str, PassReport | None, str | None], None]] = []
        self.web: WebServer | None = None
        self._web_thread: threading.Thread | None = None

    def _runners(self, settings: Settings) -> dict[str, AccountRunner]:
        return {
            a.name: AccountRunner(a, lock=self.account_locks.setdefault(a.name, threading.Lock()))
            for a in settings.accounts
        }

    # -- lifecycle --------------------------------------------------------------

    def start(self) -> None:
        if not self.dry_run:
            # create or migrate the state file once, here, before jobs open it in parallel
            SqliteStore(self.settings.state.path).close()
        self.scheduler.start()
        self._schedule_all()
        self._serve_page()
        log.info(
            "watching %d account%s%s",
            len(self.runners),
            "" if len(self.runners) == 1 else "s",
            " (dry run)" if self.dry_run else "",
        )

    def _schedule_all(self) -> None:
        now = datetime.now(UTC)
        if not self.dry_run:
            self.scheduler.add_job(
                self.look_after_state,
                "interval",
                seconds=STATE_UPKEEP_INTERVAL,
                id="state upkeep",
                name="state upkeep",
                next_run_time=now + timedelta(minutes=10),
                replace_existing=True,
            )
            self.scheduler.add_job(
                self.report_recognition_drift,
                "interval",
                seconds=RECOGNITION_REPORT_INTERVAL,
                id="recognition report",
                name="recognition report",
                next_run_time=now + timedelta(minutes=15),
                replace_existing=True,
            )
        for name, runner in self.runners.items():
            interval = runner.account.poll_interval
            self.scheduler.add_job(
                self.run_account,
                "interval",
                seconds=interval,
                jitter=min(30, max(1, interval // 10)),
                id=name,
                name=f"pass {name}",
                args=[name],
                next_run_time=now,
                replace_existing=True,
            )
            imap = runner.account.imap
            if runner.account.backend == "imap" and imap is not None and imap.idle:
                # one IDLE connection per watched folder (IMAP IDLE watches the selected one)
                for folder in runner.account.folders.watch:
                    watcher = IdleWatcher(name, imap, folder, partial(self.trigger, name))
                    runner.watchers.append(watcher)
                    watcher.start()

    def wait(self) -> None:
        """Block until a stop signal; handle reload requests on the way."""
        while not self.stopping.is_set():
            self.check_signals()
            time.sleep(SIGNAL_POLL)

    def check_signals(self) -> None:
        if self.stop_requested and not self.stopping.is_set():
            log.info("stopping: finishing the current message, then saving state")
            self.stopping.set()
        if self.reload_requested and not self.stopping.is_set():
            self.reload_requested = False
            self.reload()

    def request_stop(self) -> None:
        self.stop_requested = True

    def _serve_page(self) -> None:
        """``[web] enabled``: the review page on a thread of its own. A page that cannot
        start (port in use, a host it may not use) is one error line; mail goes on."""
        if not self.settings.web.enabled or self.dry_run:
            return
        from introgate.web.serve import WebServer

        try:
            self.web = WebServer.bind(self.settings)
        except IntrogateError as exc:
            log.error("review page not started: %s", exc)
            return
        self._web_thread = self.web.start_thread()
        # the token stays out of the log: 'introgate web --url' reads it from its file
        log.info(
            "review page at %s/ (its address with the access token: introgate web --url)",
            self.web.base_url,
        )

    def shutdown(self) -> None:
        self.stopping.set()
        if self.web is not None:
            self.web.stop()
        for runner in self.runners.values():
            for watcher in runner.watchers:
                watcher.stop()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)  # running passes end after their message
        for runner in self.runners.values():
            runner.discard()
            for watcher in runner.watchers:
                watcher.join(timeout=5)
        if self._web_thread is not None:
            self._web_thread.join(timeout=10)
        log.info("stopped")

    def reload(self) -> None:
        """Re-read config, recognition data and rules; on any error keep what runs now."""
        try:
            settings = load_settings(self.config_path)
            if not settings.accounts:
                raise ConfigError("the configuration has no [[accounts]]")
            engine = Engine.load(settings, follow_rule_files=True)
            runners = self._runners(settings)
        except IntrogateError as exc:
            log.error("reload failed, still running the previous configuration: %s", exc)
            return
        self.scheduler.remove_all_jobs()
        for runner in self.runners.values():
            for watcher in runner.watchers:
                watcher.stop()
            while not runner.lock.acquire(timeout=SIGNAL_POLL):  # let a running pass end
                self.check_signals()
            try:
                runner.discard()
            finally:
                runner.lock.release()
        self.settings, self.engine, self.runners = settings, engine, runners
        self._schedule_all()
        log.info("configuration reloaded: %d accounts", len(runners))

    # -- passes -----------------------------------------------------------------

    def trigger(self, name: str) -> None:
        """Run the account's pass now (IDLE saw new mail); a running pass goes round again."""
        runner = self.runners.get(name)
        if runner is None or self.stopping.is_set():
            return
        runner.again.set()
        if runner.lock.locked():
            return
        try:
            self.scheduler.modify_job(name, next_run_time=datetime.now(UTC))
        except LookupError:
            log.debug("%s: no job to trigger (reloading?)", name)

    def look_after_state(self) -> None:
        """Once a day: SQLite's full integrity check, then the day's online backup."""
        path = self.settings.state.path
        try:
            with SqliteStore(path) as store:
                found = store.problems(thorough=True)
            if found:
                log.error(
                    "state file %s is damaged (%s): restore it with `introgate state restore`",
                    path,
                    found[0],
                )
                return
            log.info("state file checked and backed up to %s", backup(path))
        except (IntrogateError, OSError, sqlite3.Error) as exc:
            log.error("state upkeep: %s", exc)

    def report_recognition_drift(self) -> None:
        """Once a day: each network whose mail was not understood, or whose requests
        stopped, as one warning (what ``introgate status`` shows in full)."""
        try:
            with SqliteStore(self.settings.state.path) as store:
                report = drift_report(store.recognition, datetime.now(UTC).date())
        except (IntrogateError, OSError, sqlite3.Error) as exc:
            log.error("recognition report: %s", exc)
            return
        for drift in report:
            log.warning("recognition: %s (see introgate status and explain)", summary_line(drift))

    def run_account(self, name: str) -> None:
        """The scheduled job: one pass, again while IDLE reported mail during it."""
        runner = self.runners.get(name)
        if runner is None or self.stopping.is_set():
            return
        if not runner.lock.acquire(blocking=False):
            runner.again.set()
            return
        try:
            if self.runners.get(name) is not runner:
                return  # replaced by a reload while this job waited
            while not self.stopping.is_set():
                runner.again.clear()
                if not self._one_pass(runner) or not runner.again.is_set():
                    break
        finally:
            runner.lock.release()

    def _one_pass(self, runner: AccountRunner) -> bool:
        name = runner.account.name
        report: PassReport | None = None
        error: str | None = None
        try:
            report = run_recorded_pass(
                self.engine,
                runner.account,
                runner,
                dry_run=self.dry_run,
                stop=self.stopping,
                # the daemon's output is its log: a line per decision (none kept in
                # memory) and, during a long first pass, a progress line now and then
                progress=ProgressLines(name, log.info, interval=PROGRESS_INTERVAL),
                on_decision=partial(log_decision, dry_run=self.dry_run),
            )
        except AccountBusy as exc:
            log.info("%s", exc)  # another process is on it; the next poll tries again
            return False
        except IntrogateError as exc:
            error = str(exc)
        except Exception as exc:
            log.exception("%s: pass failed unexpectedly", name)
            error = f"{type(exc).__name__}: {exc}"
        for listener in self.pass_listeners:
            listener(name, report, error)
        if error is not None:
            runner.discard()
            runner.failures += 1
            delay = backoff_delay(runner.failures, self.retry_first, self.retry_cap)
            log.warning("%s: %s; next try in %.0fs", name, error, delay)
            self._retry_later(name, delay)
            return False
        runner.failures = 0
        runner.passes += 1
        if report is not None and report.new:
            log.info(
                "%s: pass done: %d new, %d drafted, %d failed",
                name,
                report.new,
                report.drafted,
                report.failed,
            )
        return True

    def _retry_later(self, name: str, delay: float) -> None:
        if self.stopping.is_set():
            return
        with contextlib.suppress(LookupError):
            self.scheduler.modify_job(
                name, next_run_time=datetime.now(UTC) + timedelta(seconds=delay)
            )


class _StoppedDuringStartup(Exception):
    """SIGTERM arrived while loading: nothing has started, so stopping is a clean exit."""


def run_daemon(config_path: Path | None, *, dry_run: bool = False) -> int:
    """Run until SIGTERM/SIGINT; the exit code for ``introgate run``."""
    daemon: Daemon | None = None

    def on_stop(signum: int, frame: FrameType | None) -> None:
        if daemon is None:
            raise _StoppedDuringStartup
        daemon.request_stop()

    def on_hup(signum: int, frame: FrameType | None) -> None:
        if daemon is not None:
            daemon.reload_requested = True

    previous: dict[signal.Signals, Any] = {}
    for stop_signal in _STOP_SIGNALS:
        previous[stop_signal] = signal.signal(stop_signal, on_stop)
    if hasattr(signal, "SIGHUP"):
        previous[signal.SIGHUP] = signal.signal(signal.SIGHUP, on_hup)
    try:
        try:
            settings = load_settings(config_path)
            daemon = Daemon(config_path, settings, dry_run=dry_run)
        except _StoppedDuringStartup:
            log.info("stopped while starting")
            return 0
        with contextlib.ExitStack() as held:
            if not dry_run:  # a dry run writes nothing beside the state file either
                held.enter_context(daemon_lock(settings.state.path))
            try:
                daemon.start()
                daemon.wait()
            finally:
                daemon.shutdown()
    finally:
        for handled, handler in previous.items():
            signal.signal(handled, handler)
    return 0
