"""Every condition a rule's ``when`` table may use. A new condition is one class, listed here."""

from engine.rules.conditions.authenticated import Authenticated
from engine.rules.conditions.base import Condition, MessageView
from engine.rules.conditions.from_matches import FromMatches
from engine.rules.conditions.has_note import HasNote
from engine.rules.conditions.header import Header
from engine.rules.conditions.kind import Kind
from engine.rules.conditions.language import Language
from engine.rules.conditions.mutual_at_least import MutualAtLeast
from engine.rules.conditions.network import Network
from engine.rules.conditions.newer_than import NewerThan
from engine.rules.conditions.note_matches import NoteMatches
from engine.rules.conditions.note_min_words import NoteMinWords
from engine.rules.conditions.older_than import OlderThan
from engine.rules.conditions.requester_known import RequesterKnown
from engine.rules.conditions.subject_matches import SubjectMatches

ALL: tuple[type[Condition], ...] = (
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
)

__all__ = ["ALL", "Condition", "MessageView"]
