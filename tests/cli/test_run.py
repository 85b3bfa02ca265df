"""`introgate run --once`: one broken account is one clear line, the others are still served."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from introgate.backends.maildir import MaildirBackend
from introgate.demo import linkedin_invitation


def test_a_broken_account_is_one_line_and_the_others_are_still_served(
    write_config: Callable[..., Path], maildir: MaildirBackend, tmp_path: Path
) -> None:
    config = write_config(
        '\n[[accounts]]\nname = "gone"\nbackend = "maildir"\nmaildir = "no-such-maildir"\n'
    )
    request = linkedin_invitation("Anna Schäfer", "anna-s", "PM", language="de", note=None)
    (maildir.root / "new" / "1.anna").write_bytes(request.as_bytes())
    result = subprocess.run(
        [sys.executable, "-m", "introgate", "run", "--once", "--config", str(config)],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 1
    # the error is one line of its own on stderr; the decisions are rows on stdout
    assert (
        f"account 'gone': {tmp_path / 'no-such-maildir'}: not a Maildir (no cur/ folder)"
        in result.stderr.splitlines()
    )
    assert "Traceback" not in result.stderr
    assert "Anna Schäfer" in result.stdout
    assert len(list((maildir.root / ".Drafts" / "cur").iterdir())) == 1


def test_a_request_not_drafted_says_the_real_reason_in_its_decision_line(
    write_config: Callable[..., Path], maildir: MaildirBackend, tmp_path: Path
) -> None:
    """The same person asking twice: the second gets 'asked on <date>', not 'not a request'."""
    config = write_config()
    for n in (1, 2):
        request = linkedin_invitation("Anna Schäfer", "anna-s", "PM", language="de", note=None)
        (maildir.root / "new" / f"{n}.anna").write_bytes(request.as_bytes())
    result = subprocess.run(
        [sys.executable, "-m", "introgate", "run", "--once", "--json", "--config", str(config)],
        capture_output=True,
        text=True,
        env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    today = datetime.now(UTC).date().isoformat()
    first, second = (json.loads(line)["actions"] for line in result.stdout.splitlines())
    assert result.returncode == 0
    assert (first[1][:6], second) == (
        "draft ",
        [
            "label introgate/unexplained",
            f"no draft: asked on {today} (once in 30 days)",
            "archived",
        ],
    )
