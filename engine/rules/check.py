"""Checks that need the mailbox: folders a rule moves mail to must exist.

The rule files are checked without a connection; `introgate check` calls this once it
has the account's folder list, so a misspelt folder is found before a pass needs it.
"""

from __future__ import annotations

import json

from introgate.rules.actions.move import Move
from introgate.rules.context import did_you_mean
from introgate.rules.evaluate import RuleSet
from introgate.rules.load import RULE


def check_folders(ruleset: RuleSet, folders: list[str]) -> list[str]:
    """A problem for each ``move`` to a folder not in ``folders`` (INBOX in any case)."""
    existing = set(folders)
    problems: list[str] = []
    for rule in ruleset.rules:
        for action in rule.actions:
            if not isinstance(action, Move) or _exists(action.folder, existing):
                continue
            positions = ruleset.positions.get(rule.file)
            at = positions.value((RULE, rule.index, "then", "move")) if positions else None
            where = f"{rule.file}:{at}" if at else f"{rule.file}:{rule.line}:1"
            problems.append(
                f"{where}: rule {json.dumps(rule.name, ensure_ascii=False)}: then.move: "
                f"no folder {json.dumps(action.folder, ensure_ascii=False)} in the mailbox"
                f"{did_you_mean(action.folder, sorted(existing))}"
            )
    return problems


def _exists(folder: str, existing: set[str]) -> bool:
    return folder in existing or (
        folder.upper() == "INBOX" and "INBOX" in {f.upper() for f in existing}
    )
