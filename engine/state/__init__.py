"""The state store: what introgate has seen, done and drafted.

``store.py`` says what callers need (one part per concern, each a Protocol in its own
module); ``sqlite/`` implements it.
"""

from introgate.state.drafts import DraftRecord, DraftStatus
from introgate.state.messages import ProcessedRecord, ProcessedStatus
from introgate.state.passes import PassHealth
from introgate.state.requests import RequestChange, RequestRecord, RequestState
from introgate.state.sqlite import SqliteStore
from introgate.state.store import StateStore

__all__ = [
    "DraftRecord",
    "DraftStatus",
    "PassHealth",
    "ProcessedRecord",
    "ProcessedStatus",
    "RequestChange",
    "RequestRecord",
    "RequestState",
    "SqliteStore",
    "StateStore",
]
