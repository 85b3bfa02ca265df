"""What a pass costs an IMAP server, inside one process: commands, bytes, IDLE latency.

    .venv/bin/python bench/imap_poll.py [--sizes 1000 50000] [--idle-samples 20]

For each INBOX size (bench/inbox_builder.py: 2 % contact requests, written straight into
the Maildir): the first pass (throughput, bytes fetched per message), then a pass with
nothing new (IMAP commands and wall time; these should not grow with the mailbox). Then
IDLE latency on the largest INBOX: the daemon runs (its IDLE watcher and kept pass
connection, as ``introgate run``), a new request is stored with IMAP APPEND by another
client, and the time until its draft is in Drafts is taken (a third client asks STATUS
every 10 ms), split at the moment the daemon's IDLE watcher hears of the new mail: before
it the server works (Dovecot tells IDLE clients 0.5 s after it sees a change), after it
the pass does. The passes are timed inside this process (engine loaded, output off): no
start-up, config or rendering; bench/whole_process.py measures what a user waits for.
Needs root and Dovecot (dovecot-imapd), like tests/imap.
"""

from __future__ import annotations

import argparse
import datetime
import resource
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from dovecot_server import Dovecot, dovecot_installed
from imapclient import IMAPClient
from inbox_builder import build_inbox

from introgate.backends.imap import ImapBackend
from introgate.config import Settings, load_settings
from introgate.demo import linkedin_invitation
from introgate.pipeline import Engine, PassReport
from introgate.scheduling.daemon import Daemon
from introgate.state import SqliteStore

CONFIG = """
[identity]
name = "Alex Beispiel"
addresses = ["alex@example.org"]

[trust]
authserv_ids = ["mx.demo.example"]

[state]
path = "state-{size}.sqlite3"

[[accounts]]
name = "bench"
backend = "imap"
backfill = "all"
poll_interval = 3600

[accounts.imap]
host = "127.0.0.1"
port = {port}
security = "plain"
username = "{user}"
password = "{password}"
read_timeout = 120.0
"""


class WireCounter:
    """Bytes the client reads from the server, counted at imaplib's read/readline."""

    def __init__(self, backend: ImapBackend) -> None:
        self.received = 0
        client = backend._client
        assert client is not None
        imap = client._imap
        read: Callable[[int], bytes] = imap.read
        readline: Callable[[], bytes] = imap.readline

        def counted_read(size: int) -> bytes:
            data = read(size)
            self.received += len(data)
            return data

        def counted_readline() -> bytes:
            data = readline()
            self.received += len(data)
            return data

        imap.read = counted_read
        imap.readline = counted_readline
        self._restore = (imap, read, readline)

    def detach(self) -> None:
        """Stop counting (a kept connection gets a new counter for its next pass)."""
        imap, read, readline = self._restore
        imap.read = read
        imap.readline = readline


def run_pass(
    settings: Settings, engine: Engine, kept: ImapBackend | None = None
) -> tuple[PassReport, int, int, float]:
    """One pass: report, IMAP commands, bytes received, seconds.

    On a fresh connection like `introgate run --once`, or on ``kept``, the connection a
    daemon keeps between passes.
    """
    account = settings.accounts[0]
    assert account.imap is not None
    backend = kept or ImapBackend(account.name, account.imap, account.folders)
    if kept is None:
        backend.connect()
    wire = WireCounter(backend)
    commands_before = backend.commands_sent
    started = time.perf_counter()
    with SqliteStore(settings.state.path) as store:
        report = engine.run(account, backend, store)
    elapsed = time.perf_counter() - started
    commands = backend.commands_sent - commands_before
    wire.detach()
    if kept is None:
        backend.close()
    return report, commands, wire.received, elapsed


def measure_size(base: Path, size: int) -> dict[str, Any]:
    server = Dovecot.create(base / f"dovecot-{size}")
    started = time.perf_counter()
    mix = build_inbox(server.maildir, size)
    server.chown_mail()
    built = time.perf_counter() - started
    server.start()
    try:
        config = base / f"introgate-{size}.toml"
        config.write_text(
            CONFIG.format(port=server.port, user=server.user, password=server.password, size=size)
        )
        settings = load_settings(config)
        engine = Engine.load(settings)
        first, first_commands, first_bytes, first_seconds = run_pass(settings, engine)
        idle_runs = [run_pass(settings, engine) for _ in range(5)]
        nothing_new = min(idle_runs, key=lambda run: run[3])
        account = settings.accounts[0]
        assert account.imap is not None
        kept = ImapBackend(account.name, account.imap, account.folders)
        kept.connect()
        try:
            settle = [run_pass(settings, engine, kept) for _ in range(3)]
            daemon_runs = [run_pass(settings, engine, kept) for _ in range(7)]
        finally:
            kept.close()
        return {
            "size": size,
            "mix": mix.describe(),
            "built_seconds": built,
            "first_scanned": first.scanned,
            "first_drafted": first.drafted,
            "first_seconds": first_seconds,
            "first_commands": first_commands,
            "first_bytes": first_bytes,
            "idle_commands": [run[1] for run in idle_runs],
            "idle_seconds_best": nothing_new[3],
            "idle_seconds_median": statistics.median(run[3] for run in idle_runs),
            "idle_new": [len(run[0].decisions) for run in idle_runs + settle + daemon_runs],
            "daemon_commands": [run[1] for run in daemon_runs],
            "daemon_seconds_median": statistics.median(run[3] for run in daemon_runs),
            "server": server,
            "settings": settings,
        }
    except BaseException:
        server.dispose()
        raise


