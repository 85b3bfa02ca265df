"""introgate as a user runs it, beside imapfilter and the bare-imapclient floor.

    .venv/bin/python bench/whole_process.py [--sizes 1000,10000] [--repeat 3] [--note TEXT]

For each INBOX size a local Dovecot (127.0.0.1, a free port, temp dirs) serves a mailbox
written straight into its Maildir (2 % contact requests, see bench/mailbox.py) and
indexed once. Each tool then gets a fresh copy of that indexed mailbox and is run as
its own process, twice: the first pass, then the pass with nothing new.

- introgate: ``introgate run --once -c CONFIG`` with the shipped rules, a generated
  config (``backfill = "all"``: every message is decided) and a fresh state file,
  output to a file (no terminal, so no progress bar);
- imapfilter (Debian package, installed here with apt-get when missing and run as
  root): a Lua config that finds the requests by their sender (one SEARCH FROM per
  network) and moves them to Archive; it keeps no state, so its second pass searches
  again;
- the floor (bench/header_floor.py): login, SELECT, FETCH every header of INBOX; its
  nothing-new pass only logs in and selects.

Wall time is measured around the process; peak RSS is that process's ``ru_maxrss`` as
GNU time (``/usr/bin/time``) reports it. Every measurement runs ``--repeat`` times,
interleaved across tools so a load spike hits all of them alike; the table shows medians.
Then the start-up time of ``--version``, ``--help``, ``status`` and ``drafts list``
(median of 5). Needs root, Dovecot (dovecot-imapd) and GNU time, like tests/imap needs
Dovecot. Numbers are printed, never asserted. The checkout's modules are byte-compiled
first, as a wheel install does.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dovecot_server import Dovecot, dovecot_installed
from imapclient import IMAPClient
from inbox_builder import REQUEST_SENDERS, MailboxMix, build_inbox

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
GNU_TIME = "/usr/bin/time"
TOOLS = ("floor", "imapfilter", "introgate")
PASSES = ("first", "nothing-new")
STARTUP_COMMANDS = (("--version",), ("--help",), ("status",), ("drafts", "list"))

INTROGATE_CONFIG = """\
[identity]
name = "Alex Beispiel"
addresses = ["alex@example.org"]
default_language = "en"
signature = "Alex"

[trust]
authserv_ids = ["mx.demo.example"]

[state]
path = "state.sqlite3"

[contacts]
files = []
correspondence_folders = ["Sent"]

[[accounts]]
name = "bench"
backend = "imap"
backfill = "all"

[accounts.imap]
host = "127.0.0.1"
port = {port}
security = "plain"
username = "{user}"
password = "{password}"
read_timeout = 300.0
"""

IMAPFILTER_CONFIG = """\
options.timeout = 300
options.starttls = false
options.subscribe = false

local account = IMAP {{
    server = '127.0.0.1',
    port = {port},
    username = '{user}',
    password = '{password}',
}}

local inbox = account.INBOX
local requests = {searches}
requests:move_messages(account['Archive'])
"""


@dataclass(frozen=True)
class Run:
    """One finished process: wall seconds, its own peak RSS, exit status."""

    seconds: float
    peak_rss_kib: int
    returncode: int


@dataclass
class Samples:
    """The runs of one tool and pass, and what that tool's first pass left in INBOX."""

    runs: list[Run] = field(default_factory=list)
    left_in_inbox: list[int] = field(default_factory=list)
    detail: list[str] = field(default_factory=list)

    def median_seconds(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    def median_rss_mib(self) -> float:
        return statistics.median(run.peak_rss_kib for run in self.runs) / 1024


def run_measured(
    argv: Sequence[str], *, cwd: Path, output: Path, env: dict[str, str] | None = None
) -> Run:
    """Run one process to its end; its stdout and stderr go to ``output``.

    Peak RSS comes from GNU time (``/usr/bin/time``, Debian package ``time``), which
    forks a small process of its own: the ``ru_maxrss`` of a child forked by this Python
    process would start at this process's size, since Linux carries the high-water mark
    of the forked copy across exec.
    """
    rusage = output.with_suffix(".rss")
    with output.open("wb") as sink:
        started = time.perf_counter()
        process = subprocess.run(
            [GNU_TIME, "-f", "%M", "-o", str(rusage), *argv],
            cwd=cwd,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=env,
            check=False,
        )
        seconds = time.perf_counter() - started
    peak = rusage.read_text().strip().splitlines()[-1]
    return Run(seconds, int(peak), process.returncode)


def ensure_imapfilter() -> str | None:
    """imapfilter's path; installs the Debian package when missing and we are root."""
    found = shutil.which("imapfilter")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing imapfilter (apt-get install imapfilter) ...", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "imapfilter"],
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
        )
        found = shutil.which("imapfilter")
    return found


