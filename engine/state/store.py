"""What callers need of a state store: its parts, one per concern.

An implementation on another database is one module per concern (see ``sqlite/``) and
an object that opens the database and exposes the parts under these names.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from introgate.state.audit import AuditLog
from introgate.state.checkpoints import Checkpoints
from introgate.state.drafts import DraftLedger
from introgate.state.messages import ProcessedMessages
from introgate.state.passes import PassLog
from introgate.state.people import PeopleCache
from introgate.state.recognition import RecognitionLog
from introgate.state.requests import RequestLedger


class StateStore(Protocol):
    @property
    def checkpoints(self) -> Checkpoints: ...
    @property
    def messages(self) -> ProcessedMessages: ...
    @property
    def drafts(self) -> DraftLedger: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def people(self) -> PeopleCache: ...
    @property
    def passes(self) -> PassLog: ...
    @property
    def requests(self) -> RequestLedger: ...
    @property
    def recognition(self) -> RecognitionLog: ...
    def close(self) -> None: ...
    def transaction(self) -> AbstractContextManager[None]:
        """Writes of any parts inside it commit together, once, or not at all.

        One synced commit per chunk of a pass instead of one per row; nested, it is a
        part that is undone alone when it fails.
        """
        ...
