"""A pass that finds late introductions: 1,000 open requests, 300 late messages.

    .venv/bin/python bench/late_introductions.py [--requests 1000] [--messages 300]

A Maildir gets ``--requests`` bare LinkedIn invitations from different strangers; a first
pass archives them and drafts a question each (that pass is timed too). Then
``--messages`` member messages arrive, in three kinds:

- from a requester, with their profile link (must match: same profile);
- from a requester, without a profile link (must match: same full name);
- from a namesake of a requester on another profile (must not match).

The second pass is timed; it prints how many requests it matched, how many of those were
the wrong person (false matches, expected 0), and the mailbox counts afterwards.
Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from introgate.backends.maildir import MaildirBackend  # noqa: E402
from introgate.config import load_settings  # noqa: E402
from introgate.demo import linkedin_invitation, linkedin_message  # noqa: E402
from introgate.pipeline import Engine, PassReport  # noqa: E402
from introgate.state import RequestState, SqliteStore  # noqa: E402

CONFIG = """
[identity]
name = "Alex Beispiel"
addresses = ["alex@example.org"]
default_language = "en"

[trust]
authserv_ids = ["mx.demo.example"]

[state]
path = "state.sqlite3"

[contacts]
files = []
correspondence_folders = []

[[accounts]]
name = "bench"
backend = "maildir"
maildir = "Maildir"
backfill = "all"
"""


def person(n: int) -> tuple[str, str]:
    """A distinct full name and profile vanity per requester."""
    return f"Person{n} Example{n % 97}", f"person-{n}-example"


def timed_pass(root: Path, backend: MaildirBackend) -> tuple[float, PassReport]:
    settings = load_settings(root / "introgate.toml")
    engine = Engine.load(settings)
    with SqliteStore(settings.state.path) as store:
        started = time.perf_counter()
        report = engine.run(settings.accounts[0], backend, store)
        return time.perf_counter() - started, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        (root / "introgate.toml").write_text(CONFIG, encoding="utf-8")
        backend = MaildirBackend(root / "Maildir")
        for folder in ("INBOX", "Drafts", "Archive", "Sent", "Trash"):
            backend.ensure_folder(folder)
        new = root / "Maildir" / "new"
        for n in range(args.requests):
            name, vanity = person(n)
            mail = linkedin_invitation(name, vanity, "Consultant", language="en", note=None)
            (new / f"r{n}.eml").write_bytes(mail.as_bytes())
        first_time, first = timed_pass(root, backend)

        # which requester each late message comes from, and whether it should match
        expected: dict[str, str] = {}  # requester name -> how it should match
        profile_n = args.messages * 5 // 10
        name_n = args.messages * 3 // 10
        for i in range(args.messages):
            n = (i * 7919) % args.requests  # spread over the requests, no repeats below 1000
            name, vanity = person(n)
            if i < profile_n:
                mail = linkedin_message(name, vanity, "We met at the meetup.", language="en")
                expected[name] = "profile"
            elif i < profile_n + name_n:
                mail = linkedin_message(
                    name, vanity, "We met at the fair.", language="en", with_profile=False
                )
                expected[name] = "name"
            else:  # a namesake on another profile: never this request
                mail = linkedin_message(name, f"{vanity}-namesake", "Hello!", language="en")
            (new / f"m{i}.eml").write_bytes(mail.as_bytes())
        second_time, second = timed_pass(root, backend)

        settings = load_settings(root / "introgate.toml")
        with SqliteStore(settings.state.path) as store:
            introduced = store.requests.records(frozenset({RequestState.INTRODUCED}))
        found = {r.requester for r in introduced}
        false_matches = sorted(found - set(expected))
        missed = sorted(set(expected) - found)
        counts = {
            f: len(backend.scan(f, None).refs) for f in ("INBOX", "Archive", "Drafts", "Trash")
        }
    print(
        f"requests: {args.requests}, late messages: {args.messages} "
        f"({profile_n} with profile, {name_n} name only, "
        f"{args.messages - profile_n - name_n} namesakes on other profiles)"
    )
    print(f"first pass (record, archive, draft): {first_time:.2f} s, {first.drafted} drafted")
    print(
        f"late pass (match, restore, withdraw): {second_time:.2f} s, "
        f"{len(second.decisions)} messages, {len(second.follow_ups)} requests acted on"
    )
    print(
        f"matches found: {len(found)} of {len(expected)} expected; "
        f"false matches: {len(false_matches)}; missed: {len(missed)}"
    )
    print(f"mailbox after: {counts}")


if __name__ == "__main__":
    main()
