"""`introgate demo`: a newcomer's first run shows requests, decisions and two drafts."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from introgate.cli import app

runner = CliRunner()


def drafts(directory: Path) -> list[Path]:
    return sorted((directory / "Maildir" / ".Drafts" / "cur").iterdir())


def test_demo_runs_a_pass_and_shows_a_german_and_an_english_draft(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", str(tmp_path / "demo")], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = result.output
    for expected in ("Anna Schäfer", "Priya Raman", "LinkedIn", "XING", "Facebook"):
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


def test_demo_late_introduction_brings_a_request_back_and_withdraws_its_question(
    tmp_path: Path,
) -> None:
    target = tmp_path / "demo"
    assert runner.invoke(app, ["demo", str(target)]).exit_code == 0
    before = drafts(target)
    late = runner.invoke(app, ["demo", "--late-introduction", str(target)], env={"COLUMNS": "200"})
    assert late.exit_code == 0, late.output
    lines = late.output.splitlines()
    start = lines.index("requests whose state changed")
    assert lines[start + 1 : start + 3] == [
        "network   requester     now         actions",
        "linkedin  Anna Schäfer  introduced  flagged, draft withdrawn to Trash, restored to INBOX, "
        "label introgate/introduced-later",
    ]
    trash = sorted((target / "Maildir" / ".Trash" / "cur").iterdir())
    assert (len(drafts(target)), len(trash)) == (len(before) - 1, 1)


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for command in ("demo", "run", "check", "explain", "drafts", "status", "schema"):
        assert re.search(rf"^\s+{command}\b", result.output, re.M), command


def test_check_names_the_file_and_the_misspelt_key(tmp_path: Path) -> None:
    config = tmp_path / "introgate.toml"
    config.write_text('[identity]\nnmae = "Alex"\n')
    result = subprocess.run(
        [sys.executable, "-m", "introgate", "check", "--config", str(config)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"{config}:2:1: identity.nmae: unknown key 'nmae' (did you mean 'name'?)\n1 problem found\n"
    )
