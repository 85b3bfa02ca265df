"""Draft status follows the user's mail client: sent from there, or deleted there."""

from __future__ import annotations

from introgate.backends.maildir import MaildirBackend
from introgate.config import Settings
from introgate.drafts import Drafter, DraftOrder
from introgate.drafts.sync import sync_draft_status
from introgate.mail import MessageRef
from introgate.state import SqliteStore
from tests.drafts.drafts_kit import Deliver, drafts_in


def only_draft(maildir: MaildirBackend) -> MessageRef:
    [ref] = maildir.scan("Drafts", None).refs
    return ref


def statuses(store: SqliteStore) -> list[tuple[str | None, str]]:
    return [(record.requester, record.status) for record in store.drafts.records()]


def test_a_draft_still_in_drafts_stays_drafted(
    settings: Settings,
    store: SqliteStore,
    maildir: MaildirBackend,
    drafter: Drafter,
    deliver: Deliver,
) -> None:
    drafter.ensure_draft(deliver("Eva Example"), DraftOrder(), dry_run=False)
    assert sync_draft_status(settings, store, maildir, "test") == {}
    assert statuses(store) == [("Eva Example", "drafted")]


def test_a_draft_the_client_moved_to_sent_is_recorded_as_sent(
    settings: Settings,
    store: SqliteStore,
    maildir: MaildirBackend,
    drafter: Drafter,
    deliver: Deliver,
) -> None:
    outcome = drafter.ensure_draft(deliver("Eva Example"), DraftOrder(), dry_run=False)
    maildir.move(only_draft(maildir), "Sent")
    assert sync_draft_status(settings, store, maildir, "test") == {str(outcome.draft_id): "sent"}
    assert statuses(store) == [("Eva Example", "sent")]


def test_a_draft_sent_under_a_new_message_id_is_found_by_its_request_header(
    settings: Settings,
    store: SqliteStore,
    maildir: MaildirBackend,
    drafter: Drafter,
    deliver: Deliver,
) -> None:
    drafter.ensure_draft(deliver("Eva Example"), DraftOrder(), dry_run=False)
    [path] = drafts_in(maildir)
    rewritten = path.read_bytes().replace(b"Message-ID: <introgate.", b"Message-ID: <client.")
    maildir.append("Sent", rewritten)
    maildir.move(only_draft(maildir), "Trash")
    sync_draft_status(settings, store, maildir, "test")
    assert statuses(store) == [("Eva Example", "sent")]


def test_a_draft_the_user_deleted_is_recorded_as_dismissed(
    settings: Settings,
    store: SqliteStore,
    maildir: MaildirBackend,
    drafter: Drafter,
    deliver: Deliver,
) -> None:
    eva = drafter.ensure_draft(deliver("Eva Example"), DraftOrder(), dry_run=False)
    drafter.ensure_draft(deliver("Tom Other", "tom"), DraftOrder(), dry_run=False)
    [ref] = maildir.find_by_message_id("Drafts", str(eva.draft_id))
    [path] = [p for p in drafts_in(maildir) if p.name.startswith(ref.key)]
    path.unlink()  # what the user's mail client does on delete-and-expunge
    sync_draft_status(settings, store, maildir, "test")
    assert sorted(statuses(store)) == [("Eva Example", "dismissed"), ("Tom Other", "drafted")]
    assert sync_draft_status(settings, store, maildir, "test") == {}


def test_a_draft_the_client_saved_again_under_a_new_message_id_stays_drafted(
    settings: Settings,
    store: SqliteStore,
    maildir: MaildirBackend,
    drafter: Drafter,
    deliver: Deliver,
) -> None:
    drafter.ensure_draft(deliver("Eva Example"), DraftOrder(), dry_run=False)
    [path] = drafts_in(maildir)
    resaved = path.read_bytes().replace(b"Message-ID: <introgate.", b"Message-ID: <client.")
    path.unlink()
    maildir.append("Drafts", resaved)
    assert sync_draft_status(settings, store, maildir, "test") == {}
    assert statuses(store) == [("Eva Example", "drafted")]