def tool_version(argv: Sequence[str]) -> str:
    try:
        out = subprocess.run(list(argv), capture_output=True, text=True, check=False)
    except OSError:
        return "not installed"
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr) else ""


def compile_modules(checkout: Path) -> None:
    """Byte-compile the checkout's modules, as installing a wheel does.

    An editable checkout run with PYTHONDONTWRITEBYTECODE set (as in CI and on shared
    machines) would otherwise compile every module from source at each start, a cost
    no installed introgate has.
    """
    python = checkout / ".venv" / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "compileall", "-q", str(checkout / "engine")],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def git_commit(checkout: Path) -> str:
    head = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(checkout), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"{head}{' (with uncommitted changes)' if dirty else ''}"


def engine_commit(checkout: Path) -> str:
    """The last commit that changed what introgate runs (bench/ changes do not count)."""
    return subprocess.run(
        ["git", "-C", str(checkout), "log", "-1", "--format=%h %cs %s", "--", "engine", "rules"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


class Bench:
    """One size: the indexed template mailbox, and fresh copies of it for each run."""

    def __init__(
        self, base: Path, size: int, imapfilter: str | None, introgate: Path | None = None
    ) -> None:
        self.base = base
        self.introgate = str(introgate or Path(sys.executable).parent / "introgate")
        self.size = size
        self.imapfilter = imapfilter
        self.server = Dovecot.create(base / "dovecot")
        self.template = base / "template"
        self.mix: MailboxMix | None = None
        self.runs = 0

    def build(self) -> MailboxMix:
        """Write the mailbox, let Dovecot index it once, keep that as the template."""
        self.mix = build_inbox(self.server.maildir, self.size)
        self.server.chown_mail()
        self.server.start()
        with self.client() as client:
            for folder in ("INBOX", "Archive", "Drafts", "Sent", "Trash"):
                client.select_folder(folder, readonly=True)
        self.server.stop()
        subprocess.run(["cp", "-a", str(self.server.maildir), str(self.template)], check=True)
        return self.mix

    def client(self) -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.server.port, ssl=False, timeout=300)
        client.login(self.server.user, self.server.password)
        return client

    def fresh_mailbox(self) -> None:
        """A copy of the indexed template as the user's Maildir, served by a fresh server."""
        self.server.stop()
        shutil.rmtree(self.server.maildir)
        subprocess.run(["cp", "-a", str(self.template), str(self.server.maildir)], check=True)
        self.server.start()

    def left_in_inbox(self) -> int:
        with self.client() as client:
            status = client.folder_status("INBOX", ["MESSAGES"])
        return int(status[b"MESSAGES"])

    def workdir(self, tool: str) -> Path:
        self.runs += 1
        path = self.base / f"run-{self.runs}-{tool}"
        path.mkdir()
        return path

    def env(self, home: Path) -> dict[str, str]:
        """The caller's environment with HOME in the run folder: no user config leaks in."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("INTROGATE_", "XDG_"))}
        env["HOME"] = str(home)
        env["IMAP_PASSWORD"] = self.server.password
        return env

    def commands(self, tool: str, work: Path) -> tuple[list[str], list[str]]:
        """The first-pass and nothing-new-pass argv of ``tool``, its files written to ``work``."""
        port, user, password = self.server.port, self.server.user, self.server.password
        if tool == "floor":
            floor = [sys.executable, str(BENCH / "header_floor.py"), "--port", str(port)]
            floor += ["--user", user]
            return floor, [*floor, "--nothing-new"]
        if tool == "imapfilter":
            assert self.imapfilter is not None
            searches = " +\n    ".join(
                f"inbox:contain_from('{sender}')" for sender in REQUEST_SENDERS
            )
            config = work / "config.lua"
            config.write_text(
                IMAPFILTER_CONFIG.format(port=port, user=user, password=password, searches=searches)
            )
            argv = [self.imapfilter, "-c", str(config)]
            return argv, argv
        config = work / "introgate.toml"
        config.write_text(INTROGATE_CONFIG.format(port=port, user=user, password=password))
        argv = [self.introgate, "run", "--once", "-c", str(config)]
        return argv, argv

    def measure(self, tool: str, results: dict[tuple[str, str], Samples]) -> Path:
        """Both passes of ``tool`` on a fresh copy of the mailbox; returns its run folder."""
        self.fresh_mailbox()
        work = self.workdir(tool)
        first, again = self.commands(tool, work)
        env = self.env(work)
        for name, argv in (("first", first), ("nothing-new", again)):
            output = work / f"{name}.out"
            run = run_measured(argv, cwd=work, output=output, env=env)
            samples = results.setdefault((tool, name), Samples())
            samples.runs.append(run)
            samples.detail.append(summary_line(tool, output))
            if run.returncode != 0:
                tail = output.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{tool} {name} pass exited {run.returncode}:\n{tail}")
            if name == "first":
                samples.left_in_inbox.append(self.left_in_inbox())
        return work

    def startup(self, work: Path, repeat: int = 5) -> dict[str, Samples]:
        """Start-up of short commands against the state ``work``'s introgate runs left."""
        config = str(work / "introgate.toml")
        timings: dict[str, Samples] = {}
        for _ in range(repeat):
            for command in STARTUP_COMMANDS:
                argv = [self.introgate, *command]
                if command[0] not in ("--version", "--help"):
                    argv += ["-c", config]
                output = work / "startup.out"
                run = run_measured(argv, cwd=work, output=output, env=self.env(work))
                if run.returncode != 0:
                    raise RuntimeError(f"{' '.join(command)} exited {run.returncode}")
                timings.setdefault(" ".join(command), Samples()).runs.append(run)
        return timings

    def dispose(self) -> None:
        self.server.dispose()


def summary_line(tool: str, output: Path) -> str:
    """What the tool said it did, in a few words (introgate: its last line)."""
    text = output.read_text(errors="replace")
    if tool == "introgate":
        lines = text.splitlines()
        # the summary follows the table (whose last line is its bottom border); a file
        # gets rich's 80 columns, so the summary may be wrapped over two lines
        borders = [n for n, line in enumerate(lines) if line.startswith(("└", "+"))]
        tail = lines[borders[-1] + 1 :] if borders else lines
        said = " ".join(line.strip() for line in tail if line.strip())
        return f"{said[:160]} ({len(lines)} lines of output)"
    if tool == "floor":
        return text.strip().splitlines()[-1] if text.strip() else ""
    moved = re.findall(r"(\d+) messages? moved", text)
    return f"{sum(int(n) for n in moved)} moved" if moved else (text.strip()[:100] or "no output")


def print_size_table(size: int, mix: MailboxMix, results: dict[tuple[str, str], Samples]) -> None:
    repeat = len(results[("introgate", "first")].runs)
    print()
    print(f"INBOX {mix.describe()}; medians of {repeat} runs, whole process")
    print(
        f"{'tool':<11} {'pass':<12} {'wall s':>8} {'(min-max)':>15} {'msg/s':>8} "
        f"{'peak RSS MiB':>13} {'left in INBOX':>14}"
    )
    for name in PASSES:
        for tool in TOOLS:
            samples = results.get((tool, name))
            if samples is None:
                continue
            seconds = [run.seconds for run in samples.runs]
            left = str(statistics.median(samples.left_in_inbox)) if samples.left_in_inbox else "-"
            print(
                f"{tool:<11} {name:<12} {samples.median_seconds():>8.2f} "
                f"{f'({min(seconds):.2f}-{max(seconds):.2f})':>15} "
                f"{size / samples.median_seconds():>8.0f} "
                f"{samples.median_rss_mib():>13.1f} {left:>14}"
            )
    for name in PASSES:
        introgate = results[("introgate", name)].median_seconds()
        ratios = [
            f"introgate/{tool} {introgate / results[(tool, name)].median_seconds():.1f}x"
            for tool in ("floor", "imapfilter")
            if (tool, name) in results
        ]
        print(f"ratios, {name} pass: {', '.join(ratios)}")
    print("what each run reported:")
    for (tool, name), samples in results.items():
        for line in dict.fromkeys(samples.detail):
            runs = samples.detail.count(line)
            print(f"  {tool} {name} ({runs} of {len(samples.detail)} runs): {line}")


def print_startup(timings: dict[str, Samples]) -> None:
    print()
    print("start-up, whole process (median of 5; status and drafts list read a 1st-pass state)")
    print(f"{'command':<26} {'median s':>9} {'(min-max)':>15} {'peak RSS MiB':>13}")
    for command, samples in timings.items():
        seconds = [run.seconds for run in samples.runs]
        print(
            f"{'introgate ' + command:<26} {samples.median_seconds():>9.3f} "
            f"{f'({min(seconds):.3f}-{max(seconds):.3f})':>15} "
            f"{samples.median_rss_mib():>13.1f}"
        )


def parse_sizes(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=parse_sizes, default=[1000, 10000], help="comma-separated, e.g. 1000,50000"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--tools", default=",".join(TOOLS), help="subset of " + ",".join(TOOLS))
    parser.add_argument(
        "--checkout",
        type=Path,
        default=ROOT,
        help="measure the introgate of this checkout (its .venv/bin/introgate): a worktree "
        "pinned at the commit to measure, so that edits here cannot change a running bench",
    )
    parser.add_argument("--note", default="", help="a line for the header (e.g. machine load)")
    args = parser.parse_args()
    # stopped with SIGTERM: unwind, so each size's Dovecot is stopped and its folder removed
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    if not dovecot_installed():
        print("Dovecot is not installed (apt-get install dovecot-imapd)", file=sys.stderr)
        return 2
    if not Path(GNU_TIME).exists():
        print("GNU time is not installed (apt-get install time)", file=sys.stderr)
        return 2
    tools = [tool for tool in TOOLS if tool in args.tools.split(",")]
    imapfilter = ensure_imapfilter() if "imapfilter" in tools else None
    if "imapfilter" in tools and imapfilter is None:
        print("imapfilter is not installed and could not be: left out", file=sys.stderr)
        tools.remove("imapfilter")
    if "introgate" not in tools:
        print("--tools must include introgate (the ratios are about it)", file=sys.stderr)
        return 2
    checkout = args.checkout.resolve()
    introgate = checkout / ".venv" / "bin" / "introgate"
    if not introgate.exists():
        print(f"{introgate} does not exist (pip install -e {checkout})", file=sys.stderr)
        return 2
    compile_modules(checkout)
    print(f"whole-process benchmark, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    version = tool_version([str(introgate), "--version"])
    print(f"introgate from {checkout} at {git_commit(checkout)}; {version}")
    print(f"engine last changed in {engine_commit(checkout)}")
    print(
        f"{tool_version(['dovecot', '--version'])} (Dovecot); "
        f"{tool_version([imapfilter, '-V']) if imapfilter else 'imapfilter not run'}; "
        f"Python {platform.python_version()}; {os.cpu_count()} CPUs; "
        f"load average {load_average()}"
    )
    if args.note:
        print(args.note)
    sys.stdout.flush()
    timings: dict[str, Samples] | None = None
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"introgate-whole-{size}-") as tmp:
            bench = Bench(Path(tmp), size, imapfilter, introgate)
            try:
                started = time.perf_counter()
                mix = bench.build()
                print(
                    f"\nbuilt and indexed {size:,} messages in "
                    f"{time.perf_counter() - started:.0f} s; measuring ...",
                    flush=True,
                )
                results: dict[tuple[str, str], Samples] = {}
                last_introgate: Path | None = None
                for _ in range(args.repeat):
                    for tool in tools:
                        work = bench.measure(tool, results)
                        if tool == "introgate":
                            last_introgate = work
                print_size_table(size, mix, results)
                if timings is None and last_introgate is not None:
                    timings = bench.startup(last_introgate)
                print(f"load average after {size:,}: {load_average()}", flush=True)
            finally:
                bench.dispose()
    if timings is not None:
        print_startup(timings)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
