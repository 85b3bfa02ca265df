"""The README tells the truth: its snippets check, and every condition and action is documented."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from introgate.config import Identity, RecognitionSettings, Settings, TemplatesSettings, Trust
from introgate.drafts.templates import check_templates
from introgate.recognition import Recogniser
from introgate.rules.actions import ALL as ACTIONS
from introgate.rules.conditions import ALL as CONDITIONS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
SNIPPETS = re.findall(r"```toml\n(.*?)```", README, re.DOTALL)


def test_readme_starts_with_exactly_the_two_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README.split("\n## ", 1)[0], re.DOTALL)
    assert len(blocks) == 2
    assert blocks[0].strip().endswith("introgate demo")
    assert "pytest" in blocks[1]
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    test_command = blocks[1].strip().split("&& ")[-1]
    assert test_command.split()[0] in ci and "-m pytest -n 2" in ci


@pytest.mark.parametrize("snippet", SNIPPETS, ids=lambda s: s.split("\n", 1)[0][:40])
def test_every_toml_snippet_parses_and_validates(snippet: str, tmp_path: Path) -> None:
    data = tomllib.loads(snippet)
    if "rule" in data:
        return  # rule snippets are loaded by tests/rules/test_rule_docs.py
    if isinstance(data.get("requests"), list):  # a network file; [requests] is config
        (tmp_path / "net.toml").write_text(snippet, encoding="utf-8")
        recogniser = Recogniser.load(
            Settings(
                trust=Trust(authserv_ids=["mx.example.org"]),
                recognition=RecognitionSettings(networks_paths=[tmp_path]),
            )
        )
        assert data["name"] in {n.name for n in recogniser.networks}
        return
    Settings(**data)  # a configuration fragment


@pytest.mark.parametrize("key", [c.key for c in CONDITIONS] + ["any", "not"])
def test_every_condition_has_a_documented_row(key: str) -> None:
    assert re.search(rf"^\| (`[a-z_]+` / )?`{key}`", README, re.M)


@pytest.mark.parametrize("key", [a.key for a in ACTIONS] + ["continue"])
def test_every_action_has_a_documented_row(key: str) -> None:
    assert re.search(rf"^\| `{key}` \|", README, re.M)


@pytest.mark.parametrize(
    "template", re.findall(r"```jinja\n(.*?)```", README, re.DOTALL), ids=["example", "french"]
)
def test_every_template_snippet_passes_the_template_check(template: str, tmp_path: Path) -> None:
    (tmp_path / "snippet.en.txt.j2").write_text(template, encoding="utf-8")
    settings = Settings(
        identity=Identity(addresses=["alex@example.org"]),
        templates=TemplatesSettings(path=tmp_path),
    )
    assert check_templates(settings) == []


def test_every_place_the_extending_section_names_exists() -> None:
    """The "Extending introgate" table points at files, folders and registries that exist."""
    section = README.split("## Extending introgate", 1)[1].split("\n## ", 1)[0]
    root = Path(__file__).resolve().parent.parent
    paths = re.findall(r"`((?:engine|rules|templates)/[^`<]*)`", section)
    assert len(paths) >= 10
    for path in paths:
        assert (root / path).exists(), path
    from introgate.backends import open_backend
    from introgate.rules.actions.base import MoveAction, SystemFlagAction
    from introgate.rules.conditions.base import SettingCondition
    from introgate.state.store import StateStore

    for named in (open_backend, MoveAction, SystemFlagAction, SettingCondition, StateStore):
        assert f"`{named.__name__}`" in section
