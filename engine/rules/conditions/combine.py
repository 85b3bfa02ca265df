"""``any = [ {...}, {...} ]`` and ``not = {...}``: groups of conditions inside a ``when``.

A group holds when all its conditions hold. Outside `explain`, a group stops at the
first condition that fails, so costly ones (``requester_known``) run only when reached.
Both groups are conditions themselves, so they nest.
"""

from __future__ import annotations

from typing import Any, ClassVar

from typing_extensions import override

from introgate.rules.conditions.base import Condition, MessageView

# (condition, actual value, result), one per condition looked at
ConditionResult = tuple[Condition, Any, bool]


def all_hold(conditions: tuple[Condition, ...], message: MessageView) -> bool:
    """``run_group`` without the record: the decision alone."""
    for condition in conditions:  # noqa: SIM110 - all() with a generator costs more per rule
        if not condition.holds(message):
            return False
    return True


def run_group(
    conditions: tuple[Condition, ...], message: MessageView
) -> tuple[bool, list[ConditionResult]]:
    """Whether all ``conditions`` hold, and what each one looked at."""
    results: list[ConditionResult] = []
    holds = True
    for condition in conditions:
        actual, result = condition.check(message)
        results.append((condition, actual, result))
        if not result:
            holds = False
            if not message.explain:
                break
    return holds, results


def order_conditions(conditions: list[Condition]) -> tuple[Condition, ...]:
    """File order, costly conditions last (a stable sort: the rest keep their order)."""
    return tuple(sorted(conditions, key=lambda condition: condition.costly))


class AnyOf(Condition):
    key: ClassVar[str] = "any"

    def __init__(self, expected: Any, groups: list[tuple[Condition, ...]]) -> None:
        self.expected = expected
        self.groups = groups
        self.costly = any(condition.costly for group in groups for condition in group)

    @override
    def check(self, message: MessageView) -> tuple[Any, bool]:
        actual: list[list[ConditionResult]] = []
        result = False
        for group in self.groups:
            holds, results = run_group(group, message)
            actual.append(results)
            if holds:
                result = True
                if not message.explain:
                    break
        return actual, result

    @override
    def holds(self, message: MessageView) -> bool:
        for group in self.groups:  # noqa: SIM110 - any() with a generator costs more
            if all_hold(group, message):
                return True
        return False

    @override
    def admits(self, kind: str | None, network: str | None) -> bool:
        return any(
            all(condition.admits(kind, network) for condition in group) for group in self.groups
        )


class NotAll(Condition):
    key: ClassVar[str] = "not"

    def __init__(self, expected: Any, group: tuple[Condition, ...]) -> None:
        self.expected = expected
        self.group = group
        self.costly = any(condition.costly for condition in group)

    @override
    def check(self, message: MessageView) -> tuple[Any, bool]:
        holds, results = run_group(self.group, message)
        return results, not holds

    @override
    def holds(self, message: MessageView) -> bool:
        return not all_hold(self.group, message)

    @override
    def admits(self, kind: str | None, network: str | None) -> bool:
        # a group that cannot hold for this message makes "not" hold for it
        return True
