"""Every action a rule's ``then`` table may name. A new action is one class, listed here."""

from introgate.rules.actions.archive import Archive
from introgate.rules.actions.base import ActionContext, ActionOutcome, PlannedAction, RuleAction
from introgate.rules.actions.draft import Draft
from introgate.rules.actions.flag import Flag
from introgate.rules.actions.label import Label
from introgate.rules.actions.mark_read import MarkRead
from introgate.rules.actions.move import Move

ALL: tuple[type[RuleAction], ...] = (Label, Flag, MarkRead, Move, Archive, Draft)

__all__ = ["ALL", "ActionContext", "ActionOutcome", "PlannedAction", "RuleAction"]
