"""What a pass prints, as a user runs it: rows that fit 80 columns, few lines at any size.

Every test runs ``introgate`` as a fresh process with ``COLUMNS=80`` and stdout and stderr
captured apart, the way a terminal user (or cron) gets them.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import tempfile
import termios
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.cells import cell_len

from introgate.demo import linkedin_invitation, write_demo

REQUESTERS = (
    "Anna Schäfer",
    "James O'Bri…",
    "Priya Raman",
    "Jörg Müller",
    "Maria Gonza…",
    "Katrin Weiß",
    "Tom Becker",
    "Chris Miller",
    "Sam Lee",
    "lena@norden…",
    "LinkedIn Se…",
)


def introgate(*args: str, columns: int = 80) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "COLUMNS": str(columns)}
    return subprocess.run(
        [sys.executable, "-m", "introgate", *args], capture_output=True, text=True, env=env
    )


def too_wide(text: str, columns: int = 80) -> list[str]:
    return [line for line in text.splitlines() if cell_len(line) > columns]


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A short path, so the demo's own lines naming its folder fit 80 columns too."""
    with tempfile.TemporaryDirectory(prefix="ig", dir="/tmp") as name:
        yield Path(name)


@pytest.fixture
def demo_config(tmp_path: Path) -> Path:
    """The demo's mailbox and config, before any pass."""
    return write_demo(tmp_path / "demo")


def test_the_demo_prints_one_row_per_request_and_nothing_wider_than_80_columns(
    short_dir: Path,
) -> None:
    result = introgate("demo", str(short_dir / "d"))
    assert result.returncode == 0, result.stderr
    assert too_wide(result.stdout) == []
    lines = result.stdout.splitlines()
    start = lines.index("account demo")
    assert lines[start + 1] == "network    from          note  rule         actions"
    rows = lines[start + 2 : start + 2 + len(REQUESTERS)]
    assert [row[11:23].rstrip() for row in rows] == list(REQUESTERS)
    assert re.fullmatch(
        r"LinkedIn   Anna Schäfer  no    unexplained  draft [0-9a-f]{10}…, archived, label …",
        rows[0],
    )
    assert rows[2] == "LinkedIn   Priya Raman   yes   introduced   label introgate/introduced"
    assert lines[start + 2 + len(REQUESTERS) :][:2] == [
        "15 new, 6 drafted, 0 failed (pass #1)",
        "4 other messages left alone, not listed (--all lists every message)",
    ]
    # each result once: the rows say it, the log on stderr does not repeat it
    assert "Anna Schäfer" not in result.stderr
    # the README shows this output: its lines are the demo's (draft ids differ)
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    example = readme.split("```\naccount demo\n", 1)[1].split("```", 1)[0].splitlines()
    for line in example:
        if line != "…":
            shown = re.sub(r"draft [0-9a-f]{10}…", "draft ID…", line)
            assert shown in [re.sub(r"draft [0-9a-f]{10}…", "draft ID…", x) for x in lines]


def test_drafts_list_fits_80_columns_with_the_request_date_and_where_to_answer(
    short_dir: Path,
) -> None:
    assert introgate("demo", str(short_dir / "d")).returncode == 0
    result = introgate("drafts", "list", "--config", str(short_dir / "d" / "introgate.toml"))
    assert result.returncode == 0, result.stderr
    assert too_wide(result.stdout) == []
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["id", "requested", "network", "requester", "to", "status"]
    assert len(rows) == 6
    # the demo's requests came in the hours before the pass: a date, not the drafting time
    assert all(re.match(r"[0-9a-f]{10}  \d{4}-\d\d-\d\d  ", row) for row in rows)
    anna = next(row for row in rows if "Anna Schäfer" in row)
    assert "linkedin.com/co…" in anna
    wide = introgate(
        "drafts", "list", "--config", str(short_dir / "d" / "introgate.toml"), columns=120
    )
    assert "linkedin.com/comm/in/anna-schaefer-7b21" in wide.stdout
    requests = introgate("requests", "--config", str(short_dir / "d" / "introgate.toml"))
    assert requests.returncode == 0, requests.stderr
    # a header and the demo's ten requests; the forged invitation is no one's request
    assert too_wide(requests.stdout) == [] and len(requests.stdout.splitlines()) == 11
    assert "LinkedIn Security" not in requests.stdout


def test_drafts_list_shows_the_recipient_the_user_added(demo_config: Path) -> None:
    assert introgate("run", "--once", "--config", str(demo_config)).returncode == 0
    drafts = demo_config.parent / "Maildir" / ".Drafts" / "cur"
    anna = next(p for p in drafts.iterdir() if "Anna" in p.read_text(encoding="utf-8"))
    raw = anna.read_bytes()
    anna.write_bytes(b"To: anna@example.net\n" + raw)
    result = introgate("drafts", "list", "--config", str(demo_config))
    assert result.returncode == 0, result.stderr
    [row] = [line for line in result.stdout.splitlines() if "Anna Schäfer" in line]
    assert "  anna@example.net  " in row


