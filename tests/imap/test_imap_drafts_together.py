"""The drafts of a pass go to the server together (MULTIAPPEND) and still exist exactly once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from introgate.backends.imap import ImapBackend
from introgate.config import FolderSettings, Settings, load_settings
from introgate.drafts.drafter import Drafter
from introgate.mail import DRAFT, SEEN
from introgate.pipeline import Engine, PassReport
from introgate.state import ProcessedStatus, SqliteStore
from introgate.state.sqlite.messages import SqliteProcessedMessages

from .conftest import imap_settings, plain_message, request, running_dovecot, write_imap_config
from .dovecot import Dovecot
from .test_imap_capabilities import BASE
from .test_imap_pipeline import mailbox, message_ids, mid_of


@pytest.fixture
def without_multiappend() -> Iterator[Dovecot]:
    yield from running_dovecot(capabilities=f"{BASE} UIDPLUS MOVE")


def drafts(count: int) -> list[bytes]:
    return [plain_message(subject=f"draft {n}", message_id=f"<d{n}@x>") for n in range(count)]


def stored_once(server: Dovecot, sent: list[bytes]) -> bool:
    box = mailbox(server)
    return message_ids(box, "Drafts") == Counter(mid_of(raw) for raw in sent) and all(
        flags == {DRAFT, SEEN} for _mid, flags in box["Drafts"]
    )


def test_a_batch_of_drafts_is_one_command_where_the_server_has_multiappend(
    dovecot: Dovecot,
) -> None:
    sent = drafts(7)
    with ImapBackend("t", imap_settings(dovecot), FolderSettings()) as backend:
        assert b"MULTIAPPEND" in backend.capabilities
        backend.append("Drafts", sent[0], [DRAFT, SEEN])  # the folder exists from here on
        before = backend.commands_sent
        assert backend.append_many("Drafts", sent[1:], [DRAFT, SEEN]) == {}
        assert backend.commands_sent - before == 1
    assert stored_once(dovecot, sent)


def test_without_multiappend_each_draft_is_its_own_append(without_multiappend: Dovecot) -> None:
    sent = drafts(7)
    with ImapBackend("t", imap_settings(without_multiappend), FolderSettings()) as backend:
        assert b"MULTIAPPEND" not in backend.capabilities
        backend.append("Drafts", sent[0], [DRAFT, SEEN])
        before = backend.commands_sent
        assert backend.append_many("Drafts", sent[1:], [DRAFT, SEEN]) == {}
        assert backend.commands_sent - before == 6
    assert stored_once(without_multiappend, sent)


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing in the pass catches it."""


def run(settings: Settings) -> tuple[PassReport, int]:
    """A pass over a fresh connection; its report and the IMAP commands it sent."""
    account = settings.accounts[0]
    assert account.imap is not None
    backend = ImapBackend(account.name, account.imap, account.folders)
    backend.connect()
    try:
        with SqliteStore(settings.state.path) as store:
            report = Engine.load(settings).run(account, backend, store)
        return report, backend.commands_sent
    finally:
        backend.close()


def settings_for(server: Dovecot, tmp_path: Path) -> Settings:
    return load_settings(write_imap_config(tmp_path / "introgate.toml", server))


def second_call_dies(real: Any, dies: Any) -> Any:
    """``real``, except that its second call for which ``dies(kwargs)`` holds crashes.

    A pass changes its first decided message alone and then windows of 2, 4 ...: the
    second call is the first of a window of two requests, whose drafts went together.
    """
    calls = 0

    def dying(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        if dies(kwargs):
            calls += 1
            if calls == 2:
                raise Crash
        return real(*args, **kwargs)

    return dying


@pytest.mark.parametrize(
    ("target", "name", "dies", "left_in_inbox"),
    [
        # the two drafts are stored, their ledger rows not written, nothing moved
        (Drafter, "record_stored", lambda kwargs: True, 5),
        # the two drafts are stored and recorded, the two messages moved, not marked done
        (
            SqliteProcessedMessages,
            "record",
            lambda kwargs: kwargs.get("status") == ProcessedStatus.DONE,
            3,
        ),
    ],
    ids=["after-the-multiappend", "before-the-done-rows"],
)
def test_a_crash_after_storing_drafts_together_leaves_each_draft_once(
    dovecot: Dovecot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    target: type,
    name: str,
    dies: Any,
    left_in_inbox: int,
) -> None:
    requests = [request(n) for n in range(6)]
    for raw in requests:
        dovecot.deliver(raw)
    settings = settings_for(dovecot, tmp_path)
    with monkeypatch.context() as patch:
        patch.setattr(target, name, second_call_dies(getattr(target, name), dies))
        with pytest.raises(Crash):
            run(settings)
    box = mailbox(dovecot)
    assert (len(box["Drafts"]), len(box["INBOX"])) == (3, left_in_inbox)
    resumed, _commands = run(settings)
    box = mailbox(dovecot)
    drafts_stored = message_ids(box, "Drafts")
    assert (len(drafts_stored), set(drafts_stored.values())) == (6, {1})
    assert {mid_of(raw) for raw in requests} == {mid for mid, _ in box["Archive"]}
    assert box["INBOX"] == []
    assert resumed.failed == 0
    with SqliteStore(settings.state.path) as store:
        assert store.messages.pending("work") == []
        assert sorted(d.draft_id for d in store.drafts.records()) == sorted(drafts_stored)


def test_a_pass_with_multiappend_sends_one_append_per_window_instead_of_per_draft(
    dovecot: Dovecot, without_multiappend: Dovecot, tmp_path: Path
) -> None:
    sent: dict[str, int] = {}
    for server, label in ((dovecot, "multiappend"), (without_multiappend, "one by one")):
        for n in range(8):
            server.deliver(request(n))
        folder = tmp_path / label.replace(" ", "-")
        folder.mkdir()
        report, sent[label] = run(settings_for(server, folder))
        assert (report.drafted, report.failed) == (8, 0)
        assert len(mailbox(server)["Drafts"]) == 8
    # the pass changes its decided messages in windows of 1, 2, 4 and the last 1: one
    # APPEND per window instead of one per draft
    assert sent["one by one"] - sent["multiappend"] == 8 - 4
