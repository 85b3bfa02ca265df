"""What ``introgate check --connect`` learns from an account's mailbox.

``check`` alone reads files; with ``--connect`` it also logs in and looks: which folders
play Drafts, Sent, Trash and Archive (and how they were found), whether the watched
folders and every folder a rule moves mail to exist, and which authserv-ids the
receiving server writes in Authentication-Results. The last one matters because
introgate believes only the ids in ``[trust] authserv_ids``: when the config names none
of the ids the server writes, every request's authenticity is "unknown" and forged
notifications are never caught. Read-only: headers of the most recent INBOX messages
are fetched (``BODY.PEEK``), nothing is selected for writing, nothing is created.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from email.policy import compat32

from introgate.backends import open_backend
from introgate.backends.base import FolderRole, FoundFolder, MailboxBackend
from introgate.config import Account, Settings
from introgate.rules import RuleSet
from introgate.rules.check import check_folders
from introgate.rules.context import did_you_mean

# the most recent INBOX messages whose Authentication-Results are read
SAMPLE_SIZE = 200
ROLES = (FolderRole.DRAFTS, FolderRole.SENT, FolderRole.TRASH, FolderRole.ARCHIVE)
INBOX = "INBOX"


@dataclass
class TrustSample:
    """The authserv-ids the server wrote on recent INBOX mail, against ``[trust]``."""

    sampled: int
    # the top Authentication-Results header's authserv-id (the receiving server's) -> count
    ids: Counter[str] = field(default_factory=Counter)
    trusted: frozenset[str] = frozenset()

    @property
    def without(self) -> int:
        return self.sampled - sum(self.ids.values())

    @property
    def trust_matches(self) -> bool:
        return bool(self.trusted & set(self.ids))


@dataclass
class MailboxFindings:
    account: str
    folders: list[FoundFolder] = field(default_factory=list)
    # folders that must exist and do not: each line names the rule or the setting
    problems: list[str] = field(default_factory=list)
    trust: TrustSample | None = None


def inspect_account(settings: Settings, account: Account, rules: RuleSet | None) -> MailboxFindings:
    """Log in (or open the Maildir) and look; raises what ``connect`` raises."""
    with open_backend(account) as backend:
        return _inspect(settings, account, rules, backend)


def _inspect(
    settings: Settings, account: Account, rules: RuleSet | None, backend: MailboxBackend
) -> MailboxFindings:
    findings = MailboxFindings(account.name)
    findings.folders = [backend.find_folder(role) for role in ROLES]
    findings.problems = missing_folders(account, rules, backend)
    findings.trust = sample_trust(backend, settings.trust.authserv_ids)
    return findings


def missing_folders(account: Account, rules: RuleSet | None, backend: MailboxBackend) -> list[str]:
    """A line for each watched folder and each rule's move target the mailbox lacks."""
    existing = backend.list_folders()
    problems = [
        f"account {account.name!r}: folders.watch[{index}]: no folder "
        f'"{folder}" in the mailbox{did_you_mean(folder, existing)}'
        for index, folder in enumerate(account.folders.watch)
        if not backend.has_folder(folder)
    ]
    if rules is not None:
        problems.extend(check_folders(rules, lambda: existing))
    return problems


def sample_trust(backend: MailboxBackend, trusted: list[str]) -> TrustSample:
    """The authserv-ids on the ``SAMPLE_SIZE`` most recent INBOX messages."""
    refs = list(backend.scan(INBOX, None).refs)[-SAMPLE_SIZE:]
    items = backend.fetch_headers(refs) if refs else []
    sample = TrustSample(len(items), trusted=frozenset(t.strip().lower() for t in trusted))
    parser = BytesHeaderParser(policy=compat32)
    for item in items:
        results = parser.parsebytes(item.raw).get_all("Authentication-Results") or []
        # the receiving server adds its header on top: the first is the one it wrote
        found = authserv_id(str(results[0])) if results else None
        if found:
            sample.ids[found] += 1
    return sample


def authserv_id(value: str) -> str | None:
    """The first token of an Authentication-Results value (RFC 8601 2.2), lower case."""
    head = " ".join(value.split()).split(";", 1)[0].strip()
    token = head.split()[0] if head.split() else ""
    return token.lower() if token and "=" not in token else None
