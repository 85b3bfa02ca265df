"""What the user does with a draft: look at it, discard it, allow the requester, or send it.

Each operation is ordered so that stopping at any line leaves something the next command
(or the next pass's status sync) finishes: the ledger status is written last, after the
mailbox change it describes. Sending sets ``sending`` before the SMTP hand-off, so an
interrupted send is never silently repeated.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import format_datetime, getaddresses

from introgate.backends.base import FolderRole, MailboxBackend
from introgate.config import Settings
from introgate.credentials import smtp_signin
from introgate.drafts import instructions
from introgate.drafts.compose import REQUEST_HEADER, is_robot_address
from introgate.drafts.smtp import send_message
from introgate.drafts.untrusted import one_line, paragraphs
from introgate.errors import IntrogateError
from introgate.introductions.draft_states import (
    IGNORED_BY_USER,
    KNOWN_TO_USER,
    SENT_BY_MAIL,
    follow_draft,
)
from introgate.mail import DRAFT, SEEN, MessageRef
from introgate.recognition.model import Requester
from introgate.recognition.registry import NetworkRegistry
from introgate.state import DraftRecord, DraftStatus, RequestRecord, StateStore

log = logging.getLogger("introgate.drafts")

KNOWN_LABEL = "introgate/known"
_ID_PREFIX = "<introgate."
_MIN_ID = 4
_FIRST_URL = re.compile(r"https?://\S+")
# counts the user's edits of a draft: after a crash between storing an edited draft and
# removing the one it replaces, the higher revision is the one kept
REVISION_HEADER = "X-Introgate-Revision"
MAX_QUESTION_CHARS = 20_000


def short_id(record: DraftRecord) -> str:
    return record.request_id[:10]


def full_ids(record: DraftRecord) -> dict[str, dict[str, str]]:
    """``extra=`` for a log line that names a draft by its short id: the JSON log line
    (``--log-json``) carries the full ids, so a script can find the draft and request."""
    return {"fields": {"draft_id": record.draft_id, "request_id": record.request_id}}


def local_time(stamp: str) -> str:
    """A ledger timestamp (UTC) as the user's local date and minute."""
    return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class DraftView:
    """A draft as ``drafts show`` prints it."""

    record: DraftRecord
    note: str | None
    note_known: bool  # False when the notification could not be read again
    text: str | None  # the draft as it is in Drafts now (headers and body), None if gone
    network_label: str  # the network file's label
    # whom the draft in Drafts is addressed to now (the user may have added a To:)
    recipients: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    """A waiting draft as the review page shows it."""

    text: str  # without introgate's lines for the user
    recipients: tuple[str, ...]  # whom it goes to now (a To: added by the user counts)


