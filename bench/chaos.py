"""Chaos: kill -9 introgate at random points and check that no mail is harmed.

    .venv/bin/python bench/chaos.py [--kills 200] [--seed 1] [--out bench/results/chaos.txt]

A local Dovecot serves one account. Each round delivers a few new mails (contact requests
without a note, requests with one, ordinary mail), then does one kind of harm at a random
moment: ``kill -9`` of ``run --once``, ``kill -9`` of the daemon, a Dovecot restart during
a pass, or two ``run --once`` at once with one of them killed. After each round a clean
``run --once`` settles the mailbox, and every mail delivered so far is checked:

- lost: a delivered mail found in no folder;
- duplicated: a delivered mail found more than once (INBOX, Archive, Trash);
- seen: a delivered mail marked \\Seen (introgate never reads mail for the user);
- double drafts: more than one draft in Drafts for one request;
- missing drafts: a request without a note that has no draft after settling.

Needs root and Dovecot like tests/imap. Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from pathlib import Path

from dovecot_server import Dovecot, dovecot_installed
from imapclient import IMAPClient

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

CONFIG = """\
[identity]
name = "Alex Beispiel"
addresses = ["alex@example.org"]
default_language = "en"
signature = "Alex"

[trust]
authserv_ids = ["mx.demo.example"]

[state]
path = "{state}"

[contacts]
files = []
correspondence_folders = ["Sent"]

[[accounts]]
name = "chaos"
backend = "imap"
backfill = "all"
poll_interval = 5

[accounts.imap]
host = "127.0.0.1"
port = {port}
security = "plain"
username = "{user}"
password = "{password}"
connect_timeout = 5.0
read_timeout = 10.0
idle = false
"""
HARMS = ("kill run --once", "kill daemon", "restart dovecot", "concurrent passes")
FOLDERS = ("INBOX", "Archive", "Trash")


@dataclass
class Tally:
    kills: int = 0
    rounds: Counter[str] = field(default_factory=Counter)
    delivered: int = 0
    requests_without_note: int = 0
    lost: int = 0
    duplicated: int = 0
    seen: int = 0
    double_drafts: int = 0
    missing_drafts: int = 0
    settle_failures: int = 0


def mail(n: int, kind: str) -> tuple[bytes, str]:
    from introgate.demo import linkedin_invitation
    from tests.imap.conftest import plain_message

    if kind == "ordinary":
        raw = plain_message(subject=f"Ordinary {n}", sender=f"friend{n}@example.org")
    else:
        note = "Hi Alex, we met at the meetup in Bonn last week." if kind == "noted" else None
        raw = linkedin_invitation(
            f"Chaos{n} Person", f"chaos-{n}-person", "Consultant", language="en", note=note
        ).as_bytes()
    message_id = " ".join(str(BytesHeaderParser().parsebytes(raw)["Message-ID"]).split())
    return raw, message_id


def introgate(config: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "introgate", *args, "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=config.parent,
    )


def kill_after(process: subprocess.Popen[bytes], delay: float) -> bool:
    """kill -9 after ``delay`` seconds; False when it had already finished."""
    try:
        process.wait(delay)
        return False
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True


def mailbox(server: Dovecot) -> dict[str, list[tuple[bytes, tuple[bytes, ...]]]]:
    """Every folder's (header block, flags)."""
    box: dict[str, list[tuple[bytes, tuple[bytes, ...]]]] = {}
    with IMAPClient("127.0.0.1", port=server.port, ssl=False) as client:
        client.login(server.user, server.password)
        for folder in (*FOLDERS, "Drafts"):
            if not client.folder_exists(folder):
                box[folder] = []
                continue
            client.select_folder(folder, readonly=True)
            uids = client.search("ALL")
            data = client.fetch(uids, ["BODY.PEEK[HEADER]", "FLAGS"]) if uids else {}
            box[folder] = [(d[b"BODY[HEADER]"], tuple(d[b"FLAGS"])) for d in data.values()]
    return box


def header(block: bytes, name: str) -> str:
    value = BytesHeaderParser().parsebytes(block)[name]
    return " ".join(str(value).split()) if value else ""


