"""Drafting: one draft per request whatever happens, one question per person in a while."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from introgate.backends.maildir import MaildirBackend
from introgate.config import Settings
from introgate.drafts import Drafter, DraftOrder
from introgate.people import KnownPeople
from introgate.state import DraftRecord, SqliteStore
from introgate.state.sqlite.drafts import SqliteDraftLedger
from tests.drafts.drafts_kit import Deliver, body_of, drafts_in, read_message

ORDER = DraftOrder()
Audited = Callable[[], list[tuple[str, str]]]


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_draft_lands_in_drafts_with_draft_flag_and_in_the_ledger(
    drafter: Drafter,
    deliver: Deliver,
    maildir: MaildirBackend,
    store: SqliteStore,
    audited: Audited,
) -> None:
    facts = deliver("Eva Example", language="en")
    outcome = drafter.ensure_draft(facts, ORDER, dry_run=False)
    assert outcome.status == "created"
    [path] = drafts_in(maildir)
    assert path.parent == maildir.root / ".Drafts" / "cur"
    assert path.name.endswith(":2,DS")
    message = read_message(path)
    assert message["Message-ID"] == outcome.draft_id
    record = store.drafts.get(str(outcome.draft_id))
    assert record is not None
    assert (record.status, record.requester, record.language, record.network) == (
        "drafted",
        "Eva Example",
        "en",
        "linkedin",
    )
    assert record.notification_message_id == facts.message_id
    assert audited() == [("test", "draft")]


def test_message_id_is_derived_from_account_and_request(
    drafter: Drafter, deliver: Deliver, settings: Settings, store: SqliteStore
) -> None:
    facts = deliver("Eva Example", handle="eva-example")
    outcome = drafter.ensure_draft(facts, ORDER, dry_run=False)
    material = f"test|linkedin|linkedin:linkedin.com/in/eva-example|{facts.message_id}"
    digest = hashlib.sha256(material.encode()).hexdigest()[:24]
    assert outcome.draft_id == f"<introgate.{digest}@introgate.invalid>"


def test_rerun_finds_the_draft_and_stores_no_second_one(
    drafter: Drafter, deliver: Deliver, maildir: MaildirBackend
) -> None:
    facts = deliver()
    first = drafter.ensure_draft(facts, ORDER, dry_run=False)
    second = drafter.ensure_draft(facts, ORDER, dry_run=False)
    assert (first.status, second.status) == ("created", "exists")
    assert second.draft_id == first.draft_id
    assert len(drafts_in(maildir)) == 1


class CrashBeforeRecording(SqliteStore):
    """The process dies after the draft is in Drafts and before the ledger row is written."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.drafts = DyingLedger(self._db)


class DyingLedger(SqliteDraftLedger):
    def add(self, draft: DraftRecord) -> None:
        raise KeyboardInterrupt("power cut")


def test_crash_between_storing_and_recording_yields_one_draft(
    settings: Settings,
    deliver: Deliver,
    maildir: MaildirBackend,
    known: KnownPeople,
) -> None:
    facts = deliver()
    with CrashBeforeRecording(settings.state.path) as crashing:
        doomed = Drafter(settings, crashing, maildir, "test", known)
        with pytest.raises(KeyboardInterrupt):
            doomed.ensure_draft(facts, ORDER, dry_run=False)
    assert len(drafts_in(maildir)) == 1

    with SqliteStore(settings.state.path) as store:
        assert store.drafts.records() == []
        again = Drafter(settings, store, maildir, "test", known)
        outcome = again.ensure_draft(facts, ORDER, dry_run=False)
        assert outcome.status == "exists"
        assert len(drafts_in(maildir)) == 1
        record = store.drafts.get(str(outcome.draft_id))
        assert record is not None
        assert (record.status, record.language, record.subject) == (
            "drafted",
            "en",
            "Eva Example – your connection request on LinkedIn",
        )
        assert again.ensure_draft(facts, ORDER, dry_run=False).status == "exists"
    assert len(drafts_in(maildir)) == 1


def test_dry_run_changes_nothing(
    drafter: Drafter,
    deliver: Deliver,
    maildir: MaildirBackend,
    store: SqliteStore,
    audited: Audited,
) -> None:
    facts = deliver()
    before = tree(maildir.root)
    outcome = drafter.ensure_draft(facts, ORDER, dry_run=True)
    assert (outcome.status, outcome.language) == ("would_create", "en")
    assert tree(maildir.root) == before
    assert store.drafts.records() == []
    assert audited() == []


