"""IMAP IDLE on its own connection: new mail wakes the account's pass within seconds.

A separate connection keeps the pass connection free: a pass never has to interrupt an
IDLE, and a dead IDLE socket never stalls a pass. IDLE is renewed well inside the
29-minute limit of RFC 2177 (servers and NAT boxes drop quieter connections), and a
connection that died silently is noticed because ``idle_check`` then returns nothing at
once instead of waiting out its timeout.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import threading
import time
from collections.abc import Callable

from imapclient import IMAPClient

from introgate.backends.imap import open_imap_client
from introgate.config import ImapSettings
from introgate.errors import ConnectionLost, IntrogateError
from introgate.oauth import LoginNeeded

log = logging.getLogger("introgate.idle")

RENEW_SECONDS = 600.0  # at most every 10 minutes: DONE + IDLE again
CHECK_SECONDS = 1.0  # how often the watcher looks at its stop flag while idling
BACKOFF_FIRST = 1.0
BACKOFF_CAP = 300.0


def backoff_delay(failures: int, first: float = BACKOFF_FIRST, cap: float = BACKOFF_CAP) -> float:
    """Capped exponential backoff: first, 2*first, 4*first ... never more than cap."""
    if failures <= 0:
        return 0.0
    return float(min(cap, first * 2 ** min(failures - 1, 30)))


class IdleWatcher(threading.Thread):
    """Watches one folder of one account and calls ``on_new_mail`` when mail arrives."""

    def __init__(
        self,
        account_name: str,
        settings: ImapSettings,
        folder: str,
        on_new_mail: Callable[[], None],
        *,
        renew_seconds: float = RENEW_SECONDS,
        check_seconds: float = CHECK_SECONDS,
    ) -> None:
        super().__init__(name=f"idle-{account_name}", daemon=True)
        self.account_name = account_name
        self.settings = settings
        self.folder = folder
        self.on_new_mail = on_new_mail
        self.renew_seconds = renew_seconds
        self.check_seconds = check_seconds
        self.stopping = threading.Event()
        self.unsupported = False
        self.connections = 0  # how many times a connection was opened (tests, status)
        self._established = False  # the current connection got as far as idling
        self._told_login = False  # a pass was asked to report a sign-in that needs renewing

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        failures = 0
        while not self.stopping.is_set():
            self._established = False
            try:
                self._watch()
                failures = 0
            except Exception as exc:  # the watcher must outlive any one failure
                # a connection that was idling fine counts as a fresh start: a laptop that
                # sleeps every night must not end up waiting the longest backoff
                failures = 1 if self._established else failures + 1
                delay = backoff_delay(failures)
                if isinstance(exc, LoginNeeded):
                    # only the user can fix this: the pass says so in one line (and keeps
                    # retrying on its own schedule); one pass now, so they hear of it now
                    log.debug(
                        "%s: IDLE on %r waits for a new sign-in", self.account_name, self.folder
                    )
                    if not self._told_login:
                        self._told_login = True
                        self.on_new_mail()
                    self.stopping.wait(delay)
                    continue
                known = isinstance(exc, IntrogateError | OSError | imaplib.IMAP4.error)
                log.log(
                    logging.WARNING if known else logging.ERROR,
                    "%s: IDLE on %r stopped (%s); reconnecting in %.0fs",
                    self.account_name,
                    self.folder,
                    exc if known else f"{type(exc).__name__}: {exc}",
                    delay,
                    exc_info=not known,
                )
                self.stopping.wait(delay)
            if self.unsupported:
                return

    def _watch(self) -> None:
        client = open_imap_client(self.account_name, self.settings)
        self.connections += 1
        try:
            if b"IDLE" not in client.capabilities():
                log.info("%s: server offers no IDLE; polling only", self.account_name)
                self.unsupported = True
                return
            client.select_folder(self.folder, readonly=True)
            self._established = True
            self._told_login = False
            log.debug("%s: idling on %r", self.account_name, self.folder)
            # mail that came while we were away: one pass catches up
            if self.connections > 1:
                self.on_new_mail()
            while not self.stopping.is_set():
                if self._idle_once(client):
                    self.on_new_mail()
        finally:
            try:
                client.logout()
            except (OSError, imaplib.IMAP4.error):
                with contextlib.suppress(OSError, imaplib.IMAP4.error):
                    client.shutdown()

    def _idle_once(self, client: IMAPClient) -> bool:
        """One IDLE of at most ``renew_seconds``; True when new mail was announced."""
        client.idle()
        started = time.monotonic()
        new_mail = False
        while not self.stopping.is_set() and not new_mail:
            remaining = self.renew_seconds - (time.monotonic() - started)
            if remaining <= 0:
                break
            wait = min(self.check_seconds, remaining)
            asked = time.monotonic()
            responses = client.idle_check(timeout=wait)
            if not responses and time.monotonic() - asked < wait / 2:
                # a live connection makes idle_check wait; a dead one answers [] at once
                raise ConnectionLost(f"{self.account_name}: IDLE connection closed")
            new_mail = any(_announces_mail(r) for r in responses)
        # the server may announce mail only in its answer to DONE: read that answer too
        _text, last_words = client.idle_done()
        return new_mail or any(_announces_mail(r) for r in last_words)


def _announces_mail(response: object) -> bool:
    return isinstance(response, tuple) and len(response) >= 2 and response[1] in (b"EXISTS",)
