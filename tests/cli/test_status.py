"""``introgate status``: what a user checks when they wonder whether the daemon keeps up."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer
from typer.testing import CliRunner

from introgate.backends.maildir import MaildirBackend
from introgate.cli.status import status_command
from introgate.mail import MessageRef
from introgate.state import ProcessedStatus, SqliteStore


def status(config: Path) -> tuple[int, str]:
    app = typer.Typer()
    app.command()(status_command)
    result = CliRunner().invoke(app, ["--config", str(config)], env={"COLUMNS": "250"})
    return result.exit_code, result.output


def test_status_shows_last_pass_last_error_and_counts(
    write_config: Callable[..., Path], maildir: MaildirBackend, tmp_path: Path
) -> None:
    config = write_config('\n[[accounts]]\nname = "idle"\nbackend = "maildir"\nmaildir = "M2"\n')
    with SqliteStore(tmp_path / "state.sqlite3") as store:
        failed = store.passes.start("test")
        store.passes.finish(
            failed, scanned=0, processed=0, failed=0, drafted=0, error="server unreachable"
        )
        good = store.passes.start("test")
        store.passes.finish(good, scanned=12, processed=3, failed=0, drafted=2, error=None)
        store.messages.record("test", MessageRef("INBOX", "a"), status=ProcessedStatus.DONE)
        store.messages.record("test", MessageRef("INBOX", "b"), status=ProcessedStatus.DONE)
        store.messages.record("test", MessageRef("INBOX", "c"), status=ProcessedStatus.SKIPPED)
    code, output = status(config)
    [test_line] = [line for line in output.splitlines() if "│ test" in line]
    [idle_line] = [line for line in output.splitlines() if "│ idle" in line]
    assert code == 0
    assert "scanned 12, handled 3, drafted 2, failed 0" in test_line
    assert "server unreachable" in test_line
    assert "2 done, 1 skipped" in test_line
    assert "never" in idle_line and "none yet" in idle_line


def test_status_exits_1_when_the_last_pass_failed(
    write_config: Callable[..., Path], maildir: MaildirBackend, tmp_path: Path
) -> None:
    config = write_config()
    with SqliteStore(tmp_path / "state.sqlite3") as store:
        pass_id = store.passes.start("test")
        store.passes.finish(
            pass_id, scanned=0, processed=0, failed=0, drafted=0, error="login refused"
        )
    code, output = status(config)
    assert code == 1
    assert "FAILED" in output and "login refused" in output


def test_status_before_the_first_run_says_so(
    write_config: Callable[..., Path], maildir: MaildirBackend
) -> None:
    code, output = status(write_config())
    assert (code, "has not run" in output) == (0, True)
