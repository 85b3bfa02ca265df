"""The IDLE watcher: renewed IDLE keeps announcing mail; a killed connection is replaced."""

from __future__ import annotations

import threading
import time

import pytest

from introgate.scheduling.idle import IdleWatcher

from .conftest import imap_settings, plain_message
from .dovecot import Dovecot


def test_renewed_idle_still_announces_new_mail(dovecot: Dovecot) -> None:
    announced = threading.Event()
    watcher = IdleWatcher(
        "t", imap_settings(dovecot), "INBOX", announced.set, renew_seconds=0.3, check_seconds=0.1
    )
    watcher.start()
    try:
        time.sleep(1.0)  # three renewals (DONE + IDLE) on the same connection
        dovecot.deliver(plain_message())
        assert announced.wait(10)
        assert watcher.connections == 1
    finally:
        watcher.stop()
        watcher.join(5)


def test_a_killed_idle_connection_is_replaced_and_catches_up(dovecot: Dovecot) -> None:
    announced = threading.Event()
    watcher = IdleWatcher("t", imap_settings(dovecot), "INBOX", announced.set, check_seconds=0.2)
    watcher.start()
    try:
        deadline = time.monotonic() + 10
        while watcher.connections < 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)
        dovecot.kick()  # the server drops the connection without a word
        dovecot.deliver(plain_message())  # mail arriving while nobody listens
        assert announced.wait(10)  # the new connection triggers a catch-up pass
        assert watcher.connections == 2
        assert watcher.is_alive()
    finally:
        watcher.stop()
        watcher.join(5)


def test_a_connection_that_was_idling_fine_reconnects_without_growing_backoff(
    dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    failures_seen: list[int] = []

    def quick(failures: int) -> float:
        failures_seen.append(failures)
        return 0.05

    monkeypatch.setattr("introgate.scheduling.idle.backoff_delay", quick)
    watcher = IdleWatcher("t", imap_settings(dovecot), "INBOX", lambda: None, check_seconds=0.1)
    watcher.start()
    try:
        for expected_connections in (1, 2, 3):
            deadline = time.monotonic() + 10
            while watcher.connections < expected_connections and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(0.3)  # idling happily, then the laptop sleeps / NAT drops it
            dovecot.kick()
        deadline = time.monotonic() + 10
        while len(failures_seen) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert failures_seen[:3] == [1, 1, 1]
    finally:
        watcher.stop()
        watcher.join(5)
