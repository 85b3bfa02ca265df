"""Every condition a rule's ``when`` table may use. A new condition is one class, listed here."""

from introgate.rules.conditions.answered import Answered
from introgate.rules.conditions.authenticated import Authenticated
from introgate.rules.conditions.base import Condition, MessageView, SettingCondition
from introgate.rules.conditions.days_since_asked import DaysSinceAsked
from introgate.rules.conditions.from_matches import FromMatches
from introgate.rules.conditions.has_note import HasNote
from introgate.rules.conditions.header import Header
from introgate.rules.conditions.kind import Kind
from introgate.rules.conditions.language import Language
from introgate.rules.conditions.mutual_at_least import MutualAtLeast
from introgate.rules.conditions.network import Network
from introgate.rules.conditions.newer_than import NewerThan
from introgate.rules.conditions.note_matches import NoteMatches
from introgate.rules.conditions.note_min_words import NoteMinWords
from introgate.rules.conditions.older_than import OlderThan
from introgate.rules.conditions.request_state import RequestStateIs
from introgate.rules.conditions.requester_known import RequesterKnown
from introgate.rules.conditions.subject_matches import SubjectMatches

# load, the JSON Schema and the docs test read this tuple when they run, not a copy of it
ALL: tuple[type[SettingCondition], ...] = (
    Network,
    Kind,
    HasNote,
    NoteMatches,
    NoteMinWords,
    Language,
    Authenticated,
    MutualAtLeast,
    RequesterKnown,
    Header,
    SubjectMatches,
    FromMatches,
    OlderThan,
    NewerThan,
    RequestStateIs,
    Answered,
    DaysSinceAsked,
)

__all__ = ["ALL", "Condition", "MessageView", "SettingCondition"]
