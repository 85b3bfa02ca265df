"""Short commands start without loading the engine; the command list says the same either way."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from introgate.cli import COMMANDS, build_app

# what a pass needs and a short command does not: loading them is what made
# `introgate --version` take most of a second
ENGINE_MODULES = ("introgate.pipeline", "imapclient", "jinja2", "rich")


def loaded_by(*args: str) -> set[str]:
    """The engine modules a fresh ``introgate ARGS`` process has loaded when it exits."""
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(sorted(m for m in sys.modules), file=sys.stderr))\n"
        f"sys.argv = ['introgate', *{list(args)!r}]\n"
        "from introgate.cli import main\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    modules = eval(result.stderr.strip().splitlines()[-1])  # noqa: S307 - our own output
    return {name for name in ENGINE_MODULES if name in modules}


@pytest.mark.parametrize("args", [("--version",), ("--help",), ("status", "--help")])
def test_short_commands_do_not_load_the_engine(args: tuple[str, ...]) -> None:
    assert loaded_by(*args) == set()


def test_the_command_list_reads_the_same_as_with_every_command_loaded() -> None:
    runner = CliRunner()
    listed = runner.invoke(build_app(set()), ["--help"], env={"COLUMNS": "80"})
    loaded = runner.invoke(build_app(None), ["--help"], env={"COLUMNS": "80"})
    assert listed.exit_code == loaded.exit_code == 0
    assert listed.output == loaded.output
    assert [
        line.split()[0]
        for line in loaded.output.split("Commands:")[1].splitlines()[1:]
        if line.startswith("  ") and not line.startswith("   ")
    ] == list(COMMANDS)
