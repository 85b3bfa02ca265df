"""Every action against a real Maildir: what it changes, and that a dry run changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from introgate.backends.maildir import MaildirBackend
from introgate.config import Settings
from introgate.demo import linkedin_invitation
from introgate.drafts import Drafter
from introgate.facts import MessageFacts, facts_from_headers
from introgate.mail import FLAGGED, SEEN
from introgate.people import KnownPeople
from introgate.recognition import Recogniser
from introgate.rules import ActionContext, ActionOutcome, RuleSet, load_rules
from introgate.state import SqliteStore


@pytest.fixture
def store(settings: Settings) -> SqliteStore:
    return SqliteStore(settings.state.path)


@pytest.fixture
def delivered(maildir: MaildirBackend, settings: Settings) -> MessageFacts:
    """A LinkedIn invitation without a note, in INBOX, recognised by the real recogniser."""
    raw = linkedin_invitation(
        "Jana Nováková", "jana-novakova", "Recruiter", language="de", note=None
    ).as_bytes()
    maildir.append("INBOX", raw)
    [ref] = maildir.scan("INBOX", None).refs
    facts = facts_from_headers(ref, raw)
    facts.recognition = Recogniser.load(settings).recognise(raw)
    assert facts.notification is not None
    return facts


def rules_with(settings: Settings, tmp_path: Path, then: str) -> RuleSet:
    path = tmp_path / "actions.toml"
    path.write_text(
        f'[[rule]]\nname = "act"\nwhen = {{ network = "linkedin" }}\nthen = {{ {then} }}\n'
    )
    return load_rules(
        settings.model_copy(
            update={
                "rules": settings.rules.model_copy(update={"use_shipped": False, "paths": [path]})
            }
        )
    )


def run(
    then: str,
    *,
    settings: Settings,
    tmp_path: Path,
    maildir: MaildirBackend,
    store: SqliteStore,
    facts: MessageFacts,
    dry_run: bool,
) -> list[ActionOutcome]:
    known = KnownPeople(settings, store, maildir)
    ctx = ActionContext(
        account="test",
        settings=settings,
        backend=maildir,
        store=store,
        drafter=Drafter(settings, store, maildir, "test", known),
        facts=facts,
        dry_run=dry_run,
    )
    evaluation = rules_with(settings, tmp_path, then).evaluate(facts)
    return [action.apply(ctx) for action in evaluation.actions]


def mailbox_state(maildir: MaildirBackend) -> dict[str, list[str]]:
    """Every file name in every folder: flags and keywords live in the names."""
    root = maildir.root if hasattr(maildir, "root") else None
    assert isinstance(root, Path)
    return {
        str(path.relative_to(root)): sorted(p.name for p in path.iterdir())
        for path in sorted(root.rglob("*"))
        if path.is_dir() and path.name in ("cur", "new")
    }


ACTIONS = {
    "label": ('label = "introgate/unexplained"', "label introgate/unexplained"),
    "flag": ("flag = true", "flagged"),
    "mark_read": ("mark_read = true", "marked read"),
    "move": ('move = "Sent"', "moved to Sent"),
    "archive": ("archive = true", "archived"),
}


@pytest.mark.parametrize("name", ACTIONS)
def test_a_dry_run_changes_neither_mailbox_nor_store(
    name: str,
    settings: Settings,
    tmp_path: Path,
    maildir: MaildirBackend,
    store: SqliteStore,
    delivered: MessageFacts,
    audited: Callable[[], list[tuple[str, str]]],
) -> None:
    before = mailbox_state(maildir)
    [outcome] = run(
        ACTIONS[name][0],
        settings=settings,
        tmp_path=tmp_path,
        maildir=maildir,
        store=store,
        facts=delivered,
        dry_run=True,
    )
    assert outcome.changed is False
    assert outcome.summary.startswith("would ")
    assert mailbox_state(maildir) == before
    assert audited() == []


def test_label_attaches_a_keyword(
    settings: Settings,
    tmp_path: Path,
    maildir: MaildirBackend,
    store: SqliteStore,
    delivered: MessageFacts,
) -> None:
    outcomes = run(
        'label = ["introgate/unexplained", "later"]',
        settings=settings,
        tmp_path=tmp_path,
        maildir=maildir,
        store=store,
        facts=delivered,
        dry_run=False,
    )
    assert [o.summary for o in outcomes] == ["label introgate/unexplained", "label later"]
    assert delivered.ref is not None
    assert maildir.labels_of(delivered.ref) == {"introgate/unexplained", "later"}


@pytest.mark.parametrize(("then", "flag"), [("flag = true", FLAGGED), ("mark_read = true", SEEN)])
def test_flag_and_mark_read_set_system_flags(
    then: str,
    flag: str,
    settings: Settings,
    tmp_path: Path,
    maildir: MaildirBackend,
    store: SqliteStore,
    delivered: MessageFacts,
) -> None:
    [outcome] = run(
        then,
        settings=settings,
        tmp_path=tmp_path,
        maildir=maildir,
        store=store,
        facts=delivered,
        dry_run=False,
    )
    assert outcome.changed is True
    assert delivered.ref is not None
    [item] = maildir.fetch_headers([delivered.ref])
    assert item.flags == {flag}


@pytest.mark.parametrize(
    ("then", "folder"), [('move = "Sent"', "Sent"), ("archive = true", "Archive")]
)
def test_move_and_archive_leave_the_message_in_exactly_one_folder(
    then: str,
    folder: str,
    settings: Settings,
    tmp_path: Path,
    maildir: MaildirBackend,
    store: SqliteStore,
    delivered: MessageFacts,
) -> None:
    [outcome] = run(
        then,
        settings=settings,
        tmp_path=tmp_path,
        maildir=maildir,
        store=store,
        facts=delivered,
        dry_run=False,
    )
    assert outcome.changed is True
    assert maildir.scan("INBOX", None).refs == []
    assert len(maildir.scan(folder, None).refs) == 1


def test_archiving_a_message_already_in_the_archive_changes_nothing(
    settings: Settings,
    tmp_path: Path,
    maildir: MaildirBackend,
    store: SqliteStore,
    delivered: MessageFacts,
) -> None:
    assert delivered.ref is not None
    maildir.move(delivered.ref, "Archive")
    [ref] = maildir.scan("Archive", None).refs
    delivered.ref = ref
    before = mailbox_state(maildir)
    [outcome] = run(
        "archive = true",
        settings=settings,
        tmp_path=tmp_path,
        maildir=maildir,
        store=store,
        facts=delivered,
        dry_run=False,
    )
    assert (outcome.changed, outcome.summary) == (False, "already in Archive")
    assert mailbox_state(maildir) == before


def test_draft_stores_one_reply_in_drafts_and_a_dry_run_stores_none(
    settings: Settings,
    tmp_path: Path,
    maildir: MaildirBackend,
    store: SqliteStore,
    delivered: MessageFacts,
) -> None:
    then = 'draft = { template = "ask-intro", language = "auto" }'
    [dry] = run(
        then,
        settings=settings,
        tmp_path=tmp_path,
        maildir=maildir,
        store=store,
        facts=delivered,
        dry_run=True,
    )
    assert (dry.changed, dry.summary, dry.detail["status"]) == (
        False,
        "would draft",
        "would_create",
    )
    assert maildir.scan("Drafts", None).refs == []
    assert store.drafts.records() == []

    [made] = run(
        then,
        settings=settings,
        tmp_path=tmp_path,
        maildir=maildir,
        store=store,
        facts=delivered,
        dry_run=False,
    )
    assert made.changed is True
    assert made.detail["language"] == "de"
    assert made.summary.startswith("draft ") and made.summary.endswith("…")
    assert len(maildir.scan("Drafts", None).refs) == 1
    [record] = store.drafts.records()
    assert record.draft_id == made.detail["draft_id"]

    [again] = run(
        then,
        settings=settings,
        tmp_path=tmp_path,
        maildir=maildir,
        store=store,
        facts=delivered,
        dry_run=False,
    )
    assert (again.changed, again.detail["status"]) == (False, "exists")
    assert len(maildir.scan("Drafts", None).refs) == 1


def test_acting_on_a_message_outside_a_mailbox_is_refused(
    settings: Settings,
    tmp_path: Path,
    maildir: MaildirBackend,
    store: SqliteStore,
    delivered: MessageFacts,
) -> None:
    delivered.ref = None
    with pytest.raises(ValueError, match="not in a mailbox"):
        run(
            "flag = true",
            settings=settings,
            tmp_path=tmp_path,
            maildir=maildir,
            store=store,
            facts=delivered,
            dry_run=False,
        )
