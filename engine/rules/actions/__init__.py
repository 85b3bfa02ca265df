"""Every action a rule's ``then`` table may name. A new action is one class, listed here."""

from introgate.rules.actions.archive import Archive
from introgate.rules.actions.base import (
    Action,
    ActionContext,
    ActionOutcome,
    FixedAction,
    MoveAction,
)
from introgate.rules.actions.draft import Draft
from introgate.rules.actions.flag import Flag
from introgate.rules.actions.label import Label
from introgate.rules.actions.mark_read import MarkRead
from introgate.rules.actions.move import Move
from introgate.rules.actions.restore import Restore
from introgate.rules.actions.withdraw_draft import WithdrawDraft

# load, the JSON Schema and the docs test read this tuple when they run, not a copy of it
ALL: tuple[type[Action], ...] = (
    Label,
    Flag,
    MarkRead,
    Move,
    Archive,
    Restore,
    Draft,
    WithdrawDraft,
)

__all__ = ["ALL", "Action", "ActionContext", "ActionOutcome", "FixedAction", "MoveAction"]
