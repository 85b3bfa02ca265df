"""Rule files written into a temporary folder and loaded the way introgate loads them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from introgate.config import Settings
from introgate.rules import RuleSet, load_rules
from tests.rules.rules_kit import LoadRules


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    return folder


@pytest.fixture
def rule_settings(rules_dir: Path) -> Settings:
    """Only the test's rule files, no shipped ones; shipped templates and networks."""
    return Settings(rules={"use_shipped": False, "paths": [rules_dir]})


@pytest.fixture
def load(rules_dir: Path, rule_settings: Settings) -> LoadRules:
    """Write ``{file name: TOML text}`` into the rules folder and load the rules."""

    def write_and_load(files: dict[str, str] | str, **settings: Any) -> RuleSet:
        if isinstance(files, str):
            files = {"rules.toml": files}
        for name, text in files.items():
            (rules_dir / name).write_text(text, encoding="utf-8")
        chosen = rule_settings.model_copy(update=settings) if settings else rule_settings
        return load_rules(chosen)

    return write_and_load
