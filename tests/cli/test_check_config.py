"""`check` refuses every value `run` would refuse, each problem at its FILE:LINE:COL.

Config, rule and network files share one duration grammar and one way of pointing at a
problem; a value from an ``INTROGATE_...`` variable names the variable instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from introgate.backends.maildir import MaildirBackend
from introgate.cli import main

DURATION_HELP = 'write a whole number and m, h, d or w, like "30d", "12h", "2w" or "45m"'


def introgate_process(*args: str) -> subprocess.CompletedProcess[str]:
    """The command as installed, in its own process: what a user's shell runs."""
    return subprocess.run(
        [sys.executable, "-m", "introgate", *args],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
    )


@pytest.fixture
def introgate(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str]]:
    """The command's entry point in this process (cheaper): exit code and stderr."""

    def run(*args: str) -> tuple[int, str]:
        capsys.readouterr()
        saved = sys.argv
        sys.argv = ["introgate", *args]
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            sys.argv = saved
        return code, capsys.readouterr().err

    return run


def place(path: Path, needle: str, *, value: bool = False) -> str:
    """``FILE:LINE:COL`` of the first ``needle`` (or of the value in ``key = value``)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            column = line.index(needle) + 1
            if value:
                column += needle.index("=") + 2
            return f"{path}:{number}:{column}"
    raise AssertionError(f"{needle!r} not in {path}")


@pytest.fixture
def config_with(write_config: Callable[..., Path], maildir: MaildirBackend) -> Callable[..., Path]:
    """The test config with the account's ``backfill = "all"`` line replaced."""

    def write(backfill_line: str, extra: str = "") -> Path:
        path = write_config(extra)
        text = path.read_text(encoding="utf-8").replace('backfill = "all"', backfill_line)
        path.write_text(text, encoding="utf-8")
        return path

    return write


Run = Callable[..., tuple[int, str]]


@pytest.mark.parametrize("written", ["thirty days", "30 Tage"])
def test_check_and_run_refuse_a_backfill_that_is_not_a_duration(
    config_with: Callable[..., Path], introgate: Run, written: str
) -> None:
    config = config_with(f'backfill = "{written}"')
    at = place(config, f'"{written}"')
    expected = (
        f'{at}: accounts[0].backfill: "{written}" is not a duration: '
        f'{DURATION_HELP}, or "0"/"all" for no limit\n'
        "1 problem found\n"
    )
    assert introgate("check", "--config", str(config)) == (1, expected)
    assert introgate("run", "--once", "--config", str(config)) == (2, expected)


def test_run_in_its_own_process_fails_with_the_same_line_and_no_traceback(
    config_with: Callable[..., Path],
) -> None:
    config = config_with('backfill = "thirty days"')
    result = introgate_process("run", "--once", "--config", str(config))
    assert result.returncode == 2
    at = place(config, '"thirty days"')
    assert result.stderr.splitlines() == [
        f'{at}: accounts[0].backfill: "thirty days" is not a '
        f'duration: {DURATION_HELP}, or "0"/"all" for no limit',
        "1 problem found",
    ]


@pytest.mark.parametrize("written", ["30d", "12h", "2w", "45m", "0", "all", "2 d"])
def test_every_documented_backfill_passes_check(
    config_with: Callable[..., Path], introgate: Run, written: str
) -> None:
    assert introgate("check", "--config", str(config_with(f'backfill = "{written}"'))) == (0, "")


def _with_rule_file(config: Path) -> Path:
    """Point the config at ``my-rules.toml`` beside it (before [[accounts]], where it must be)."""
    text = config.read_text(encoding="utf-8")
    config.write_text('[rules]\npaths = ["my-rules.toml"]\n' + text, encoding="utf-8")
    return config.parent / "my-rules.toml"


def test_a_bad_duration_in_a_rule_file_is_reported_the_same_way(
    config_with: Callable[..., Path], introgate: Run
) -> None:
    config = config_with('backfill = "30d"')
    rules = _with_rule_file(config)
    rules.write_text(
        '[[rule]]\nname = "stale"\nwhen = { kind = "follow", older_than = "14 Tage" }\n'
        'then = { label = "stale" }\n',
        encoding="utf-8",
    )
    at = place(rules, '"14 Tage"')
    expected = (
        f'{at}: rule "stale": when.older_than: "14 Tage" is not a duration: {DURATION_HELP}\n'
        "1 problem found\n"
    )
    assert introgate("check", "--config", str(config)) == (1, expected)
    assert introgate("run", "--once", "--config", str(config)) == (2, expected)


def test_toml_syntax_errors_in_config_and_rule_file_read_like_the_others(
    config_with: Callable[..., Path], introgate: Run
) -> None:
    config = config_with('backfill = "30d"')
    rules = _with_rule_file(config)
    rules.write_text('[[rule]]\nname = "a"\nname = "b"\n', encoding="utf-8")
    assert introgate("check", "--config", str(config)) == (
        1,
        f'{rules}:3:1: duplicate key "name"\n1 problem found\n',
    )
    config.write_text(config.read_text(encoding="utf-8") + "[identity]\n", encoding="utf-8")
    line = len(config.read_text(encoding="utf-8").splitlines())
    expected = f"{config}:{line}:1: duplicate table [identity]\n1 problem found\n"
    assert introgate("check", "--config", str(config)) == (1, expected)
    assert introgate("run", "--once", "--config", str(config)) == (2, expected)
    config.write_text("[identity\n", encoding="utf-8")
    assert introgate("check", "--config", str(config)) == (
        1,
        f"{config}:1:10: not valid TOML: Expected ']' at the end of a table declaration\n"
        "1 problem found\n",
    )


def test_a_bad_environment_override_names_the_variable(
    config_with: Callable[..., Path], introgate: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTROGATE_RECOGNITION__MAX_MESSAGE_BYTES", "lots")
    assert introgate("check", "--config", str(config_with('backfill = "30d"'))) == (
        1,
        "environment variable INTROGATE_RECOGNITION__MAX_MESSAGE_BYTES: "
        "recognition.max_message_bytes: Input should be a valid integer, "
        'unable to parse string as an integer (got "lots")\n'
        "1 problem found\n",
    )


@pytest.mark.parametrize("port", ["0", "65536"])
def test_port_numbers_outside_1_to_65535_are_refused(
    config_with: Callable[..., Path],
    introgate: Run,
    monkeypatch: pytest.MonkeyPatch,
    port: str,
) -> None:
    config = config_with(
        'backfill = "30d"',
        f'\n[[accounts]]\nname = "work"\nbackend = "imap"\n[accounts.imap]\nport = {port}\n',
    )
    bound = "greater than or equal to 1" if port == "0" else "less than or equal to 65535"
    assert introgate("check", "--config", str(config)) == (
        1,
        f"{place(config, f'port = {port}', value=True)}: accounts[1].imap.port: "
        f"Input should be {bound} (got {port})\n"
        "1 problem found\n",
    )
    monkeypatch.setenv("INTROGATE_SMTP__PORT", port)
    assert introgate("check", "--config", str(config_with('backfill = "30d"'))) == (
        1,
        f"environment variable INTROGATE_SMTP__PORT: smtp.port: "
        f'Input should be {bound} (got "{port}")\n'
        "1 problem found\n",
    )
