"""Which regular expressions may take exponential time, and a search bounded in text length.

Python's ``re`` backtracks: a quantified group that itself holds an unbounded quantifier
(``(\\w+\\s?)+``, ``(a*)*``, ``(?:x|y+)*``) can try exponentially many ways to split a
text before it fails, and a hostile mail chooses that text. Such a pattern is refused
where it is written (rule files and network files, at ``check`` and at start) rather
than run. What remains is at worst polynomial (``.*a.*b``), and ``BoundedPattern`` keeps
that small by searching only the first ``MAX_SEARCHED_CHARS`` characters.

The check is structural, on the parsed pattern: it does not look at whether the inner
and outer repetition could match the same characters, so it also refuses a few patterns
that would be safe; ``*+``/``++`` (possessive) and ``(?>...)`` (atomic) never backtrack
and are always allowed.
"""

from __future__ import annotations

import re
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parser  # type: ignore[attr-defined]
from typing import Any

# what a rule's pattern is searched in at most (subject, sender, note, one header value)
MAX_SEARCHED_CHARS = 4_000

_BACKTRACKING_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT)
_UNBOUNDED = sre_constants.MAXREPEAT
_REPEATED_GROUP = "a repeated group holds an unbounded repeat, as in (a+)+ or (x|y*)*"


def backtracking_risk(pattern: str, flags: int = 0) -> str | None:
    """Why ``pattern`` may take exponential time on a hostile text, or None when it cannot.

    Call it with a pattern that compiles; an unparsable one gives None (``re`` says why).
    """
    try:
        parsed = sre_parser.parse(pattern, flags)
    except (re.error, OverflowError, RecursionError):
        return None
    return _nested_repeat(list(parsed), inside=None)


def _nested_repeat(items: list[tuple[Any, Any]], inside: str | None) -> str | None:
    for op, value in items:
        if op in _BACKTRACKING_REPEATS:
            _low, high, body = value
            repeats = high == _UNBOUNDED or high > 1
            if inside is not None and high == _UNBOUNDED:
                return inside
            found = _nested_repeat(list(body), _REPEATED_GROUP if repeats else inside)
            if found:
                return found
        elif op in (sre_constants.POSSESSIVE_REPEAT, sre_constants.ATOMIC_GROUP):
            continue  # never gives back what it matched
        elif op is sre_constants.SUBPATTERN:
            found = _nested_repeat(list(value[-1]), inside)
            if found:
                return found
        elif op is sre_constants.BRANCH:
            for branch in value[1]:
                found = _nested_repeat(list(branch), inside)
                if found:
                    return found
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            # a lookaround is atomic: the repeat around it cannot retry it another way
            found = _nested_repeat(list(value[1]), None)
            if found:
                return found
    return None


def check_linear(pattern: str, flags: int = 0) -> str:
    """``pattern`` unchanged, or ValueError saying why it could take exponential time."""
    risk = backtracking_risk(pattern, flags)
    if risk is not None:
        raise ValueError(
            f"may take exponential time on a hostile mail ({risk}); write the inner repeat "
            "possessive (x++ or x*+), bound it (x{1,20}), or drop the outer repeat"
        )
    return pattern


class BoundedPattern:
    """A compiled pattern searched in the first ``MAX_SEARCHED_CHARS`` characters only."""

    def __init__(self, compiled: re.Pattern[str]) -> None:
        self.compiled = compiled
        self.pattern = compiled.pattern

    def search(self, text: str) -> re.Match[str] | None:
        return self.compiled.search(text[:MAX_SEARCHED_CHARS])
