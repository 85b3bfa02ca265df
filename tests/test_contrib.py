"""contrib/introgate.service works with the README's install and the example config."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNIT = ROOT / "contrib" / "introgate.service"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_unit_is_valid_for_systemd_with_introgate_where_pipx_puts_it(
    tmp_path: Path,
) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        message = "systemd-analyze is not installed (apt-get install systemd)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # pipx links the command into ~/.local/bin: here, the one this test runs with
    installed = Path(sys.executable).parent / "introgate"
    assert installed.is_file(), "the introgate command is not installed next to python"
    home = tmp_path / "home"
    (home / ".local" / "bin").mkdir(parents=True)
    (home / ".local" / "bin" / "introgate").symlink_to(installed)
    unit = tmp_path / "introgate.service"
    shutil.copy(UNIT, unit)
    result = subprocess.run(
        [analyze, "verify", str(unit)],
        capture_output=True,
        text=True,
        env={"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        check=False,
        timeout=120,
    )
    problems = [line for line in result.stderr.splitlines() if "introgate.service" in line]
    assert (result.returncode, problems) == (0, []), result.stderr


def test_the_unit_runs_the_command_where_the_readmes_install_puts_it() -> None:
    text = UNIT.read_text(encoding="utf-8")
    [exec_start] = re.findall(r"^ExecStart=(\S+)", text, re.M)
    assert exec_start == "%h/.local/bin/introgate"
    assert "pipx install . && pipx ensurepath" in README
    assert "~/.local/bin" in README


def test_the_unit_says_how_to_keep_it_running_and_names_the_example_password_variable() -> None:
    text = UNIT.read_text(encoding="utf-8")
    assert 'loginctl enable-linger "$USER"' in text
    example = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    [account_variable] = re.findall(r'^password_env = "(\w+)"', example, re.M)
    named = set(re.findall(r"\bINTROGATE_\w+PASSWORD\b", text))
    assert named == {account_variable}
