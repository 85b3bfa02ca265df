"""`introgate demo`: a newcomer's first run shows requests, decisions and two drafts."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from engine.cli import app

runner = CliRunner()


def drafts(directory: Path) -> list[Path]:
    return sorted((directory / "Maildir" / ".Drafts" / "cur").iterdir())


def test_demo_runs_a_pass_and_shows_a_german_and_an_english_draft(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", str(tmp_path / "demo")], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = result.output
    for expected in ("Anna Schäfer", "Priya Raman", "linkedin", "xing", "facebook"):
        assert expected in out
    panels = re.findall(r"draft for (.+?) \((\w+), (de|en)\)", out)
    assert {language for _, _, language in panels} == {"de", "en"}
    found = drafts(tmp_path / "demo")
    assert found and all(p.name.split(":2,")[1].startswith("D") for p in found)


def test_demo_again_reports_nothing_new_and_drafts_nothing(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    assert runner.invoke(app, ["demo", str(target)]).exit_code == 0
    before = drafts(target)
    again = runner.invoke(app, ["demo", str(target)])
    assert again.exit_code == 0, again.output
    assert "nothing new since the last pass" in again.output
    assert drafts(target) == before


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for command in ("demo", "run", "check", "explain", "drafts", "status", "schema"):
        assert re.search(rf"^\s+{command}\b", result.output, re.M), command