def test_hostile_names_reach_the_terminal_as_plain_text(demo_config: Path) -> None:
    inbox = demo_config.parent / "Maildir"
    for sub in ("cur", "new"):
        for path in (inbox / sub).iterdir():
            path.unlink()
    hostile = "Zed \x1b[31mRed\x1b[0m \u202eevil\u202c [bold]x[/bold] \x07中文" + "W" * 30
    message = linkedin_invitation(hostile, "zed", "PM", language="en", note=None)
    (inbox / "new" / "1.hostile").write_bytes(message.as_bytes())
    run = introgate("run", "--once", "--config", str(demo_config))
    listed = introgate("drafts", "list", "--config", str(demo_config))
    for result in (run, listed):
        assert result.returncode == 0, result.stderr
        assert too_wide(result.stdout) == []
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e]", result.stdout)
    [row] = [line for line in run.stdout.splitlines() if line.startswith("LinkedIn")]
    assert row.startswith("LinkedIn  Zed [31mRed…  no    unexplained  draft ")
    [row] = listed.stdout.splitlines()[1:]
    assert "  LinkedIn  Zed [31mRed [0m evil […  linkedin.co…  drafted" in row
    wide = introgate("drafts", "list", "--config", str(demo_config), columns=200)
    assert "  Zed [31mRed [0m evil [bold]x[/bold] 中文WWWW" in wide.stdout  # not markup


def test_all_lists_every_message_and_json_one_object_per_decision(demo_config: Path) -> None:
    every = introgate("run", "--once", "--dry-run", "--all", "--config", str(demo_config))
    assert every.returncode == 0, every.stderr
    assert too_wide(every.stdout) == []
    lines = every.stdout.splitlines()
    assert lines[:2] == [
        "dry run: account demo",
        "network    from          note  rule          actions",
    ]
    assert len(lines[2:-1]) == 15 and lines[-1] == "dry run: 15 new, 6 would be drafted, 0 failed"
    assert lines[2] == "-          jana.kuehn@…  -     no rule       left alone"

    result = introgate("run", "--once", "--dry-run", "--json", "--config", str(demo_config))
    assert result.returncode == 0, result.stderr
    decisions = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(decisions) == 15
    anna = next(d for d in decisions if d["requester"] == "Anna Schäfer")
    assert anna["message_key"].startswith("INBOX/") and not anna["message_key"].endswith("…")
    assert re.fullmatch(r"<\d+\.\d+\.\d+@[\w.-]+>", anna["message_id"])
    assert re.fullmatch(r"<introgate\.[0-9a-f]{24}@introgate\.invalid>", anna["draft_ids"][0])
    assert (anna["account"], anna["dry_run"], anna["rules"]) == ("demo", True, ["unexplained"])
    # the summary is for the person watching: on stderr, stdout stays JSON
    assert "dry run: 15 new, 6 would be drafted, 0 failed" in result.stderr.splitlines()


def ordinary_mail(count: int, folder: Path) -> None:
    """``count`` small everyday messages: writing 20,000 of them takes about a second."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"{1_700_000_000 + n}.M{n}.bulk:2,S").write_bytes(
            f"From: person{n}@example.org\nTo: alex@example.org\nSubject: note {n}\n"
            f"Date: Thu, 01 Oct 2026 10:00:00 +0000\nMessage-ID: <{n}@bulk.example>\n\n"
            "See you tomorrow.\n".encode()
        )


@pytest.mark.slow
def test_a_20000_message_pass_prints_few_lines_and_progress_to_stderr(demo_config: Path) -> None:
    inbox = demo_config.parent / "Maildir"
    ordinary_mail(20_000, inbox / "cur")
    result = introgate("run", "--once", "--config", str(demo_config))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) < 200
    assert too_wide(result.stdout) == []
    assert lines[-2:] == [
        "20,015 new, 6 drafted, 0 failed (pass #1)",
        "20,004 other messages left alone, not listed (--all lists every message)",
    ]
    progress = [line for line in result.stderr.splitlines() if " of 20,015 messages, " in line]
    assert progress and all(
        re.fullmatch(r"demo: [\d,]+ of 20,015 messages, [\d,]+ a second", line) for line in progress
    )
    assert not any(" of 20,015 messages" in line for line in lines)


def test_on_a_terminal_with_stdout_to_a_file_the_rows_go_to_the_file(demo_config: Path) -> None:
    """``introgate run --once > pass.txt`` in a terminal: the bar is drawn, the rows are filed."""
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TERM": "xterm-256color"}
    seen: list[bytes] = []

    def drain() -> None:  # a terminal nobody reads would block the writer when full
        with contextlib.suppress(OSError):
            while chunk := os.read(main, 4096):
                seen.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "introgate", "run", "--once", "--config", str(demo_config)],
            stdout=subprocess.PIPE,
            stderr=child,
            text=True,
            env=env,
            timeout=120,
        )
    finally:
        os.close(child)
        reader.join(timeout=5)
        os.close(main)
    assert result.returncode == 0, b"".join(seen)
    lines = result.stdout.splitlines()
    assert lines[:2] == ["account demo", "network    from          note  rule         actions"]
    assert lines[-2] == "15 new, 6 drafted, 0 failed (pass #1)"
    assert "\x1b" not in result.stdout


def test_a_maildir_without_new_folder_is_followed_up_without_errors(tmp_path: Path) -> None:
    """Maildirs written by other tools may lack new/: a request expiring there is no error."""
    config = write_demo(tmp_path / "demo")
    inbox = config.parent / "Maildir"
    for path in (inbox / "new").iterdir():
        path.unlink()
    (inbox / "new").rmdir()
    old = linkedin_invitation(
        "Old Request",
        "old",
        "PM",
        language="en",
        note="Hello, we met in Bonn.",
        minutes_ago=60 * 24 * 40,
    )
    (inbox / "cur" / "1.old:2,").write_bytes(old.as_bytes())
    result = introgate("run", "--once", "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "ERROR" not in result.stderr, result.stderr
    assert "Old Request" in result.stdout
