"""What a user sees from a big first pass: lines printed and wall time, to a file and a terminal.

    .venv/bin/python bench/pass_output.py [--size 20000] [--columns 80] [--keep DIR]

Builds a Maildir of ``--size`` messages (bench/inbox_builder.py: 2 % contact requests),
then runs ``introgate run --once`` as a fresh process twice, each time on a fresh copy
of the mailbox and state: once with stdout and stderr going to files (cron, a pipe) and
once on a pseudo-terminal of ``--columns`` columns (a person at a terminal). Prints, for
each, the wall time, the lines on stdout and on stderr, and the longest stdout line.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import resource
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

from inbox_builder import build_inbox
from rich.cells import cell_len

ROOT = Path(__file__).resolve().parents[1]
CONFIG = """\
[identity]
name = "Alex Beispiel"
addresses = ["alex@example.org"]

[state]
path = "state.sqlite3"

[[accounts]]
name = "bench"
backend = "maildir"
maildir = "Maildir"
backfill = "all"
"""


def command(config: Path) -> list[str]:
    return [sys.executable, "-m", "introgate", "run", "--once", "--config", str(config)]


def fresh_copy(source: Path, work: Path) -> Path:
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(source, work)
    return work / "introgate.toml"


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def to_files(config: Path, columns: int) -> tuple[float, float, str, str]:
    env = {**os.environ, "COLUMNS": str(columns)}
    started, cpu = time.perf_counter(), child_cpu()
    result = subprocess.run(command(config), capture_output=True, text=True, env=env)
    return time.perf_counter() - started, child_cpu() - cpu, result.stdout, result.stderr


def on_terminal(config: Path, columns: int) -> tuple[float, float, str]:
    """stdout and stderr on one pseudo-terminal, as in a terminal window."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["TERM"] = "xterm-256color"
    main, child = pty.openpty()
    os.set_blocking(main, False)
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    started, cpu = time.perf_counter(), child_cpu()
    process = subprocess.Popen(command(config), stdin=child, stdout=child, stderr=child, env=env)
    os.close(child)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([main], [], [], 0.5)
        if ready:
            try:
                data = os.read(main, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif process.poll() is not None:
            break
    process.wait()
    elapsed = time.perf_counter() - started
    os.close(main)
    return elapsed, child_cpu() - cpu, b"".join(chunks).decode("utf-8", "replace")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--columns", type=int, default=80)
    parser.add_argument("--keep", type=Path, help="build and run here, and keep the files")
    parser.add_argument(
        "--source", type=Path, help="a mailbox and config this script built before (--keep)/source"
    )
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="introgate-output-"))
    source = args.source or base / "source"
    if not source.exists():
        started = time.perf_counter()
        source.mkdir(parents=True)
        mix = build_inbox(source / "Maildir", args.size)
        (source / "introgate.toml").write_text(CONFIG)
        print(f"built {mix.describe()} in {time.perf_counter() - started:.1f} s")
    try:
        elapsed, cpu, out, err = to_files(fresh_copy(source, base / "run"), args.columns)
        longest = max((cell_len(line) for line in out.splitlines()), default=0)
        print(
            f"stdout to a file: {elapsed:.1f} s ({cpu:.1f} s CPU), "
            f"{len(out.splitlines())} lines on stdout "
            f"(longest {longest} columns), {len(err.splitlines())} lines on stderr"
        )
        (base / "stdout.txt").write_text(out)
        (base / "stderr.txt").write_text(err)
        elapsed, cpu, seen = on_terminal(fresh_copy(source, base / "run"), args.columns)
        lines = seen.replace("\r\n", "\n").split("\n")
        print(
            f"on a {args.columns}-column terminal: {elapsed:.1f} s ({cpu:.1f} s CPU), "
            f"{len(lines)} lines (stdout and stderr together)"
        )
        (base / "terminal.txt").write_text(seen)
    finally:
        if args.keep is None:
            shutil.rmtree(base)


if __name__ == "__main__":
    main()