class DraftReview:
    """Review operations for one account."""

    def __init__(
        self, settings: Settings, store: StateStore, backend: MailboxBackend, account: str
    ) -> None:
        self.settings = settings
        self.store = store
        self.backend = backend
        self.account = account
        # valid network files only: a broken one is `introgate check`'s to report, and a
        # draft of a network no file defines shows its id
        self.networks, _ = NetworkRegistry.read(settings)

    def network_label(self, record: DraftRecord) -> str:
        """The network file's ``label`` for the record's network ("X/Twitter")."""
        return self.networks.label(record.network or "?")

    # -- finding ----------------------------------------------------------------

    def records(self, status: DraftStatus | None = None) -> list[DraftRecord]:
        return [r for r in self.store.drafts.records(status) if r.account == self.account]

    def find(self, draft: str) -> DraftRecord:
        """The draft a user means by a short id (any unique prefix) or a full Message-ID."""
        typed = draft.strip()
        if typed.startswith("<"):
            candidates = self.store.drafts.find(typed)
        elif len(typed) < _MIN_ID or not re.fullmatch(r"[0-9a-fA-F]+", typed):
            raise IntrogateError(
                f"{draft!r} is not a draft id: use the id from 'introgate drafts list' "
                f"(at least {_MIN_ID} characters)"
            )
        else:
            candidates = self.store.drafts.find(_ID_PREFIX + typed.lower())
        candidates = [r for r in candidates if r.account == self.account]
        if not candidates:
            raise IntrogateError(f"no draft {draft!r} in account {self.account!r}")
        if len(candidates) > 1:
            ids = ", ".join(short_id(r) for r in candidates[:5])
            raise IntrogateError(f"draft id {draft!r} is ambiguous ({ids}): type more of it")
        return candidates[0]

    def request_dates(self, records: list[DraftRecord]) -> dict[str, str]:
        """When each draft's request came (the notification's date), by request id."""
        dates = {}
        for record in records:
            request = self.store.requests.get(record.request_id)
            if request is not None:
                dates[record.request_id] = request.requested_at
        return dates

    def addressed_now(self) -> dict[str, tuple[str, ...]]:
        """Whom each draft in Drafts is addressed to now (a To: added by the user counts).

        By request id, from one listing of the Drafts folder rather than a search per draft.
        """
        try:
            folder = self._drafts_folder()
            items = self.backend.fetch_headers(self.backend.scan(folder, None).refs)
        except (IntrogateError, OSError) as exc:
            log.debug("drafts folder not readable: %s", exc)
            return {}
        found: dict[str, tuple[str, ...]] = {}
        for item in items:
            parsed = BytesParser(policy=policy.compat32).parsebytes(item.raw, headersonly=True)
            request = str(parsed.get(REQUEST_HEADER, "")).strip()
            if request:
                found[request] = tuple(_recipients(parsed))
        return found

    def _drafts_folder(self) -> str:
        return self.backend.folder_for(FolderRole.DRAFTS)

    def stored_copies(self, record: DraftRecord) -> list[MessageRef]:
        """The draft in Drafts: by Message-ID, or by request header if a client re-saved it."""
        folder = self._drafts_folder()
        refs = self.backend.find_by_message_id(folder, record.draft_id)
        if not refs:
            refs = self.backend.find_by_header(folder, REQUEST_HEADER, record.request_id)
        return refs

    def _load(self, ref: MessageRef) -> EmailMessage | None:
        items = self.backend.fetch_full([ref])
        if not items:
            return None
        parsed = BytesParser(policy=policy.default).parsebytes(items[0].raw)
        assert isinstance(parsed, EmailMessage)
        return parsed

    def find_notification(self, record: DraftRecord | RequestRecord) -> MessageRef | None:
        """The notification: where it was found, else by Message-ID there or in Archive."""
        wanted = record.notification_message_id
        if not wanted:
            return None
        if record.source_folder and record.source_key:
            ref = MessageRef(record.source_folder, record.source_key)
            for item in self.backend.fetch_headers([ref]):
                parsed = BytesParser(policy=policy.compat32).parsebytes(item.raw, headersonly=True)
                if str(parsed.get("Message-ID", "")).strip() == wanted:
                    return ref
        folders = [record.source_folder] if record.source_folder else []
        folders.append(self.backend.folder_for(FolderRole.ARCHIVE))
        for folder in dict.fromkeys(folders):
            refs = self.backend.find_by_message_id(folder, wanted)
            if refs:
                return refs[0]
        return None

    # -- show -------------------------------------------------------------------

    def show(self, record: DraftRecord) -> DraftView:
        refs = self.stored_copies(record)
        message = self._load(refs[0]) if refs else None
        note, note_known = self._note(record)
        return DraftView(
            record=record,
            note=note,
            note_known=note_known,
            text=_as_text(message) if message is not None else None,
            network_label=self.network_label(record),
            recipients=tuple(_recipients(message)) if message is not None else (),
        )

    def _note(self, record: DraftRecord) -> tuple[str | None, bool]:
        """The requester's note, read again from the notification (the ledger keeps no text)."""
        ref = self.find_notification(record)
        items = self.backend.fetch_full([ref]) if ref else []
        if not items:
            return None, False
        from introgate.recognition import Recogniser

        try:
            recognition = Recogniser.load(self.settings).recognise(items[0].raw)
        except Exception as exc:  # noqa: BLE001 - showing a draft must not fail on its request
            log.warning(
                "draft %s: cannot read the request again: %s",
                short_id(record),
                exc,
                extra=full_ids(record),
            )
            return None, False
        for request in recognition.requests:
            if request.requester.name == record.requester or (
                record.profile_url and request.requester.profile_url == record.profile_url
            ):
                return paragraphs(request.note) or None, True
        notification = recognition.notification
        if notification is None:
            return None, False
        return paragraphs(notification.note) or None, True

    # -- discard / allow --------------------------------------------------------

    def discard(self, record: DraftRecord, *, status: DraftStatus = DraftStatus.DISMISSED) -> str:
        """Remove the draft from Drafts (to Trash) and record the request as ``status``."""
        if record.status in (DraftStatus.SENT, DraftStatus.SENDING):
            raise IntrogateError(
                f"draft {short_id(record)} was {record.status}; nothing to discard"
            )
        if record.status == status or (
            status == DraftStatus.DISMISSED and record.status != DraftStatus.DRAFTED
        ):
            return f"draft {short_id(record)} is already {record.status}"
        refs = self.stored_copies(record)
        for ref in refs:
            self.backend.remove_draft(ref)  # to Trash, never expunged
        self.store.drafts.set_status(record.draft_id, status)
        self._follow(record, KNOWN_TO_USER if status == DraftStatus.ALLOWED else IGNORED_BY_USER)
        self.store.audit.record(
            self.account,
            refs[0] if refs else None,
            f"draft_{status}",
            {"draft_id": record.draft_id, "removed": len(refs)},
        )
        trash = self.backend.folder_for(FolderRole.TRASH)
        where = f"moved to {trash}" if refs else "was no longer in Drafts"
        log.info("draft %s %s: %s", short_id(record), status, where, extra=full_ids(record))
        return f"draft {short_id(record)} {where}; request recorded as {status}"

    def allow(self, record: DraftRecord) -> str:
        """Allowlist the requester, label the request ``introgate/known``, discard the draft."""
        if record.status == DraftStatus.ALLOWED:
            return f"{record.requester} is already allowed"
        requester = Requester(name=record.requester or "", profile_url=record.profile_url)
        lines = self.allow_person(requester, record.network or "", record)
        if record.status not in (
            DraftStatus.SENT,
            DraftStatus.SENDING,
        ):  # a sent reply stays recorded as sent
            lines.append(self.discard(record, status=DraftStatus.ALLOWED))
        return "\n".join(lines)

    def allow_person(
        self, requester: Requester, network: str, record: DraftRecord | RequestRecord
    ) -> list[str]:
        """The allowlist entry and the ``introgate/known`` label on the request's mail."""
        from introgate.people import KnownPeople

        KnownPeople(self.settings, self.store, self.backend).allow(requester, network)
        lines = [f"{requester.name} ({network}) added to the allowlist"]
        notification = self.find_notification(record)
        if notification is not None:
            self.backend.add_label(notification, KNOWN_LABEL)
            lines.append(f"request labelled {KNOWN_LABEL} in {notification.folder}")
        else:
            lines.append("the request's notification was not found; no label added")
        return lines

    def restore(self, record: DraftRecord) -> str:
        """Take back a discard: the newest copy of the draft from Trash to Drafts, unsent.

        Moved before the ledger says "drafted", so a rerun after a crash finds it in
        Drafts and only records it.
        """
        name = short_id(record)
        if record.status == DraftStatus.DRAFTED and self.stored_copies(record):
            return f"draft {name} is in {self._drafts_folder()}"
        if record.status not in (DraftStatus.DISMISSED, DraftStatus.ALLOWED, DraftStatus.DRAFTED):
            raise IntrogateError(f"draft {name} was {record.status}; nothing to take back")
        if not self.stored_copies(record):
            trash = self.backend.folder_for(FolderRole.TRASH)
            trashed = self._copies_in(trash, record)
            if not trashed:
                raise IntrogateError(f"draft {name} is neither in Drafts nor in {trash}")
            newest = max(trashed, key=lambda copy: _revision(copy[1]))
            self.backend.move(newest[0], self._drafts_folder())
        self.store.drafts.set_status(record.draft_id, DraftStatus.DRAFTED)
        self.store.audit.record(self.account, None, "draft_restored", {"draft_id": record.draft_id})
        log.info("draft %s back in Drafts", name)
        return f"draft {name} back in {self._drafts_folder()}"

    # -- edit -------------------------------------------------------------------

    def question(self, record: DraftRecord) -> Question | None:
        """The question as it is in Drafts now, and whom it would be sent to."""
        found = self.settle_copies(record)
        if found is None:
            return None
        message = found[1]
        return Question(instructions.split(message)[1], tuple(_recipients(message)))

    def settle_copies(self, record: DraftRecord) -> tuple[MessageRef, EmailMessage] | None:
        """The draft in Drafts, after finishing an edit a crash interrupted.

        An edit stores the new draft before it removes the old one; a crash in between
        leaves both, and the lower revisions go to Trash here (never deleted).
        """
        copies = self._copies_in(self._drafts_folder(), record)
        if not copies:
            return None
        newest = max(_revision(message) for _, message in copies)
        for ref, message in copies:
            if _revision(message) < newest:
                self.backend.remove_draft(ref)
                log.info("draft %s: an earlier revision went to Trash", short_id(record))
        return next((ref, m) for ref, m in reversed(copies) if _revision(m) == newest)

    def edit(self, record: DraftRecord, question: str) -> str:
        """Replace the draft's question: the edited draft is stored, then the old one goes.

        The user's mail client sees one draft (same Message-ID, next revision), never two:
        a crash between the two steps is finished by ``settle_copies`` on the next look.
        """
        name = short_id(record)
        if record.status != DraftStatus.DRAFTED:
            raise IntrogateError(f"draft {name} is {record.status}; only a waiting draft changes")
        text = "\n".join(line.rstrip() for line in question.replace("\r\n", "\n").splitlines())
        if not text.strip():
            raise IntrogateError(f"draft {name}: the question is empty; use Ignore instead")
        if len(text) > MAX_QUESTION_CHARS:
            raise IntrogateError(f"draft {name}: longer than {MAX_QUESTION_CHARS} characters")
        found = self.settle_copies(record)
        if found is None:
            raise IntrogateError(f"draft {name} is no longer in {self._drafts_folder()}")
        ref, message = found
        if instructions.split(message)[1].rstrip("\n") == text.rstrip("\n"):
            return f"draft {name} unchanged"
        replacement = instructions.with_question(message, text.rstrip("\n") + "\n")
        revision = _revision(message) + 1
        del replacement[REVISION_HEADER]
        replacement[REVISION_HEADER] = str(revision)
        self.backend.append(
            self._drafts_folder(), replacement.as_bytes(policy=policy.SMTP), flags=[DRAFT, SEEN]
        )
        self.backend.remove_draft(ref)  # to Trash: that message, found by its own ref
        self.store.audit.record(
            self.account, ref, "draft_edited", {"draft_id": record.draft_id, "revision": revision}
        )
        log.info("draft %s edited (revision %d)", name, revision)
        return f"draft {name} updated in {self._drafts_folder()}"

    def _copies_in(self, folder: str, record: DraftRecord) -> list[tuple[MessageRef, EmailMessage]]:
        refs = self.backend.find_by_message_id(folder, record.draft_id)
        if not refs:
            refs = self.backend.find_by_header(folder, REQUEST_HEADER, record.request_id)
        copies = []
        for ref in refs:
            message = self._load(ref)
            if message is not None:
                copies.append((ref, message))
        return copies

    def _follow(self, record: DraftRecord, cause: str) -> None:
        """The request moves with its draft at once (a pass would move it later)."""
        request = self.store.requests.get(record.request_id)
        draft = self.store.drafts.get(record.draft_id)
        if request is not None and draft is not None:
            follow_draft(self.store, request, draft, cause)

    # -- send -------------------------------------------------------------------

    def send(self, record: DraftRecord, *, resend: bool = False) -> str:
        """Send the draft as it is in Drafts now (the user may have edited it)."""
        name = short_id(record)
        if record.status == DraftStatus.SENT:
            raise IntrogateError(f"draft {name} was already sent")
        if record.status not in (DraftStatus.DRAFTED, DraftStatus.SENDING):
            raise IntrogateError(f"draft {name} is {record.status}; nothing to send")
        if self.settings.smtp is None:
            raise IntrogateError("no [smtp] section in the configuration: cannot send")
        refs = self.stored_copies(record)
        sent_folder = self.backend.folder_for(FolderRole.SENT)
        if record.status == DraftStatus.SENDING and not resend:
            if self.backend.find_by_message_id(sent_folder, record.draft_id):
                self._finish_sent(record, refs)
                return f"draft {name} had been sent already (found in {sent_folder}); recorded"
            raise IntrogateError(
                f"an earlier send of draft {name} was interrupted and may have gone out; "
                f"check with the recipient, then run 'introgate drafts send {name} --resend'"
            )
        if not refs:
            raise IntrogateError(
                f"draft {name} is no longer in {self._drafts_folder()} "
                "(sent or deleted from your mail client?)"
            )
        message = self._load(refs[0])
        if message is None:
            raise IntrogateError(f"draft {name} could not be read from {self._drafts_folder()}")
        recipients = _recipients(message)
        if not recipients:
            raise IntrogateError(
                f"draft {name} has no recipient: answer {record.requester} on "
                f"{self.network_label(record)} instead: "
                f"{_network_link(message, record)}"
            )
        robots = [r for r in recipients if is_robot_address(r)]
        if robots:
            raise IntrogateError(
                f"draft {name} is addressed to {', '.join(robots)}, which no person reads; "
                "change the recipient in your mail client first"
            )
        left_out = instructions.strip(message)
        self.store.drafts.set_status(record.draft_id, DraftStatus.SENDING)
        sent_at = format_datetime(datetime.now(UTC))
        if message["Date"] is None:
            message["Date"] = sent_at
        else:
            message.replace_header("Date", sent_at)
        try:
            refused = send_message(self.settings.smtp, message, smtp_signin(self.settings))
        except IntrogateError:
            self.store.drafts.set_status(record.draft_id, DraftStatus.DRAFTED)  # nothing went out
            raise
        self.backend.append(sent_folder, message.as_bytes(policy=policy.SMTP), flags=[SEEN])
        self._finish_sent(record, refs)
        delivered = [r for r in recipients if r not in refused]
        text = f"draft {name} sent to {', '.join(delivered)}; copy stored in {sent_folder}"
        if left_out:
            text += "; introgate's lines for you above the text were left out"
        if refused:
            text += f"; the server REFUSED {', '.join(refused)} (not sent to them)"
        return text

    def _finish_sent(self, record: DraftRecord, refs: list[MessageRef]) -> None:
        for ref in refs:
            self.backend.remove_draft(ref)
        self.store.drafts.set_status(record.draft_id, DraftStatus.SENT)
        self._follow(record, SENT_BY_MAIL)
        self.store.audit.record(
            self.account, None, "draft_sent", {"draft_id": record.draft_id, "via": "smtp"}
        )
        log.info("draft %s sent", short_id(record))


def _revision(message: EmailMessage) -> int:
    value = str(message.get(REVISION_HEADER, "0")).strip()
    return int(value) if value.isdigit() else 0


def _recipients(message: Message) -> list[str]:
    values = [str(v) for name in ("To", "Cc", "Bcc") for v in message.get_all(name) or []]
    return [addr for _, addr in getaddresses(values) if addr]


def _body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    if part is None:
        return ""
    assert isinstance(part, EmailMessage)
    content = part.get_content()
    return content if isinstance(content, str) else ""


def _network_link(message: EmailMessage, record: DraftRecord) -> str:
    first_line = _body_text(message).lstrip().split("\n", 1)[0]
    match = _FIRST_URL.match(first_line)
    return match.group(0) if match else (record.profile_url or "(no link known)")


def _as_text(message: EmailMessage) -> str:
    lines = []
    for name in ("From", "To", "Subject", "Date"):
        value = message.get(name)
        if value is not None:
            lines.append(f"{name}: {one_line(str(value), limit=500)}")
    return "\n".join(lines) + "\n\n" + paragraphs(_body_text(message), limit=100_000)
