"""Patterns that could take exponential time are refused where they are written."""

from __future__ import annotations

from pathlib import Path

import pytest

from introgate.recognition.network_file import read_network_file
from introgate.recognition.regex_cost import MAX_SEARCHED_CHARS, backtracking_risk
from introgate.rules.setting_types import check_regex, compile_regex

NESTED = "a repeated group holds an unbounded repeat, as in (a+)+ or (x|y*)*"


@pytest.mark.parametrize(
    "pattern", [r"(\w+\s?)+$", "(a*)*", "(?:x|y+)*", "((ab)*c)*", r"(?:\w+,){2,}"]
)
def test_nested_unbounded_repeats_are_refused(pattern: str) -> None:
    assert backtracking_risk(pattern) == NESTED
    with pytest.raises(ValueError, match="may take exponential time on a hostile mail"):
        check_regex(pattern)


@pytest.mark.parametrize(
    "pattern",
    [
        r".*foo.*bar",
        r"(?:\d{1,3}\.){3}\d{1,3}",
        r"(a++)+",
        r"(?>a+)+",
        r"^(?P<name>.+?) wants to connect",
        r"(?:(?!\n\s+x)[\s\S]){0,3000}?",
    ],
)
def test_linear_or_polynomial_patterns_are_accepted(pattern: str) -> None:
    assert backtracking_risk(pattern) is None
    assert check_regex(pattern) == pattern


def test_a_rule_pattern_searches_a_bounded_prefix_of_the_text() -> None:
    pattern = compile_regex("needle")
    assert pattern.search("x" * (MAX_SEARCHED_CHARS - 6) + "needle") is not None
    assert pattern.search("x" * MAX_SEARCHED_CHARS + "needle") is None


def test_a_network_file_with_a_nested_repeat_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "example.toml"
    path.write_text(
        'name = "example"\nlabel = "Example"\ndomains = ["example-network.test"]\n\n'
        "[[requests]]\nkind = \"follow\"\nsubjects.en = ['^(\\w+\\s?)+ follows you$']\n",
        encoding="utf-8",
    )
    spec, problems = read_network_file(path)
    assert spec is None
    [problem] = [str(p) for p in problems]
    assert "may take exponential time on a hostile mail" in problem
    assert problem.startswith(f'{path}:7:1: network "example": requests[0].subjects')
