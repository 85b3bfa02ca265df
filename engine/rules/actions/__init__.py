"""Every action a rule's ``then`` table may name. A new action is one class, listed here."""

from engine.rules.actions.archive import Archive
from engine.rules.actions.base import ActionContext, ActionOutcome, PlannedAction, RuleAction
from engine.rules.actions.draft import Draft
from engine.rules.actions.flag import Flag
from engine.rules.actions.label import Label
from engine.rules.actions.mark_read import MarkRead
from engine.rules.actions.move import Move

ALL: tuple[type[RuleAction], ...] = (Label, Flag, MarkRead, Move, Archive, Draft)

__all__ = ["ALL", "ActionContext", "ActionOutcome", "PlannedAction", "RuleAction"]
