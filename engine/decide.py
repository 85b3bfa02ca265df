"""The decision for one message: what recognition found, how the rules decided, what runs.

This is the one place a decision is made. A pass (``run``, ``run --dry-run``, the daemon)
and ``explain`` all call :func:`recognise` and :func:`decide`, so the same message and
rules give the same actions everywhere, digests included.

A digest notification names several people. Each request is evaluated on its own (the
rules see one requester at a time), and the per-request plans become one plan for the
message: labels and flags once each, a draft per request, and a move only when every
request's rules move the message to the same place, because one unexplained request in a
digest of people the user knows must not archive the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from introgate.facts import MessageFacts
from introgate.recognition import Recogniser, Recognition, RequestNotification
from introgate.rules import Action, Evaluation, RuleSet

KnownCheck = Callable[[RequestNotification], bool]


def recognise(
    facts: MessageFacts, message: bytes | None, size: int, recogniser: Recogniser, limit: int
) -> Recognition:
    """What the message is: a request notification (with its people), or ordinary mail.

    ``message`` is the whole message when the cheap header check said it may be a
    notification, None otherwise; over ``limit`` bytes it is not parsed at all.
    """
    if message is None:
        return Recognition(facts.message_id)
    if size > limit:
        return Recognition(facts.message_id, defect=f"too large to parse: {size} bytes > {limit}")
    return recogniser.recognise(message)


@dataclass(frozen=True)
class Step:
    """One action of a message's plan, with the facts of the request it is for."""

    action: Action
    facts: MessageFacts


@dataclass
class MessageDecision:
    """How the rules decided for one message and what will run, in the order it runs."""

    recognition: Recognition
    evaluations: list[tuple[MessageFacts, Evaluation]]
    plan: list[Step]
    # why a move some rule asked for is not in the plan (a digest whose requests disagree)
    move_withheld: str | None = None
    matched: list[str] = field(default_factory=list)

    @property
    def known(self) -> bool | None:
        """Whether the (first) requester is known, when a rule asked; None when none did."""
        if not self.recognition.requests:
            return None
        return self.evaluations[0][0]._known_value


def decide(
    facts: MessageFacts,
    recognition: Recognition,
    rules: RuleSet,
    is_known: KnownCheck,
    *,
    now: datetime | None = None,
    explain: bool = False,
) -> MessageDecision:
    """Evaluate the rules for each request in the message (or once for ordinary mail)."""
    facts.recognition = recognition
    requests = recognition.requests
    per_request = [_for_request(facts, r, is_known) for r in requests] if requests else [facts]
    evaluations = [(one, rules.evaluate(one, now=now, explain=explain)) for one in per_request]
    plan, move_withheld = _merge_plans(evaluations)
    matched = list(dict.fromkeys(name for _, e in evaluations for name in e.matched))
    return MessageDecision(recognition, evaluations, plan, move_withheld, matched)


def _for_request(
    facts: MessageFacts, request: RequestNotification, is_known: KnownCheck
) -> MessageFacts:
    """The message's facts as seen for one of its requests (a digest lists several)."""
    assert facts.recognition is not None
    recognition = Recognition(facts.message_id, [request], facts.recognition.defect)
    return replace(
        facts, recognition=recognition, _known=lambda: is_known(request), _known_value=None
    )


def _merge_plans(
    evaluations: list[tuple[MessageFacts, Evaluation]],
) -> tuple[list[Step], str | None]:
    plan: list[Step] = []
    seen: set[Action] = set()
    moves: list[Step | None] = []
    for facts, evaluation in evaluations:
        move: Step | None = None
        for action in evaluation.actions:
            if action.moves:
                move = Step(action, facts)
            elif action.per_request:
                plan.append(Step(action, facts))  # each request gets its own
            elif action not in seen:
                seen.add(action)
                plan.append(Step(action, facts))
        moves.append(move)
    withheld = None
    targets = {move.action if move else None for move in moves}
    if len(targets) == 1:
        if moves[0] is not None:
            plan.append(moves[0])
    elif any(moves):
        withheld = "not moved: the rules for the people in this digest disagree on where to"
    plan.sort(key=lambda step: step.action.stage)
    return plan, withheld
