"""While one process works on an account, another pass waits briefly, then says who holds it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from introgate.account_lock import account_lock
from introgate.backends.maildir import MaildirBackend
from introgate.config import load_settings
from introgate.demo import linkedin_invitation


def run_once(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "introgate", "run", "--once", "--config", str(config)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=120,
    )


def test_run_once_skips_an_account_another_process_holds_and_exits_0(
    write_config: Callable[..., Path], maildir: MaildirBackend
) -> None:
    config = write_config()
    request = linkedin_invitation("Anna Schäfer", "anna-s", "PM", language="de", note=None)
    (maildir.root / "new" / "1.anna").write_bytes(request.as_bytes())
    state = load_settings(config).state.path

    with account_lock(state, "test"):
        held = run_once(config)
    assert held.returncode == 0, held.stderr
    assert f"account 'test' is being handled by process pid {os.getpid()} on" in held.stderr, (
        held.stderr
    )
    assert not list((maildir.root / ".Drafts" / "cur").iterdir())
    assert (maildir.root / "new" / "1.anna").exists()

    free = run_once(config)  # the holder is gone: the lock is free again, never stale
    assert free.returncode == 0, free.stderr
    assert len(list((maildir.root / ".Drafts" / "cur").iterdir())) == 1


def test_a_lock_left_by_a_killed_process_is_taken_over(
    write_config: Callable[..., Path], maildir: MaildirBackend
) -> None:
    config = write_config()
    state = load_settings(config).state.path
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; "
            "from introgate.account_lock import account_lock\n"
            f"with account_lock(Path({str(state)!r}), 'test'):\n"
            "    print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    holder.kill()
    holder.wait()

    result = run_once(config)
    assert result.returncode == 0 and "being handled" not in result.stderr, result.stderr
