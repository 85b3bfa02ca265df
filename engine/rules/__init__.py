"""Rules: declarative TOML files evaluated against ``MessageFacts``.

CONTRACT (implemented by the rules issue):

    load_rules(settings, account=None) -> RuleSet       # RuleFileErrors lists every problem
    RuleSet.evaluate(facts: MessageFacts) -> Evaluation
    Evaluation.matched: list[str]                       # names of rules that matched
    Evaluation.actions: list[Action]                    # in the order they must run
    Evaluation.traces: list[RuleTrace]                  # for `explain`
    Action.describe() -> dict                           # {"type": "label", "value": "..."}
    Action.apply(ctx: ActionContext) -> ActionOutcome   # honours ctx.dry_run
    Action.moves, Action.per_request                    # what a digest's plan merge needs

A condition is a ``SettingCondition`` listed in ``conditions.ALL``, an action an
``Action`` listed in ``actions.ALL``; loading, the JSON Schema and the docs read those two.

Also: ``check_folders(ruleset, folders)`` (needs the mailbox), ``RuleReloader`` (the
daemon's rules, following edits) and ``rules_json_schema()`` (`introgate schema rules`).
"""

from introgate.rules.actions.base import Action, ActionContext, ActionOutcome
from introgate.rules.check import check_folders
from introgate.rules.evaluate import Evaluation, RuleSet, RuleTrace
from introgate.rules.load import RuleFileErrors, load_rules
from introgate.rules.reload import RuleReloader
from introgate.rules.schema import rules_json_schema

__all__ = [
    "Action",
    "ActionContext",
    "ActionOutcome",
    "Evaluation",
    "RuleFileErrors",
    "RuleReloader",
    "RuleSet",
    "RuleTrace",
    "check_folders",
    "load_rules",
    "rules_json_schema",
]
