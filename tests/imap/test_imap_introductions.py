"""Late introductions against a real Dovecot: a message after a bare request brings the
request back, withdraws the unsent question, and does so exactly once, even after kill -9."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

import pytest

from introgate.backends.imap import ImapBackend
from introgate.config import FolderSettings, Settings, load_settings
from introgate.demo import linkedin_message
from introgate.pipeline import Engine, PassReport
from introgate.state import DraftStatus, RequestState, SqliteStore

from .conftest import imap_settings, plain_message, request, write_imap_config
from .dovecot import Dovecot

Box = dict[str, list[tuple[str, frozenset[str]]]]
FOLDERS = ("INBOX", "Archive", "Drafts", "Trash")


def mid_of(raw: bytes) -> str:
    return " ".join(str(BytesHeaderParser().parsebytes(raw)["Message-ID"]).split())


def mailbox(server: Dovecot) -> Box:
    """Every folder's (Message-ID, flags) pairs, read over a fresh connection."""
    with ImapBackend("check", imap_settings(server), FolderSettings()) as backend:
        result = {}
        for folder in FOLDERS:
            items = backend.fetch_headers(backend.scan(folder, None).refs)
            result[folder] = [(mid_of(i.raw), i.flags) for i in items]
        return result


def run(
    settings: Settings, server: Dovecot, clock: Callable[[], datetime] | None = None
) -> PassReport:
    engine = Engine.load(settings)
    if clock is not None:
        engine.clock = clock
    with (
        SqliteStore(settings.state.path) as store,
        ImapBackend("work", imap_settings(server), FolderSettings()) as backend,
    ):
        return engine.run(settings.accounts[0], backend, store)


def request_states(settings: Settings) -> dict[str, RequestState]:
    with SqliteStore(settings.state.path) as store:
        return {r.requester: r.state for r in store.requests.records()}


def only_draft(settings: Settings) -> str:
    with SqliteStore(settings.state.path) as store:
        [draft] = store.drafts.records()
    return draft.draft_id


@pytest.fixture
def settings(dovecot: Dovecot, tmp_path: Path) -> Settings:
    return load_settings(write_imap_config(tmp_path / "introgate.toml", dovecot))


def asked(dovecot: Dovecot, settings: Settings) -> bytes:
    """A bare request from Person1 Example, archived with a question drafted."""
    stranger = request(1)
    dovecot.deliver(stranger)
    run(settings, dovecot)
    assert request_states(settings) == {"Person1 Example": RequestState.ASKED}
    return stranger


LATE = "Sorry for the bare request: we met at the Berlin meetup, I asked about your talk."


def test_a_late_message_brings_the_request_back_flagged_and_withdraws_the_question(
    dovecot: Dovecot, settings: Settings
) -> None:
    stranger = asked(dovecot, settings)
    draft_id = only_draft(settings)
    message = linkedin_message("Person1 Example", "person-1-example", LATE, language="en")
    dovecot.deliver(message.as_bytes())
    report = run(settings, dovecot)
    again = run(settings, dovecot)
    box = mailbox(dovecot)
    assert box == {
        "INBOX": [  # the restored request arrives back after the message
            (
                mid_of(message.as_bytes()),
                frozenset({"introgate/introduction", "$IntrogateHandled"}),
            ),
            (
                mid_of(stranger),
                frozenset(
                    {
                        "introgate/unexplained",
                        "introgate/introduced-later",
                        "\\Flagged",
                        "$IntrogateHandled",
                    }
                ),
            ),
        ],
        "Archive": [],
        "Drafts": [],
        "Trash": [(draft_id, frozenset({"\\Draft", "\\Seen"}))],
    }
    assert request_states(settings) == {"Person1 Example": RequestState.INTRODUCED}
    assert [len(report.follow_ups), len(again.follow_ups), again.decisions] == [1, 0, []]
    with SqliteStore(settings.state.path) as store:
        [record] = store.requests.records()
        assert store.drafts.get(draft_id).status is DraftStatus.WITHDRAWN  # type: ignore[union-attr]
    assert record.introduction == LATE