def audit(server: Dovecot, delivered: dict[str, str], tally: Tally) -> None:
    box = mailbox(server)
    places: Counter[str] = Counter()
    seen: set[str] = set()
    for folder in FOLDERS:
        for block, flags in box[folder]:
            message_id = header(block, "Message-ID")
            places[message_id] += 1
            if b"\\Seen" in flags:
                seen.add(message_id)
    drafts: Counter[str] = Counter(header(block, "In-Reply-To") for block, _ in box["Drafts"])
    tally.lost = sum(1 for mid in delivered if places[mid] == 0)
    tally.duplicated = sum(1 for mid in delivered if places[mid] > 1)
    tally.seen = sum(1 for mid in delivered if mid in seen)
    tally.double_drafts = sum(1 for mid, kind in delivered.items() if drafts[mid] > 1)
    tally.missing_drafts = sum(
        1 for mid, kind in delivered.items() if kind == "request" and drafts[mid] == 0
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if not dovecot_installed():
        print("chaos: needs Dovecot (dovecot-imapd)")
        return 1
    rng = random.Random(args.seed)
    tally = Tally()
    delivered: dict[str, str] = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="introgate-chaos-") as temp:
        work = Path(temp)
        server = Dovecot.create(work / "dovecot")
        server.start()
        config = work / "introgate.toml"
        config.write_text(
            CONFIG.format(
                state=work / "state.sqlite3",
                port=server.port,
                user=server.user,
                password=server.password,
            )
        )
        n = 0
        try:
            while tally.kills < args.kills:
                for _ in range(rng.randint(2, 8)):
                    n += 1
                    kind = rng.choice(("request", "request", "noted", "ordinary"))
                    raw, message_id = mail(n, kind)
                    server.deliver(raw)
                    delivered[message_id] = kind
                harm = rng.choice(HARMS)
                tally.rounds[harm] += 1
                delay = rng.uniform(0.3, 2.5)
                if harm == "kill run --once":
                    tally.kills += kill_after(introgate(config, "run", "--once"), delay)
                elif harm == "kill daemon":
                    tally.kills += kill_after(introgate(config, "run"), delay)
                elif harm == "restart dovecot":
                    process = introgate(config, "run", "--once")
                    time.sleep(delay)
                    server.restart()
                    process.wait()
                else:
                    first = introgate(config, "run", "--once")
                    second = introgate(config, "run", "--once")
                    tally.kills += kill_after(first, delay)
                    second.wait()
                settle = subprocess.run(
                    [sys.executable, "-m", "introgate", "run", "--once", "--config", str(config)],
                    capture_output=True,
                    cwd=work,
                    check=False,
                )
                tally.settle_failures += settle.returncode != 0
                audit(server, delivered, tally)
                print(
                    f"\r{tally.kills} kills, {len(delivered)} mails: lost {tally.lost}, "
                    f"duplicated {tally.duplicated}, seen {tally.seen}, "
                    f"double drafts {tally.double_drafts}",
                    end="",
                    flush=True,
                )
        finally:
            server.dispose()
    tally.delivered = len(delivered)
    tally.requests_without_note = sum(1 for kind in delivered.values() if kind == "request")
    minutes = (time.monotonic() - started) / 60
    lines = [
        f"chaos: {tally.kills} kill -9 over {sum(tally.rounds.values())} rounds "
        f"({', '.join(f'{k}: {v}' for k, v in sorted(tally.rounds.items()))}), "
        f"seed {args.seed}, {minutes:.1f} min",
        f"mails delivered: {tally.delivered} ({tally.requests_without_note} requests without a "
        "note, each should get exactly one draft)",
        f"lost: {tally.lost}",
        f"duplicated: {tally.duplicated}",
        f"marked seen: {tally.seen}",
        f"double drafts: {tally.double_drafts}",
        f"missing drafts after settling: {tally.missing_drafts}",
        f"settling passes that failed: {tally.settle_failures}",
    ]
    print()
    print("\n".join(lines))
    if args.out:
        args.out.write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("COLUMNS", "200")
    raise SystemExit(main())
