"""Checks that need the mailbox: folders a rule moves mail to must exist.

The rule files are checked without a connection; `introgate check --connect` (and
`check` for a Maildir) calls this with the account's folder list, and a pass calls it
before touching anything, so a misspelt folder is found before a pass needs it and
never becomes a new folder nobody looks at. A move with ``create = true`` is exempt.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from introgate.rules.actions.move import Move, missing_folder
from introgate.rules.context import did_you_mean
from introgate.rules.evaluate import CompiledRule, RuleSet
from introgate.rules.load import RULE


def folders_needed(ruleset: RuleSet) -> list[tuple[CompiledRule, Move]]:
    """Every enabled rule's move to a folder that must exist already (no ``create``)."""
    return [
        (rule, action)
        for rule in ruleset.rules
        if rule.enabled
        for action in rule.actions
        if isinstance(action, Move) and not action.create
    ]


def check_folders(ruleset: RuleSet, folders: Callable[[], list[str]]) -> list[str]:
    """A problem for each ``move`` to a folder not in ``folders()`` (INBOX in any case).

    ``folders`` is asked only when some rule moves mail to a named folder, so an account
    whose rules only archive costs no folder listing.
    """
    needed = folders_needed(ruleset)
    if not needed:
        return []
    existing = set(folders())
    problems: list[str] = []
    for rule, action in needed:
        if _exists(action.folder, existing):
            continue
        positions = ruleset.positions.get(rule.file)
        at = positions.value((RULE, rule.index, "then", "move")) if positions else None
        where = f"{rule.file}:{at}" if at else f"{rule.file}:{rule.line}:1"
        hint = did_you_mean(action.folder, sorted(existing))
        problems.append(
            f"{where}: rule {json.dumps(rule.name, ensure_ascii=False)}: then.move: "
            f"{missing_folder(action.folder, hint)}"
        )
    return problems


def _exists(folder: str, existing: set[str]) -> bool:
    return folder in existing or (
        folder.upper() == "INBOX" and "INBOX" in {f.upper() for f in existing}
    )