def test_a_question_already_sent_is_never_withdrawn(dovecot: Dovecot, settings: Settings) -> None:
    stranger = asked(dovecot, settings)
    draft_id = only_draft(settings)
    with SqliteStore(settings.state.path) as store:
        store.drafts.set_status(draft_id, DraftStatus.SENT)  # as `drafts send` records it
    dovecot.deliver(
        linkedin_message("Person1 Example", "person-1-example", LATE, language="en").as_bytes()
    )
    run(settings, dovecot)
    box = mailbox(dovecot)
    assert mid_of(stranger) in [mid for mid, _ in box["INBOX"]]
    assert (box["Drafts"], box["Trash"]) == ([(draft_id, frozenset({"\\Draft", "\\Seen"}))], [])
    with SqliteStore(settings.state.path) as store:
        [record] = store.requests.records()
        changes = [c.to_state for c in store.requests.history(record.request_id)]
    assert changes == [
        RequestState.NEW,
        RequestState.ASKED,
        RequestState.QUESTION_SENT,
        RequestState.INTRODUCED,
    ]


def test_an_email_reply_to_the_sent_question_is_an_introduction(
    dovecot: Dovecot, settings: Settings
) -> None:
    stranger = asked(dovecot, settings)
    draft_id = only_draft(settings)
    reply = plain_message(
        subject="Re: Where do we know each other from?",
        sender="person1@example.com",
        body="We met at the Berlin meetup!\n",
    )
    reply = reply.replace(b"Subject:", f"In-Reply-To: {draft_id}\nSubject:".encode(), 1)
    dovecot.deliver(reply)
    run(settings, dovecot)
    box = mailbox(dovecot)
    assert box["INBOX"] == [
        (mid_of(reply), frozenset({"introgate/introduction", "$IntrogateHandled"})),
        (
            mid_of(stranger),
            frozenset(
                {
                    "introgate/unexplained",
                    "introgate/introduced-later",
                    "\\Flagged",
                    "$IntrogateHandled",
                }
            ),
        ),
    ]
    with SqliteStore(settings.state.path) as store:
        [record] = store.requests.records()
        [*_, last] = store.requests.history(record.request_id)
    assert (last.to_state, last.detail) == (RequestState.INTRODUCED, "reply to the question")


def test_a_namesake_on_another_profile_does_not_match(dovecot: Dovecot, settings: Settings) -> None:
    stranger = asked(dovecot, settings)
    namesake = linkedin_message("Person1 Example", "person-1-other", LATE, language="en")
    dovecot.deliver(namesake.as_bytes())
    run(settings, dovecot)
    box = mailbox(dovecot)
    assert [mid for mid, _ in box["Archive"]] == [mid_of(stranger)]
    assert box["INBOX"] == [(mid_of(namesake.as_bytes()), frozenset())]
    assert request_states(settings) == {"Person1 Example": RequestState.ASKED}


def test_a_request_nobody_explains_ends_as_no_answer_and_stays_where_it_is(
    dovecot: Dovecot, settings: Settings
) -> None:
    stranger = asked(dovecot, settings)
    run(settings, dovecot, clock=lambda: datetime.now(UTC) + timedelta(days=20))
    assert request_states(settings) == {"Person1 Example": RequestState.ASKED}
    run(settings, dovecot, clock=lambda: datetime.now(UTC) + timedelta(days=22))
    box = mailbox(dovecot)
    assert box["Archive"] == [
        (
            mid_of(stranger),
            frozenset({"introgate/unexplained", "introgate/no-answer", "$IntrogateHandled"}),
        )
    ]
    assert request_states(settings) == {"Person1 Example": RequestState.NO_ANSWER}


KILLED_BETWEEN_RESTORE_AND_RECORD = """
import os, signal, sys
from introgate.state.sqlite.requests import SqliteRequestLedger
from introgate.backends.imap import ImapBackend
from introgate.config import FolderSettings, load_settings
from introgate.pipeline import Engine
from introgate.state import SqliteStore
from tests.imap.conftest import imap_settings

def killed(self, request_id, state):
    os.kill(os.getpid(), signal.SIGKILL)  # after the actions, before they are recorded

SqliteRequestLedger.mark_acted = killed
settings = load_settings(__import__("pathlib").Path(sys.argv[1]))
engine = Engine.load(settings)
with SqliteStore(settings.state.path) as store:
    backend = ImapBackend("work", engine.settings.accounts[0].imap, FolderSettings())
    with backend:
        engine.run(settings.accounts[0], backend, store)
"""