def test_same_person_is_asked_once_across_requests_and_networks(
    drafter: Drafter, deliver: Deliver, maildir: MaildirBackend
) -> None:
    first = drafter.ensure_draft(deliver("Eva Example"), ORDER, dry_run=False)
    second_request = drafter.ensure_draft(deliver("Eva Example"), ORDER, dry_run=False)
    # the same name on another network, with case and accents folded: the same person
    on_xing = drafter.ensure_draft(
        deliver(
            "Eva Example",
            "Eva_Example",
            network="xing",
            language="de",
            recognised_name="ÉVA  example",
        ),
        ORDER,
        dry_run=False,
    )
    # a namesake with another profile on the same network: someone else
    namesake = drafter.ensure_draft(deliver("Eva Example", "other-handle"), ORDER, dry_run=False)
    someone_else = drafter.ensure_draft(deliver("Tom Other", "tom"), ORDER, dry_run=False)
    assert [o.status for o in (first, second_request, on_xing, namesake, someone_else)] == [
        "created",
        "recently_asked",
        "recently_asked",
        "created",
        "created",
    ]
    assert len(drafts_in(maildir)) == 3


def test_same_profile_under_a_new_name_is_still_the_same_person(
    drafter: Drafter, deliver: Deliver
) -> None:
    drafter.ensure_draft(deliver("Eva Example", "eva-example"), ORDER, dry_run=False)
    renamed = deliver("Eva Example-Smith", "eva-example")
    assert drafter.ensure_draft(renamed, ORDER, dry_run=False).status == "recently_asked"


def test_without_a_window_a_second_request_is_drafted(drafter: Drafter, deliver: Deliver) -> None:
    always = DraftOrder(once_per_person_days=None)
    assert drafter.ensure_draft(deliver("Eva Example"), always, dry_run=False).status == "created"
    assert drafter.ensure_draft(deliver("Eva Example"), always, dry_run=False).status == "created"


def test_a_message_without_a_request_gets_no_draft(
    drafter: Drafter, deliver: Deliver, maildir: MaildirBackend
) -> None:
    facts = deliver()
    facts.recognition = None
    assert drafter.ensure_draft(facts, ORDER, dry_run=False).status == "not_a_request"
    assert drafts_in(maildir) == []


@pytest.mark.parametrize(
    ("notification_language", "expected_language", "greeting"),
    [("de", "de", "Hallo Eva,"), ("en", "en", "Hi Eva,"), ("fr", "en", "Hi Eva,")],
)
def test_auto_language_answers_in_the_notifications_language_else_the_default(
    drafter: Drafter,
    deliver: Deliver,
    maildir: MaildirBackend,
    notification_language: str,
    expected_language: str,
    greeting: str,
) -> None:
    facts = deliver("Eva Example", language=notification_language)
    assert drafter.ensure_draft(facts, ORDER, dry_run=False).language == expected_language
    [path] = drafts_in(maildir)
    message = read_message(path)
    assert message["Content-Language"] == expected_language
    assert greeting in body_of(message)


def test_explicit_language_overrides_the_notification(
    drafter: Drafter, deliver: Deliver, maildir: MaildirBackend
) -> None:
    facts = deliver("Eva Example", language="en")
    outcome = drafter.ensure_draft(facts, DraftOrder(language="de"), dry_run=False)
    assert outcome.language == "de"
    [path] = drafts_in(maildir)
    assert read_message(path)["Subject"] == "Eva Example – Ihre Kontaktanfrage auf LinkedIn"


def test_no_draft_when_there_is_neither_an_address_nor_a_link_to_answer(
    drafter: Drafter, deliver: Deliver, maildir: MaildirBackend, store: SqliteStore
) -> None:
    facts = deliver("Eva Example")
    assert facts.recognition is not None
    [request] = facts.recognition.requests
    request.reply_link = None
    request.requester.profile_url = None
    outcome = drafter.ensure_draft(facts, ORDER, dry_run=False)
    assert (outcome.status, outcome.detail, outcome.reason) == (
        "no_reply_path",
        "no draft for Eva Example: no address known and no link to answer on the network",
        "no address known and no link to answer on the network",
    )
    assert drafts_in(maildir) == []
    assert store.drafts.records() == []
