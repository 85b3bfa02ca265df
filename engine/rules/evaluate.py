"""Running a loaded rule set against one message: which rules match, which actions follow.

Rules run in order (file name, then position in the file); the first that matches ends
the evaluation unless it says ``continue = true``. A message no rule matches gets no
action at all. The planned actions come out in the order they must run: labels and
flags, then the draft, then at most one move, so a crash part-way leaves the message
where the next pass finds it again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from introgate.facts import MessageFacts
from introgate.rules.actions import Action
from introgate.rules.conditions import Condition, MessageView
from introgate.rules.conditions.combine import AnyOf, ConditionResult, NotAll, run_group
from introgate.toml_locate import TomlPositions


@dataclass(frozen=True, eq=False)
class CompiledRule:
    name: str
    file: Path
    index: int  # position among the file's [[rule]] tables
    line: int
    # in evaluation order: as written, costly ones last
    conditions: tuple[Condition, ...]
    actions: tuple[Action, ...]
    continue_: bool = False
    enabled: bool = True
    description: str = ""

    def admits(self, kind: str | None, network: str | None) -> bool:
        """Whether a request of this kind and network (None: ordinary mail) can match at all."""
        return all(condition.admits(kind, network) for condition in self.conditions)


class RuleTrace:
    """How one rule decided, for `explain`.

    The conditions' actual values are looked up again when asked for: checks are pure
    (``requester_known`` is cached in the facts), so the answer is the one the decision
    saw, and a pass that never explains does not pay for building it.
    """

    __slots__ = ("_message", "_results", "matched", "rule")

    def __init__(self, rule: CompiledRule, matched: bool, message: MessageView) -> None:
        self.rule = rule
        self.matched = matched
        self._message = message
        self._results: list[ConditionResult] | None = None

    @property
    def results(self) -> list[ConditionResult]:
        if self._results is None:
            self._results = run_group(self.rule.conditions, self._message)[1]
        return self._results

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule.name,
            "file": str(self.rule.file),
            "line": self.rule.line,
            "matched": self.matched,
            "conditions": _results_json(self.results),
        }


def _results_json(results: list[ConditionResult]) -> list[dict[str, Any]]:
    return [
        {
            "condition": condition.key,
            "expected": condition.expected,
            "actual": _actual_json(condition, actual),
            "result": result,
        }
        for condition, actual, result in results
    ]


def _actual_json(condition: Condition, actual: Any) -> Any:
    """A group's actual value is its conditions' results (one list per alternative of any)."""
    if isinstance(condition, AnyOf):
        return [_results_json(group) for group in actual]
    if isinstance(condition, NotAll):
        return _results_json(actual)
    return actual


class Evaluation:
    """The decision for one message; ``traces`` is built only when asked for."""

    __slots__ = ("_looked_at", "_message", "_traces", "actions", "matched")

    def __init__(
        self,
        matched: list[str],
        actions: list[Action],
        message: MessageView,
        looked_at: tuple[CompiledRule, ...],
    ) -> None:
        self.matched = matched
        self.actions = actions
        self._message = message
        # the rules in order up to the one that ended the evaluation
        self._looked_at = looked_at
        self._traces: list[RuleTrace] | None = None

    @property
    def traces(self) -> list[RuleTrace]:
        """One per rule looked at, in order, up to the rule that ended the evaluation."""
        if self._traces is None:
            matched = set(self.matched)
            self._traces = [
                RuleTrace(rule, rule.name in matched, self._message) for rule in self._looked_at
            ]
        return self._traces


def order_actions(planned: list[Action]) -> list[Action]:
    """Deduplicated, at most one move (the first rule's), sorted by stage."""
    seen: set[Action] = set()
    kept: list[Action] = []
    moved = False
    for action in planned:
        if action in seen:
            continue
        if action.moves:
            if moved:
                continue
            moved = True
        seen.add(action)
        kept.append(action)
    kept.sort(key=lambda action: action.stage)
    return kept


# (position among the active rules, the rule, its conditions' ``holds``)
Plan = tuple[tuple[int, CompiledRule, tuple[Callable[[MessageView], bool], ...]], ...]


class RuleSet:
    """The rules one account runs, checked and compiled; evaluation does no IO."""

    def __init__(
        self,
        rules: list[CompiledRule],
        *,
        files: list[Path] | None = None,
        positions: dict[Path, TomlPositions] | None = None,
        default_language: str = "en",
    ) -> None:
        self.rules = tuple(rules)
        self.active = tuple(rule for rule in rules if rule.enabled)
        self.files = list(files or [])
        self.positions = positions or {}
        self.default_language = default_language
        # per (kind, network), the rules that can match such a message, with their tests
        # looked up once; a rule on friend requests is never tried on a LinkedIn invitation
        self._plans: dict[tuple[str | None, str | None], Plan] = {}

    def _plan_for(self, kind: str | None, network: str | None) -> Plan:
        plan = self._plans.get((kind, network))
        if plan is None:
            plan = tuple(
                (position, rule, tuple(condition.holds for condition in rule.conditions))
                for position, rule in enumerate(self.active)
                if rule.admits(kind, network)
            )
            self._plans[(kind, network)] = plan
        return plan

    @property
    def names(self) -> list[str]:
        return [rule.name for rule in self.rules]

    def evaluate(
        self, facts: MessageFacts, *, now: datetime | None = None, explain: bool = False
    ) -> Evaluation:
        """Decide for one message. ``explain`` looks at every condition of every rule reached
        instead of stopping at the first that fails (the decision is the same)."""
        message = MessageView(facts, now or datetime.now(UTC), explain=explain)
        matched: list[str] = []
        planned: list[Action] = []
        notification = message.notification
        if notification is None:
            plan = self._plan_for(None, None)
        else:
            plan = self._plan_for(notification.kind, notification.network.lower())
        looked_at = self.active
        for position, rule, tests in plan:
            for test in tests:
                if not test(message):
                    break
            else:
                matched.append(rule.name)
                language = self.default_language
                planned.extend(action.plan(message, language) for action in rule.actions)
                if not rule.continue_:
                    looked_at = self.active[: position + 1]
                    break
        actions = order_actions(planned) if planned else []
        return Evaluation(matched, actions, message, looked_at)
