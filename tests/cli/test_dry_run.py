"""`run --once --dry-run` says exactly what `run --once` then does, counts included.

The same person's second request in one pass is "asked recently" in the dry run too, the
summary counts what would be drafted, and a move to a folder the mailbox lacks is
refused the same way by both (unless the rule says ``create = true``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from email.headerregistry import Address
from pathlib import Path

from introgate.backends.maildir import MaildirBackend
from introgate.demo import linkedin_invitation, ordinary, xing_request


def introgate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "introgate", *args],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
    )


def summary(output: str) -> list[str]:
    """The pass's summary lines (the last two lines of stdout)."""
    return output.strip().splitlines()[-2:]


def deliver_requests(maildir: MaildirBackend) -> None:
    """Anna asks twice on LinkedIn and once on XING, Bernd once; one ordinary mail."""
    mails = [
        linkedin_invitation(
            "Anna Schäfer", "anna-s", "PM", language="de", note=None, minutes_ago=90
        ),
        linkedin_invitation(
            "Anna Schäfer", "anna-s", "PM", language="de", note=None, minutes_ago=50
        ),
        xing_request("Anna Schäfer", "Anna_Schaefer", language="de", note=None, minutes_ago=40),
        linkedin_invitation("Bernd Kurz", "bernd-k", "CTO", language="en", note=None),
        ordinary(Address("Carla Frei", "carla", "example.net"), "Lunch?", "Tomorrow at noon?"),
    ]
    for number, mail in enumerate(mails):
        (maildir.root / "new" / f"{number}.mail").write_bytes(mail.as_bytes())


def files_in(maildir: MaildirBackend, folder: str) -> list[str]:
    path = maildir.folder_path(folder)
    return sorted(
        p.name for sub in ("new", "cur") if (path / sub).is_dir() for p in (path / sub).iterdir()
    )


def test_dry_run_counts_are_the_real_runs_counts(
    write_config: Callable[..., Path], maildir: MaildirBackend
) -> None:
    config = write_config()
    deliver_requests(maildir)
    before = {folder: files_in(maildir, folder) for folder in ("INBOX", "Drafts", "Archive")}

    dry = introgate("run", "--once", "--dry-run", "--config", str(config))
    assert dry.returncode == 0, dry.stderr
    assert summary(dry.stdout) == [
        "dry run: 5 new, 2 would be drafted, 0 failed",
        "1 other message left alone, not listed (--all lists every message)",
    ]
    assert dry.stdout.count("no draft: asked on ") == 2
    assert {folder: files_in(maildir, folder) for folder in before} == before

    real = introgate("run", "--once", "--config", str(config))
    assert real.returncode == 0, real.stderr
    assert summary(real.stdout) == [
        "5 new, 2 drafted, 0 failed (pass #1)",
        "1 other message left alone, not listed (--all lists every message)",
    ]
    assert real.stdout.count("no draft: asked on ") == 2
    assert len(files_in(maildir, "Drafts")) == 2


def rule_file(config: Path, move: str) -> Path:
    """A rule that sorts before the shipped ones and moves Bernd's request."""
    rules = config.parent / "10-mine.toml"
    rules.write_text(
        '[[rule]]\nname = "bernd"\nwhen = { subject_matches = "connect" }\n'
        f"then = {{ move = {move} }}\n",
        encoding="utf-8",
    )
    config.write_text(
        config.read_text(encoding="utf-8") + f'\n[rules]\npaths = ["{rules.name}"]\n',
        encoding="utf-8",
    )
    return rules


def test_a_move_to_a_missing_folder_is_refused_by_check_dry_run_and_run(
    write_config: Callable[..., Path], maildir: MaildirBackend
) -> None:
    config = write_config()
    rules = rule_file(config, '"Kontakte"')
    deliver_requests(maildir)
    problem = (
        f'{rules}:4:17: rule "bernd": then.move: no folder "Kontakte" in the mailbox: '
        'create it, or write move = { folder = "Kontakte", create = true }'
    )
    check = introgate("check", "--config", str(config))
    assert (check.returncode, check.stderr) == (1, f"{problem}\n1 problem found\n")
    for args in (["--dry-run"], []):
        result = introgate("run", "--once", *args, "--config", str(config))
        assert (result.returncode, result.stdout, result.stderr) == (
            1,
            "",
            f"account 'test': {problem}\n",
        )
    assert "Kontakte" not in maildir.list_folders()
    assert len(files_in(maildir, "INBOX")) == 5  # nothing was touched


def test_create_true_makes_the_folder_and_the_dry_run_says_so(
    write_config: Callable[..., Path], maildir: MaildirBackend
) -> None:
    config = write_config()
    rule_file(config, '{ folder = "Kontakte", create = true }')
    (maildir.root / "new" / "1.mail").write_bytes(
        linkedin_invitation("Bernd Kurz", "bernd-k", "CTO", language="en", note=None).as_bytes()
    )
    assert introgate("check", "--config", str(config)).returncode == 0
    dry = introgate("run", "--once", "--dry-run", "--config", str(config))
    assert "would create Kontakte and move there" in dry.stdout
    assert "Kontakte" not in maildir.list_folders()
    real = introgate("run", "--once", "--config", str(config))
    assert real.returncode == 0, real.stderr
    assert "moved to Kontakte (folder created)" in real.stdout
    assert len(files_in(maildir, "Kontakte")) == 1
