"""Making the changes several decided messages planned, together and in each one's order.

A pass and the end-of-pass follow-up of requests both decide many messages and then act.
Acting on each message alone costs a request to the server per action and message, and
the server's time per request grows with the folder; so the plans run stage by stage
(labels and flags, drafts, moves), each message's own actions in its own order, and an
action several messages share is one request (one UID STORE per label, one UID MOVE per
target folder). A message whose action fails gets no further actions, as when it was
alone; the others go on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from introgate.decide import Step
from introgate.facts import MessageFacts
from introgate.rules import ActionContext, ActionOutcome
from introgate.rules.actions.base import Action, apply_and_audit_many
from introgate.rules.actions.label import Label


@dataclass
class Planned:
    """One message's plan, and what came of it."""

    plan: Sequence[Step]
    outcomes: list[ActionOutcome] = field(default_factory=list)
    # the action that failed and why; the actions after it did not run
    failed: tuple[Action, Exception] | None = None


def act_together(
    planned: Sequence[Planned],
    context: Callable[[MessageFacts], ActionContext],
    writing: Callable[[], AbstractContextManager[None]],
) -> None:
    """Run every plan; the state writes of each shared action commit together."""
    stages = sorted({step.action.stage for one in planned for step in one.plan})
    for stage in stages:
        rounds: list[list[tuple[Planned, Step]]] = []
        for one in planned:
            steps = [step for step in one.plan if step.action.stage == stage]
            for position, step in enumerate(steps):
                if position == len(rounds):
                    rounds.append([])
                rounds[position].append((one, step))
        for members in rounds:
            groups: dict[Action, list[tuple[Planned, Step]]] = {}
            for one, step in members:
                if one.failed is None:
                    groups.setdefault(step.action, []).append((one, step))
            for action, group in groups.items():
                with writing():
                    results = apply_and_audit_many(
                        action, [context(step.facts) for _one, step in group]
                    )
                for (one, _step), result in zip(group, results, strict=True):
                    if isinstance(result, Exception):
                        one.failed = (action, result)
                    else:
                        one.outcomes.append(result)


def first_labels(plan: Sequence[Step]) -> list[str]:
    """The labels a plan attaches before any other action runs, in its order.

    They go to the server with the handled mark, in one request: labels are sets, so
    the label actions that follow find them there and the server has nothing to change.
    That saves a request per message whose cost grows with the folder. Only labels
    ahead of every other action count: a message whose earlier action fails gets no
    later ones, so none of those may be set early.
    """
    labels: list[str] = []
    for step in sorted(plan, key=lambda step: step.action.stage):
        if not isinstance(step.action, Label):
            break
        labels.append(step.action.value)
    return labels


def failure_text(step: str, exc: BaseException) -> str:
    """``step: Error: what it said``, the error a decision carries."""
    flat = " ".join(str(exc).split())
    flat = flat if len(flat) <= 200 else flat[:199] + "…"
    return f"{step}: {type(exc).__name__}: {flat}"
