"""The command line as people type it: options anywhere, help that fits, words not reprs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from introgate.cli import app
from introgate.demo import write_demo


def introgate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "introgate", *args],
        capture_output=True,
        text=True,
        env={"COLUMNS": "80", "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
    )


@pytest.fixture
def demo_config(tmp_path: Path) -> Path:
    return write_demo(tmp_path / "demo")


def test_global_options_work_before_and_after_the_command(demo_config: Path) -> None:
    after = introgate(
        "run", "--once", "--dry-run", "--config", str(demo_config), "-v", "--log-json"
    )
    assert after.returncode == 0, after.stderr
    logged = [json.loads(line) for line in after.stderr.splitlines() if line.startswith("{")]
    assert {entry["level"] for entry in logged} >= {"debug"}  # -v after the command counts
    before = introgate("--config", str(demo_config), "--log-json", "check")
    assert (before.returncode, before.stderr) == (0, "")
    assert before.stdout.startswith(f"ok: {demo_config}")


def commands() -> Iterator[list[str]]:
    """Every command and subcommand, as the words a user types."""

    def walk(command: object, path: list[str]) -> Iterator[list[str]]:
        yield path
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            yield from walk(sub, [*path, name])

    yield from walk(typer.main.get_command(app), [])


@pytest.mark.parametrize("words", list(commands()), ids=lambda words: " ".join(words) or "-")
def test_every_help_has_an_example_and_fits_80_columns_uncut(words: list[str]) -> None:
    result = CliRunner().invoke(app, [*words, "--help"], terminal_width=80)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "Example" in result.output
    assert [line for line in lines if len(line) > 80] == []
    if "Commands:" in lines:
        listed = lines[lines.index("Commands:") + 1 :]
        assert [line for line in listed if line.rstrip().endswith("...")] == []


def test_the_command_list_shows_each_first_sentence_whole() -> None:
    result = CliRunner().invoke(app, ["--help"], terminal_width=80)
    assert "  check     Check config, network files, rule files, templates and contacts;\n" in (
        result.output
    )
    assert "            exit 0 when all is well.\n" in result.output


def test_explain_reads_as_words(demo_config: Path) -> None:
    anna = next(
        path
        for path in (demo_config.parent / "Maildir" / "new").iterdir()
        if b"Anna Sch" in path.read_bytes() and b"invitations@linkedin.com" in path.read_bytes()
    )
    result = introgate("explain", "--config", str(demo_config), str(anna))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert (
        '      NOT request_state: expected "introduced", found nothing' in lines
        and "      ok  has_note: expected false, found false" in lines
        and '      ok  kind: expected "connection_request", "friend_request" or '
        '"follow_request", found "connection_request"'
        in lines
    )
    assert lines[-1] == (
        'actions: label "introgate/unexplained", draft (template "ask-intro", language "de"), '
        "archive"
    )
    assert not re.search(r"\b(None|True|False)\b|\['", result.stdout)


def test_schema_config_and_rules_know_the_files_and_the_users_networks(tmp_path: Path) -> None:
    config_schema = introgate("schema", "config")
    assert config_schema.returncode == 0
    schema = json.loads(config_schema.stdout)
    assert schema["title"] == "introgate configuration"
    assert "config_path" not in schema["properties"]
    assert schema["$defs"]["Account"]["properties"]["backfill"]["default"] == "30d"

    networks = tmp_path / "networks"
    networks.mkdir()
    (networks / "example.toml").write_text(
        'name = "example"\nlabel = "Example"\ndomains = ["example-network.test"]\n\n'
        "[[requests]]\nkind = \"follow\"\nsubjects.en = ['is now following you']\n\n"
        '[[extract]]\nsource = "subject"\n'
        "pattern = '^(?P<name>.+?) is now following you'\n",
        encoding="utf-8",
    )
    config = tmp_path / "introgate.toml"
    config.write_text('[recognition]\nnetworks_paths = ["networks"]\n', encoding="utf-8")
    rules_schema = introgate("schema", "rules", "--config", str(config))
    assert rules_schema.returncode == 0, rules_schema.stderr
    network = json.loads(rules_schema.stdout)["$defs"]["When"]["properties"]["network"]
    names = ["example", "facebook", "instagram", "linkedin", "mastodon", "twitter", "xing"]
    assert network["anyOf"][0] == {"type": "string", "enum": names}
    assert network["anyOf"][1]["items"] == {"type": "string", "enum": names}


def test_json_logs_name_drafts_by_their_full_ids(demo_config: Path) -> None:
    assert introgate("run", "--once", "--config", str(demo_config)).returncode == 0
    listed = introgate("drafts", "list", "--config", str(demo_config))
    short = re.search(r"^([0-9a-f]{10})\s", listed.stdout, re.M)
    assert short is not None, listed.stdout
    discarded = introgate(
        "drafts", "discard", short.group(1), "--config", str(demo_config), "--log-json"
    )
    assert discarded.returncode == 0, discarded.stderr
    [entry] = [json.loads(line) for line in discarded.stderr.splitlines()]
    assert entry["message"].startswith(f"draft {short.group(1)} dismissed: moved to Trash")
    assert entry["request_id"].startswith(short.group(1)) and len(entry["request_id"]) == 24
    assert re.fullmatch(r"<introgate\.[0-9a-f]{24}@introgate\.invalid>", entry["draft_id"])
