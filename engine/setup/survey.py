"""What ``init`` learns from the mailbox: folders, recent notifications, the server's name.

Read-only: folders are listed, INBOX is examined (never selected for writing) and only
headers are fetched, except for the few messages that look like a request.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import parseaddr

from introgate.backends.base import FolderRole
from introgate.backends.imap import ImapBackend
from introgate.mailbox_check import authserv_id
from introgate.recognition import Recogniser

SURVEY_DAYS = 30
_ROLES = (FolderRole.DRAFTS, FolderRole.ARCHIVE, FolderRole.SENT, FolderRole.TRASH)


@dataclass
class Survey:
    folders: dict[FolderRole, str]
    notifications: Counter[str] = field(default_factory=Counter)  # network label -> count
    requests: Counter[str] = field(default_factory=Counter)
    authserv_id: str | None = None


def survey_mailbox(
    backend: ImapBackend, recogniser: Recogniser, *, now: datetime | None = None
) -> Survey:
    since = (now or datetime.now(UTC)) - timedelta(days=SURVEY_DAYS)
    survey = Survey(folders={role: backend.folder_for(role) for role in _ROLES})
    refs = backend.refs_since("INBOX", since.date())
    parser = BytesHeaderParser(policy=compat32)
    candidates = []
    servers: Counter[str] = Counter()
    for item in backend.fetch_headers(refs):
        headers = parser.parsebytes(item.raw)
        domain = parseaddr(str(headers.get("From", "")))[1].rpartition("@")[2].lower()
        network = next((n for n in recogniser.networks if n.owns_sender(domain)), None)
        if network is None:
            continue
        survey.notifications[network.label] += 1
        results = headers.get("Authentication-Results")
        found = authserv_id(str(results)) if results else None
        if found:
            servers[found] += 1
        if recogniser.is_candidate(headers):
            candidates.append(item.ref)
    for item in backend.fetch_full(candidates):
        for request in recogniser.recognise(item.raw).requests:
            label = next(
                (n.label for n in recogniser.networks if n.name == request.network),
                request.network,
            )
            survey.requests[label] += 1
    if servers:
        survey.authserv_id = servers.most_common(1)[0][0]
    return survey
