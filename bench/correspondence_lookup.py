"""What asking "has the user written to this requester?" costs Dovecot, per chunk and per person.

    .venv/bin/python bench/correspondence_lookup.py [--sent 1000 10000] [--requesters 200]

A Sent folder of each size (written straight into the Maildir; one requester in ten has
mail there, and as many "Johanna"-style longer names) and ``--requesters`` requesters in
chunks of ``--chunk``, as a first pass meets them. Two ways are timed on a warm server:
per person (three SEARCHes per name, To, Cc and From, then a header FETCH of the hits:
how introgate asked before ``KnownPeople.look_up``) and per chunk (``look_up``: one
SEARCH for all names of a chunk, one FETCH of the hits). Prints IMAP commands and
seconds for each. Needs root and Dovecot (dovecot-imapd), like tests/imap.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

from dovecot_server import Dovecot, dovecot_installed

from introgate.backends.imap import ImapBackend
from introgate.config import FolderSettings, ImapSettings, Settings
from introgate.people import CORRESPONDENCE_HEADERS, KnownPeople
from introgate.recognition.model import Requester
from introgate.state import SqliteStore


def write_sent(server: Dovecot, size: int, names: list[str]) -> None:
    folder = server.maildir / ".Sent"
    for sub in ("cur", "new", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    (folder / "maildirfolder").touch()
    # the user wrote to every tenth requester, and to someone whose name holds the next one's
    named = [name for i in range(0, len(names) - 1, 10) for name in (names[i], f"Jo{names[i + 1]}")]
    spread = {n * size // len(named): name for n, name in enumerate(named)}
    for n in range(size):
        message = EmailMessage()
        message["From"] = "Alex Beispiel <alex@example.org>"
        message["To"] = f"{spread.get(n, f'Colleague{n} Someone')} <person{n}@example.com>"
        message["Subject"] = f"Re: thread {n}"
        message.set_content("See you.\n")
        (folder / "cur" / f"{n}.bench:2,S").write_bytes(message.as_bytes())
    server.chown_mail()


def per_person(backend: ImapBackend, names: list[str]) -> None:
    for name in names:
        for header in CORRESPONDENCE_HEADERS:
            refs = backend.find_by_header("Sent", header, name)
            if refs:
                backend.fetch_headers(refs[:50])


def per_chunk(settings: Settings, backend: ImapBackend, names: list[str], chunk: int) -> None:
    known = KnownPeople(settings, SqliteStore(Path(":memory:")), backend, remember=False)
    for start in range(0, len(names), chunk):
        known.look_up(Requester(name=name) for name in names[start : start + chunk])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sent", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--requesters", type=int, default=200)
    parser.add_argument("--chunk", type=int, default=10, help="requesters per chunk of mail")
    args = parser.parse_args()
    if not dovecot_installed():
        print("Dovecot is not installed (apt-get install dovecot-imapd)", file=sys.stderr)
        return 2
    names = [f"Requester{n} Example" for n in range(args.requesters)]
    print(f"{args.requesters} requesters, {args.chunk} per chunk")
    print(f"{'Sent':>7}  {'way':<10} {'commands':>8} {'seconds':>8}")
    for size in args.sent:
        with tempfile.TemporaryDirectory(prefix="introgate-bench-", dir="/tmp") as tmp:
            server = Dovecot.create(Path(tmp) / "dovecot")
            write_sent(server, size, names)
            server.start()
            try:
                imap = ImapSettings(
                    host="127.0.0.1",
                    port=server.port,
                    security="plain",
                    username=server.user,
                    password=server.password,
                )
                settings = Settings(
                    contacts={"correspondence_folders": ["Sent"]},
                    state={"path": Path(tmp) / "state.sqlite3"},
                )
                with ImapBackend("bench", imap, FolderSettings()) as backend:
                    assert isinstance(backend, ImapBackend)
                    per_person(backend, names[:3])  # Dovecot builds its cache once
                    for way in ("per person", "per chunk"):
                        before, started = backend.commands_sent, time.perf_counter()
                        if way == "per person":
                            per_person(backend, names)
                        else:
                            per_chunk(settings, backend, names, args.chunk)
                        seconds = time.perf_counter() - started
                        commands = backend.commands_sent - before
                        print(f"{size:>7,}  {way:<10} {commands:>8} {seconds:>8.2f}", flush=True)
            finally:
                server.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
