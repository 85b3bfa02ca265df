"""What a pass costs an IMAP server: run against a throwaway local Dovecot, print numbers.

    .venv/bin/python bench/imap_poll.py [--sizes 1000 50000] [--idle-samples 20]

For each INBOX size (built by writing files straight into the Maildir): the first pass
(throughput, bytes fetched per message), then a pass with nothing new (IMAP commands and
wall time; these should not grow with the mailbox). Then IDLE latency: a request
delivered while the daemon idles, until its pass has drafted the reply. Needs root and
Dovecot (dovecot-imapd), like tests/imap.
"""

from __future__ import annotations

import argparse
import os
import pwd
import resource
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from introgate.backends.imap import ImapBackend  # noqa: E402
from introgate.config import Settings, load_settings  # noqa: E402
from introgate.demo import linkedin_invitation, ordinary  # noqa: E402
from introgate.pipeline import Engine, PassReport  # noqa: E402
from introgate.scheduling.daemon import Daemon  # noqa: E402
from introgate.state import SqliteStore  # noqa: E402
from tests.imap.dovecot import Dovecot, dovecot_installed  # noqa: E402

REQUESTS_PER_MAILBOX = 10  # the same in every size, so only the mailbox size differs

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


def build_mailbox(server: Dovecot, size: int) -> None:
    """``size`` messages in INBOX/cur, REQUESTS_PER_MAILBOX of them contact requests."""
    from email.headerregistry import Address

    cur = server.maildir / "cur"
    every = max(1, size // REQUESTS_PER_MAILBOX)
    bodies = [
        ordinary(
            Address(f"Sender {n}", f"sender{n}", "kunde.example"),
            f"Re: Angebot {n}",
            "Hallo\n" * 20,
        )
        for n in range(50)
    ]
    stamp = time.time() - 3600
    for n in range(size):
        if n % every == every - 1:
            raw = linkedin_invitation(
                f"Bench Person{n}", f"bench-person-{n}", "Consultant", language="en", note=None
            ).as_bytes()
        else:
            message = bodies[n % len(bodies)]
            del message["Message-ID"]
            message["Message-ID"] = f"<bench-{size}-{n}@kunde.example>"
            raw = message.as_bytes()
        path = cur / f"{int(stamp) + n}.M{n}P1.bench:2,S"
        path.write_bytes(raw)
    entry = pwd.getpwnam("dovecot")
    for path in cur.iterdir():
        os.chown(path, entry.pw_uid, entry.pw_gid)


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
    build_mailbox(server, size)
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


def idle_latency(server: Dovecot, settings: Settings, samples: int) -> list[float]:
    """Seconds from delivery of a request to the end of the pass that drafted it."""
    assert settings.config_path is not None
    daemon = Daemon(settings.config_path, settings)
    drafted = threading.Event()
    ready = threading.Event()

    def listen(name: str, report: PassReport | None, error: str | None) -> None:
        ready.set()
        if report is not None and report.drafted:
            drafted.set()

    daemon.pass_listeners.append(listen)
    daemon.start()
    latencies = []
    try:
        ready.wait(120)
        watcher = daemon.runners["bench"].watcher
        assert watcher is not None
        for n in range(samples):
            time.sleep(0.3)  # the watcher is back in IDLE after the previous pass
            drafted.clear()
            raw = linkedin_invitation(
                f"Idle Person{n}", f"idle-person-{n}", "Founder", language="en", note=None
            ).as_bytes()
            started = time.perf_counter()
            server.deliver(raw)
            if not drafted.wait(30):
                raise RuntimeError(f"sample {n}: no draft within 30 s")
            latencies.append(time.perf_counter() - started)
    finally:
        daemon.shutdown()
    return latencies


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
            print(f"(each size: {REQUESTS_PER_MAILBOX} contact requests, the rest ordinary mail)")
            if args.idle_samples:
                first = results[0]
                latencies = idle_latency(first["server"], first["settings"], args.idle_samples)
                print(
                    f"IDLE: delivery -> draft, {len(latencies)} samples: "
                    f"p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
                    f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
                    f"max {max(latencies) * 1000:.0f} ms"
                )
        finally:
            for r in results:
                r["server"].dispose()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS: {peak_kib / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