def idle_latency(
    server: Dovecot, settings: Settings, samples: int
) -> tuple[list[float], list[float]]:
    """Seconds from the APPEND of a request until its draft is in the Drafts folder, and
    of those, until the IDLE watcher heard of the new mail (the rest is the pass)."""
    assert settings.config_path is not None
    daemon = Daemon(settings.config_path, settings)
    passes = threading.Event()

    def listen(name: str, report: PassReport | None, error: str | None) -> None:
        passes.set()
        if error is not None:
            print(f"  pass failed: {error}", flush=True)

    daemon.pass_listeners.append(listen)
    daemon.start()
    sender = client(server)
    watcher = client(server)
    latencies: list[float] = []
    notices: list[float] = []
    try:
        if not passes.wait(600):
            raise RuntimeError("the daemon's first pass did not finish within 10 minutes")
        watchers = daemon.runners["bench"].watchers
        if not watchers:
            raise RuntimeError("the daemon watches no folder with IDLE")
        heard: list[float] = []
        for one in watchers:
            one.on_new_mail = partial(_noted, heard, one.on_new_mail)
        for n in range(samples):
            time.sleep(0.5)  # the watcher is back in IDLE after the previous pass
            before = drafts(watcher)
            raw = linkedin_invitation(
                f"Idle Person{n}", f"idle-person-{n}", "Founder", language="en", note=None
            ).as_bytes()
            heard.clear()
            started = time.perf_counter()
            sender.append("INBOX", raw, msg_time=datetime.datetime.now(datetime.UTC))
            while drafts(watcher) == before:
                if time.perf_counter() - started > 30:
                    raise RuntimeError(f"sample {n}: no draft within 30 s")
                time.sleep(0.01)
            latencies.append(time.perf_counter() - started)
            notices.append((heard[0] if heard else time.perf_counter()) - started)
    finally:
        for one in (sender, watcher):
            one.logout()
        daemon.shutdown()
    return latencies, notices


def _noted(heard: list[float], on_new_mail: Callable[[], None]) -> None:
    """The IDLE watcher heard of new mail: when, then what it does anyway."""
    heard.append(time.perf_counter())
    on_new_mail()


def client(server: Dovecot) -> IMAPClient:
    imap = IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=60)
    imap.login(server.user, server.password)
    return imap


def drafts(imap: IMAPClient) -> int:
    return int(imap.folder_status("Drafts", [b"MESSAGES"])[b"MESSAGES"])


def spread(seconds: list[float]) -> str:
    return (
        f"p50 {percentile(seconds, 0.5) * 1000:.0f} ms, "
        f"p95 {percentile(seconds, 0.95) * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms"
    )


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 50000])
    parser.add_argument("--idle-samples", type=int, default=20)
    args = parser.parse_args()
    if not dovecot_installed():
        print("Dovecot is not installed (apt-get install dovecot-imapd)", file=sys.stderr)
        return 2
    results = []
    with tempfile.TemporaryDirectory(prefix="introgate-bench-") as tmp:
        base = Path(tmp)
        try:
            for size in args.sizes:
                print(f"building and reading a {size:,}-message INBOX ...", flush=True)
                results.append(measure_size(base, size))
            print()
            print(
                f"{'INBOX':>8} {'first pass':>11} {'msg/s':>8} {'bytes/msg':>10} "
                f"{'cmds':>6} | {'nothing new: cmds':>18} {'best ms':>8} {'median ms':>10}"
            )
            for r in results:
                print(
                    f"{r['size']:>8,} {r['first_seconds']:>10.2f}s "
                    f"{r['first_scanned'] / r['first_seconds']:>8.0f} "
                    f"{r['first_bytes'] / max(1, r['first_scanned']):>10.0f} "
                    f"{r['first_commands']:>6} | {max(r['idle_commands']):>18} "
                    f"{r['idle_seconds_best'] * 1000:>8.1f} "
                    f"{r['idle_seconds_median'] * 1000:>10.1f}"
                )
                assert r["idle_new"] == [0] * len(r["idle_new"]), r["idle_new"]
            print()
            print("nothing new, on the connection the daemon keeps between passes:")
            for r in results:
                print(
                    f"{r['size']:>8,}: {max(r['daemon_commands'])} commands, "
                    f"median {r['daemon_seconds_median'] * 1000:.1f} ms"
                )
            if len(results) >= 2:
                small, large = results[0], results[-1]
                for label, key, commands in (
                    ("fresh connection (run --once)", "idle_seconds_median", "idle_commands"),
                    ("daemon connection", "daemon_seconds_median", "daemon_commands"),
                ):
                    ratio = large[key] / small[key]
                    print(
                        f"nothing-new pass, {label}, {large['size']:,} vs {small['size']:,} "
                        f"messages: {ratio:.2f}x the time, {max(large[commands])} vs "
                        f"{max(small[commands])} commands"
                    )
            for r in results:
                print(f"INBOX {r['mix']}")
            if args.idle_samples:
                largest = results[-1]
                latencies, notices = idle_latency(
                    largest["server"], largest["settings"], args.idle_samples
                )
                passes = [whole - notice for whole, notice in zip(latencies, notices, strict=True)]
                print(
                    f"IDLE, {largest['size']:,}-message INBOX: APPEND of a request -> its "
                    f"draft in Drafts, {len(latencies)} samples: {spread(latencies)}"
                )
                # Dovecot tells IDLE clients of a change 0.5 s after it sees it (its
                # NOTIFY_DELAY_MSECS), then syncs the folder: that part is the server's
                print(f"  of which APPEND -> IDLE notice (the server): {spread(notices)}")
                print(f"  and IDLE notice -> draft stored (the pass):  {spread(passes)}")
        finally:
            for r in results:
                r["server"].dispose()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS: {peak_kib / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
