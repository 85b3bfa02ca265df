"""``any = [ {...}, {...} ]`` and ``not = {...}``: groups of conditions inside a ``when``.

A group holds when all its conditions hold. Outside `explain`, a group stops at the
first condition that fails, so costly ones (``requester_known``) run only when reached.
"""

from __future__ import annotations

from typing import Any

from introgate.rules.conditions.base import MessageView

# (condition, actual value, result), one per condition looked at
ConditionResult = tuple[Any, Any, bool]


class Check:
    """What ``evaluate`` needs of a condition or a group: a key, the setting, ``check``."""

    key: str
    expected: Any
    costly: bool

    def check(self, message: MessageView) -> tuple[Any, bool]:
        raise NotImplementedError

    def holds(self, message: MessageView) -> bool:
        raise NotImplementedError

    def admits(self, kind: str | None, network: str | None) -> bool:
        return True


def all_hold(checks: tuple[Any, ...], message: MessageView) -> bool:
    """``run_group`` without the record: the decision alone."""
    for check in checks:  # noqa: SIM110 - all() with a generator costs more per rule
        if not check.holds(message):
            return False
    return True


def run_group(checks: tuple[Any, ...], message: MessageView) -> tuple[bool, list[ConditionResult]]:
    """Whether all ``checks`` hold, and what each one looked at."""
    results: list[ConditionResult] = []
    holds = True
    for check in checks:
        actual, result = check.check(message)
        results.append((check, actual, result))
        if not result:
            holds = False
            if not message.explain:
                break
    return holds, results


def order_checks(checks: list[Any]) -> tuple[Any, ...]:
    """File order, costly conditions last (a stable sort: the rest keep their order)."""
    return tuple(sorted(checks, key=lambda check: bool(check.costly)))


class AnyOf(Check):
    key = "any"

    def __init__(self, expected: Any, groups: list[tuple[Any, ...]]) -> None:
        self.expected = expected
        self.groups = groups
        self.costly = any(check.costly for group in groups for check in group)

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

    def holds(self, message: MessageView) -> bool:
        for group in self.groups:  # noqa: SIM110 - any() with a generator costs more
            if all_hold(group, message):
                return True
        return False


class NotAll(Check):
    key = "not"

    def __init__(self, expected: Any, group: tuple[Any, ...]) -> None:
        self.expected = expected
        self.group = group
        self.costly = any(check.costly for check in group)

    def check(self, message: MessageView) -> tuple[Any, bool]:
        holds, results = run_group(self.group, message)
        return results, not holds

    def holds(self, message: MessageView) -> bool:
        return not all_hold(self.group, message)