def test_killed_between_restore_and_record_a_rerun_leaves_everything_once(
    dovecot: Dovecot, settings: Settings, tmp_path: Path
) -> None:
    stranger = asked(dovecot, settings)
    draft_id = only_draft(settings)
    dovecot.deliver(
        linkedin_message("Person1 Example", "person-1-example", LATE, language="en").as_bytes()
    )
    assert settings.config_path is not None
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_BETWEEN_RESTORE_AND_RECORD, str(settings.config_path)],
        cwd=Path(__file__).resolve().parent.parent.parent,
        capture_output=True,
        check=False,
    )
    assert killed.returncode == -9, killed.stderr.decode()
    half = mailbox(dovecot)
    assert mid_of(stranger) in [m for m, _ in half["INBOX"]]
    assert half["Trash"] == [(draft_id, frozenset({"\\Draft", "\\Seen"}))]
    run(settings, dovecot)
    run(settings, dovecot)
    box = mailbox(dovecot)
    everywhere = [mid for folder in FOLDERS for mid, _ in box[folder]]
    assert everywhere.count(mid_of(stranger)) == 1
    assert everywhere.count(draft_id) == 1
    assert [m for m, _ in box["INBOX"]].count(mid_of(stranger)) == 1
    assert box["Trash"] == [(draft_id, frozenset({"\\Draft", "\\Seen"}))]
    with SqliteStore(settings.state.path) as store:
        [record] = store.requests.records()
    assert (record.state, record.acted_state) == (RequestState.INTRODUCED,) * 2


class SearchesRecorded(ImapBackend):
    """Notes each folder searched by Message-ID."""

    def __init__(self, server: Dovecot) -> None:
        super().__init__("work", imap_settings(server), FolderSettings())
        self.searched: list[str] = []

    def find_by_message_ids(self, folder: str, message_ids: Sequence[str]) -> dict[str, Any]:
        self.searched.append(folder)
        return super().find_by_message_ids(folder, message_ids)


def old_request(n: int, note: str | None) -> bytes:
    """A LinkedIn invitation of 60 days ago: past ``expire_after``, it ends as no answer."""
    from introgate.demo import linkedin_invitation

    return linkedin_invitation(
        f"Person{n} Example",
        f"person-{n}-example",
        "Consultant",
        language="en",
        note=note,
        minutes_ago=60 * 24 * 60,
    ).as_bytes()


def test_requests_whose_mail_stayed_in_the_inbox_are_followed_up_without_searching_it(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    # at the end of the first pass the noted ones (left in INBOX for the user to read)
    # expire and the no-answer rule labels them there; the bare ones are archived and asked
    noted = [old_request(n, f"Hi Alex, we met at the workshop in room {n}.") for n in range(3)]
    bare = [old_request(n, None) for n in range(3, 6)]
    for raw in noted + bare:
        dovecot.deliver(raw)
    settings = load_settings(write_imap_config(tmp_path / "introgate.toml", dovecot))
    backend = SearchesRecorded(dovecot)
    backend.connect()
    try:
        with SqliteStore(settings.state.path) as store:
            report = Engine.load(settings).run(settings.accounts[0], backend, store)
            unsettled = store.requests.unsettled("work")
    finally:
        backend.close()
    assert (report.failed, unsettled) == (0, [])
    assert backend.searched == ["Drafts", "Archive"]  # the drafts, then the archived requests
    assert request_states(settings) == {
        f"Person{n} Example": RequestState.NO_ANSWER if n < 3 else RequestState.ASKED
        for n in range(6)
    }
    box = mailbox(dovecot)
    no_answer = frozenset({"introgate/no-answer", "introgate/introduced", "$IntrogateHandled"})
    assert sorted(box["INBOX"]) == sorted((mid_of(raw), no_answer) for raw in noted)
    assert sorted(mid for mid, _ in box["Archive"]) == sorted(mid_of(raw) for raw in bare)
