"""Requests are followed in the state file: forward-only states, each change in a history."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from introgate.state import DraftRecord, DraftStatus, RequestRecord, RequestState, SqliteStore

T0 = "2026-11-01T09:00:00+00:00"


def a_request(request_id: str = "r1", **changes: object) -> RequestRecord:
    record = RequestRecord(
        request_id=request_id,
        account="main",
        network="linkedin",
        requester="Anna Schmidt",
        folded_name="anna schmidt",
        profile_key="linkedin.com/in/anna-schmidt-4b2a1",
        profile_url="https://www.linkedin.com/in/anna-schmidt-4b2a1/",
        address=None,
        note=None,
        source_folder="INBOX",
        source_key="k1",
        notification_message_id="<n1@linkedin.com>",
        draft_id=None,
        state=RequestState.NEW,
        requested_at=T0,
        asked_at=None,
        introduced_by=None,
        introduction=None,
        created_at=T0,
        updated_at=T0,
    )
    return replace(record, **changes)  # type: ignore[arg-type]


def test_request_moves_forward_and_every_change_is_in_its_history(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "s.db") as store:
        assert store.requests.add(a_request(), "recognised") is True
        assert store.requests.add(a_request(), "recognised again") is False
        assert store.requests.move(
            "r1", RequestState.ASKED, "drafted", at="2026-11-01T09:01:00+00:00"
        )
        assert store.requests.move(
            "r1",
            RequestState.INTRODUCED,
            "message",
            "same profile",
            at="2026-11-05T10:00:00+00:00",
            introduced_by="<m1@linkedin.com>",
            introduction="Hi, we met at the fair",
        )
    with SqliteStore(tmp_path / "s.db") as store:
        record = store.requests.get("r1")
        history = [
            (c.from_state, c.to_state, c.cause, c.detail) for c in store.requests.history("r1")
        ]
    assert record is not None
    assert (record.state, record.introduced_by, record.introduction) == (
        RequestState.INTRODUCED,
        "<m1@linkedin.com>",
        "Hi, we met at the fair",
    )
    assert history == [
        (None, RequestState.NEW, "recognised", None),
        (RequestState.NEW, RequestState.ASKED, "drafted", None),
        (RequestState.ASKED, RequestState.INTRODUCED, "message", "same profile"),
    ]


def test_a_state_never_goes_back_and_repeating_a_change_writes_nothing(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "s.db") as store:
        store.requests.add(a_request(), "recognised")
        store.requests.move("r1", RequestState.QUESTION_SENT, "sent")
        refused = [
            store.requests.move("r1", RequestState.ASKED, "late draft"),
            store.requests.move("r1", RequestState.QUESTION_SENT, "sent again"),
            store.requests.move("unknown", RequestState.ASKED, "drafted"),
        ]
        store.requests.move("r1", RequestState.NO_ANSWER, "expired")
        late = store.requests.move("r1", RequestState.INTRODUCED, "message")
        after_end = store.requests.move("r1", RequestState.NO_ANSWER, "expired")
        states = [c.to_state for c in store.requests.history("r1")]
    assert (refused, late, after_end) == ([False, False, False], True, False)
    assert states == [
        RequestState.NEW,
        RequestState.QUESTION_SENT,
        RequestState.NO_ANSWER,
        RequestState.INTRODUCED,
    ]


def test_requests_are_listed_by_state_network_and_date(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "s.db") as store:
        store.requests.add(a_request("r1"), "recognised")
        store.requests.add(
            a_request("r2", network="xing", requested_at="2026-11-10T09:00:00+00:00"), "recognised"
        )
        store.requests.add(a_request("r3", requested_at="2026-11-12T09:00:00+00:00"), "recognised")
        store.requests.move("r3", RequestState.ASKED, "drafted")
        ids = {
            "all": [r.request_id for r in store.requests.records()],
            "new": [r.request_id for r in store.requests.records(frozenset({RequestState.NEW}))],
            "linkedin": [r.request_id for r in store.requests.records(network="LinkedIn")],
            "since": [r.request_id for r in store.requests.records(since="2026-11-05")],
            "prefix": [r.request_id for r in store.requests.find("r")],
        }
    assert ids == {
        "all": ["r1", "r2", "r3"],
        "new": ["r1", "r2"],
        "linkedin": ["r1", "r3"],
        "since": ["r2", "r3"],
        "prefix": ["r1", "r2", "r3"],
    }


def a_draft(draft_id: str, request_id: str, status: DraftStatus, at: str) -> DraftRecord:
    return DraftRecord(
        draft_id=draft_id,
        request_id=request_id,
        account="main",
        person_key="name:anna schmidt",
        network="linkedin",
        requester="Anna Schmidt",
        profile_url=None,
        language="en",
        recipient=None,
        subject="Where do we know each other from?",
        notification_message_id="<n1@linkedin.com>",
        source_folder="INBOX",
        source_key="k1",
        status=status,
        created_at=at,
        updated_at=at,
    )


def test_states_and_newest_drafts_are_read_per_account_without_whole_records(
    tmp_path: Path,
) -> None:
    with SqliteStore(tmp_path / "s.db") as store:
        store.requests.add(a_request("r2", requested_at="2026-11-10T09:00:00+00:00"), "seen")
        store.requests.add(a_request("r1"), "recognised")
        store.requests.add(a_request("r3", account="other"), "recognised")
        store.requests.move("r2", RequestState.ASKED, "drafted")
        store.requests.attach_draft("r2", "<d2>", T0)
        store.drafts.add(a_draft("<d1-old>", "r1", DraftStatus.WITHDRAWN, T0))
        store.drafts.add(a_draft("<d1>", "r1", DraftStatus.SENT, "2026-11-02T09:00:00+00:00"))
        store.drafts.add(a_draft("<d2>", "r2", DraftStatus.DRAFTED, T0))
        waiting = frozenset({RequestState.NEW, RequestState.ASKED})
        assert list(store.requests.states("main", waiting).items()) == [
            ("r1", (RequestState.NEW, None)),
            ("r2", (RequestState.ASKED, "<d2>")),
        ]
        assert store.requests.states("main", frozenset({RequestState.KNOWN})) == {}
        assert store.drafts.newest_by_request("main") == {
            "r1": ("<d1>", DraftStatus.SENT),
            "r2": ("<d2>", DraftStatus.DRAFTED),
        }
        assert store.drafts.newest_by_request("other") == {}


def test_requests_already_in_the_drafts_ledger_get_records_when_the_store_upgrades(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    with SqliteStore(path) as store:
        for draft_id, status in [("<d1@x>", DraftStatus.DRAFTED), ("<d2@x>", DraftStatus.SENT)]:
            store.drafts.add(
                DraftRecord(
                    draft_id=draft_id,
                    request_id=f"req-{draft_id[2]}",
                    account="main",
                    person_key="name:anna schmidt",
                    network="LinkedIn",
                    requester="Anna Schmidt",
                    profile_url="https://www.linkedin.com/comm/in/anna-schmidt-4b2a1/?trk=x",
                    language="de",
                    recipient="anna@example.org",
                    subject="Woher kennen wir uns?",
                    notification_message_id="<n1@linkedin.com>",
                    source_folder="Archive",
                    source_key="k9",
                    status=status,
                    created_at=T0,
                    updated_at=T0,
                )
            )
    # the state file as an earlier version left it: no requests tables, migration not applied
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE request_history")
        db.execute("DROP TABLE requests")
        db.execute("DELETE FROM schema_migrations WHERE name LIKE '000%_request%'")
    with SqliteStore(path) as store:
        records = store.requests.records()
        causes = [store.requests.history(r.request_id)[0].cause for r in records]
    assert [
        (
            r.request_id,
            r.state,
            r.network,
            r.profile_key,
            r.folded_name,
            r.address,
            r.draft_id,
            r.source_folder,
        )
        for r in records
    ] == [
        (
            "req-1",
            RequestState.ASKED,
            "linkedin",
            "linkedin.com/in/anna-schmidt-4b2a1",
            "anna schmidt",
            "anna@example.org",
            "<d1@x>",
            "Archive",
        ),
        (
            "req-2",
            RequestState.QUESTION_SENT,
            "linkedin",
            "linkedin.com/in/anna-schmidt-4b2a1",
            "anna schmidt",
            "anna@example.org",
            "<d2@x>",
            "Archive",
        ),
    ]
    assert causes == ["from the drafts ledger (drafted)", "from the drafts ledger (sent)"]


def test_every_request_state_can_be_written_in_a_rule() -> None:
    from typing import get_args

    from introgate.rules.conditions.request_state import StateName

    assert set(get_args(StateName)) == {state.value for state in RequestState}
