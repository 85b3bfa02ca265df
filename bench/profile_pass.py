"""Where a first ``introgate run --once`` spends its time, on the whole-process bench's mailbox.

    .venv/bin/python bench/profile_pass.py [--size 10000] [--out DIR]

Builds the same indexed Dovecot mailbox as bench/whole_process.py (2 % contact
requests), then runs the first pass as a user would (output to a file) twice: under
py-spy (``pip install py-spy``; wall-clock samples, waiting on the socket included) and
under cProfile (exact call counts: IMAP commands, SQLite commits). Prints the top
functions by inclusive and by own share of the samples, and the call counts of the
operations that cost a round trip or a disk sync. Files are kept in ``--out``.
"""

from __future__ import annotations

import argparse
import pstats
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from whole_process import ROOT, Bench

# (label, substring of a pstats function key) of the calls that cost a round trip or a sync
COUNTED = (
    ("IMAP commands sent (imaplib _command)", "imaplib.py", "_command"),
    ("SELECT (IMAPClient.select_folder)", "imapclient.py", "select_folder"),
    ("UID SEARCH (IMAPClient.search)", "imapclient.py", "search"),
    ("UID FETCH (IMAPClient.fetch)", "imapclient.py", "fetch"),
    ("UID MOVE (IMAPClient.move)", "imapclient.py", "move"),
    ("UID STORE +FLAGS (IMAPClient.add_flags)", "imapclient.py", "add_flags"),
    ("APPEND (IMAPClient.append)", "imapclient.py", "append"),
    # the store runs in autocommit mode: a write outside transaction() is its own commit
    (
        "SQLite statements (Connection.execute)",
        "~",
        "<method 'execute' of 'sqlite3.Connection' objects>",
    ),
    ("state transactions (BEGIN IMMEDIATE ... COMMIT)", "state/sqlite/database.py", "transaction"),
    ("processed-message rows written", "state/sqlite/messages.py", "record"),
    ("audit rows written", "state/sqlite/audit.py", "record"),
    ("rich Table.add_row", "table.py", "add_row"),
)


def frames_of(line: str) -> tuple[list[str], int]:
    stack, _, count = line.rpartition(" ")
    return stack.split(";"), int(count)


def summarise_py_spy(raw: Path, top: int) -> None:
    """Inclusive share (a frame anywhere on the stack) and own share (the leaf frame)."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        if not line.strip():
            continue
        frames, count = frames_of(line)
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    print(f"\npy-spy: {total} samples (wall clock, idle included)")
    for title, counter in (("inclusive", inclusive), ("own", own)):
        print(f"top {top} by {title} share:")
        for frame, count in counter.most_common(top):
            print(f"  {count / total:6.1%}  {frame[:150]}")


def summarise_cprofile(stats_file: Path, top: int) -> None:
    stats = pstats.Stats(str(stats_file))
    print("\ncProfile call counts:")
    entries = stats.stats  # type: ignore[attr-defined]
    for label, file_part, name in COUNTED:
        calls = sum(
            value[1]
            for (filename, _line, function), value in entries.items()
            if function == name and file_part in filename
        )
        print(f"  {calls:>8}  {label}")
    print(f"\ncProfile top {top} by cumulative time (profiling overhead included):")
    stats.sort_stats("cumulative").print_stats(top)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--out", type=Path, default=Path("/tmp/introgate-profile"))
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--skip-cprofile", action="store_true")
    parser.add_argument(
        "--checkout", type=Path, default=ROOT, help="profile this checkout's .venv introgate"
    )
    args = parser.parse_args()
    venv = args.checkout.resolve() / ".venv" / "bin"
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():
        print("py-spy is not installed (pip install py-spy)", file=sys.stderr)
        return 2
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="introgate-profile-") as tmp:
        bench = Bench(Path(tmp), args.size, None, venv / "introgate")
        try:
            print(bench.build().describe(), flush=True)
            bench.fresh_mailbox()
            work = bench.workdir("introgate")
            first, _again = bench.commands("introgate", work)
            raw = args.out / f"py-spy-{args.size}.txt"
            record = [py_spy, "record", "--idle", "--rate", "100", "--format", "raw", "-o"]
            with (args.out / f"py-spy-{args.size}.out").open("wb") as sink:
                subprocess.run(
                    [*record, str(raw), "--", *first],
                    cwd=work,
                    env=bench.env(work),
                    stdout=sink,
                    stderr=subprocess.STDOUT,
                    check=True,
                )
            summarise_py_spy(raw, args.top)
            if not args.skip_cprofile:
                bench.fresh_mailbox()
                work = bench.workdir("introgate")
                first, _again = bench.commands("introgate", work)
                stats_file = args.out / f"cprofile-{args.size}.prof"
                with (args.out / f"cprofile-{args.size}.out").open("wb") as sink:
                    subprocess.run(
                        [str(venv / "python"), "-m", "cProfile", "-o", str(stats_file), *first],
                        cwd=work,
                        env=bench.env(work),
                        stdout=sink,
                        stderr=subprocess.STDOUT,
                        check=True,
                    )
                summarise_cprofile(stats_file, args.top)
        finally:
            bench.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
