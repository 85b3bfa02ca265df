"""Edited rule files take effect at the next pass; a broken edit keeps the last good rules."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from introgate.config import Settings
from introgate.rules import RuleFileErrors, RuleReloader
from tests.rules.rules_kit import NOW, request

RULE = """[[rule]]
name = "{name}"
when = {{ kind = "connection_request" }}
then = {{ label = "{name}" }}
"""


def edit(path: Path, text: str) -> None:
    """Write and move the mtime on, as an editor saving a second later would."""
    stamp = path.stat().st_mtime_ns + 1_000_000_000 if path.exists() else None
    path.write_text(text, encoding="utf-8")
    if stamp is not None:
        os.utime(path, ns=(stamp, stamp))


def test_an_edit_takes_effect_at_the_next_pass(rules_dir: Path, rule_settings: Settings) -> None:
    path = rules_dir / "mine.toml"
    edit(path, RULE.format(name="before"))
    reloader = RuleReloader(rule_settings)
    assert reloader.current().evaluate(request(), now=NOW).matched == ["before"]
    edit(path, RULE.format(name="after"))
    assert reloader.current().evaluate(request(), now=NOW).matched == ["after"]


def test_a_new_file_in_a_rules_folder_is_picked_up(
    rules_dir: Path, rule_settings: Settings
) -> None:
    edit(rules_dir / "b.toml", RULE.format(name="b"))
    reloader = RuleReloader(rule_settings)
    edit(rules_dir / "a.toml", RULE.format(name="a"))
    assert reloader.current().names == ["a", "b"]


def test_a_broken_edit_keeps_the_last_good_rules_and_is_logged_once(
    rules_dir: Path, rule_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    path = rules_dir / "mine.toml"
    edit(path, RULE.format(name="good"))
    reloader = RuleReloader(rule_settings)
    edit(path, RULE.format(name="good").replace("kind", "knd"))
    with caplog.at_level(logging.ERROR, logger="introgate.rules"):
        first = reloader.current()
        second = reloader.current()
    assert first is second
    assert first.evaluate(request(), now=NOW).matched == ["good"]
    problem = f'{path}:3:10: rule "good": when.knd: unknown key (did you mean "kind"?)'
    assert [r.getMessage() for r in caplog.records].count(problem) == 1

    edit(path, RULE.format(name="fixed"))
    assert reloader.current().names == ["fixed"]


def test_the_daemon_does_not_start_on_broken_rules(
    rules_dir: Path, rule_settings: Settings
) -> None:
    edit(rules_dir / "mine.toml", "[[rule]]\nname = 3\n")
    with pytest.raises(RuleFileErrors):
        RuleReloader(rule_settings)
