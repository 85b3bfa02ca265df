"""One pass over a Maildir: each message handled once, no duplicate after a crash, inert dry run."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from email.headerregistry import Address
from pathlib import Path
from typing import Any

import pytest

from introgate.backends.maildir import MaildirBackend
from introgate.config import Settings, load_settings
from introgate.demo import linkedin_invitation, ordinary
from introgate.drafts import Drafter, DraftOutcome, PreparedDraft
from introgate.mail import FLAGGED, MessageRef
from introgate.pipeline import Engine, PassReport
from introgate.state import ProcessedStatus, SqliteStore
from introgate.state.sqlite.messages import SqliteProcessedMessages


def deliver(backend: MaildirBackend, raw: bytes, name: str, age_days: float = 0) -> None:
    path = backend.root / "new" / name
    path.write_bytes(raw)
    if age_days:
        stamp = time.time() - age_days * 86400
        os.utime(path, (stamp, stamp))


def anna(**kwargs: object) -> bytes:
    options: dict[str, object] = {"language": "de", "note": None, "mutual": 3}
    options.update(kwargs)
    return linkedin_invitation(
        "Anna Schäfer",
        "anna-schaefer-7b21",
        "Projektleiterin",
        **options,  # type: ignore[arg-type]
    ).as_bytes()


def run(settings: Settings, backend: MaildirBackend, *, dry_run: bool = False) -> PassReport:
    engine = Engine.load(settings)
    with SqliteStore(settings.state.path) as store:
        return engine.run(settings.accounts[0], backend, store, dry_run=dry_run)


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def drafts_in(backend: MaildirBackend) -> list[Path]:
    return sorted((backend.root / ".Drafts" / "cur").iterdir())


def test_request_without_note_is_labelled_archived_and_drafted_once(
    settings: Settings, maildir: MaildirBackend
) -> None:
    deliver(maildir, anna(), "1.anna")
    report = run(settings, maildir)
    [decision] = report.decisions
    assert decision.notification is not None
    assert decision.notification.requester.name == "Anna Schäfer"
    assert [o.type for o in decision.outcomes] == ["label", "draft", "archive"]
    assert maildir.scan("INBOX", None).refs == []
    [archived] = maildir.scan("Archive", None).refs
    assert maildir.labels_of(archived) == {"introgate/unexplained", "$IntrogateHandled"}
    assert len(drafts_in(maildir)) == 1 and drafts_in(maildir)[0].name.endswith(":2,DS")
    again = run(settings, maildir)
    assert again.decisions == []
    assert len(drafts_in(maildir)) == 1


def test_ordinary_mail_is_left_exactly_as_it_is(
    settings: Settings, maildir: MaildirBackend
) -> None:
    mail = ordinary(Address("Jana", "jana", "kunde.example"), "Angebot", "Hallo Alex\n").as_bytes()
    deliver(maildir, mail, "1.jana")
    before = tree(maildir.root)
    report = run(settings, maildir)
    assert [d.outcomes for d in report.decisions] == [[]]
    assert tree(maildir.root) == before


def test_request_with_a_real_note_is_labelled_introduced_and_stays(
    settings: Settings, maildir: MaildirBackend
) -> None:
    deliver(maildir, anna(note="Hallo Alex, wir kennen uns vom Hamburger Workshop im Mai."), "1.a")
    report = run(settings, maildir)
    assert [o.summary for o in report.decisions[0].outcomes] == ["label introgate/introduced"]
    [ref] = maildir.scan("INBOX", None).refs
    assert maildir.labels_of(ref) == {"introgate/introduced", "$IntrogateHandled"}
    assert drafts_in(maildir) == []


def test_spoofed_request_is_flagged_suspicious_and_never_drafted(
    settings: Settings, maildir: MaildirBackend
) -> None:
    deliver(maildir, anna(authenticated=False), "1.spoof")
    report = run(settings, maildir)
    assert report.decisions[0].notification is not None
    assert report.decisions[0].notification.authenticated is False
    [ref] = maildir.scan("INBOX", None).refs
    assert maildir.labels_of(ref) == {"introgate/suspicious", "$IntrogateHandled"}
    assert FLAGGED in maildir.fetch_headers([ref])[0].flags
    assert drafts_in(maildir) == []


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing in the pass catches it."""


def crash_before_done_row(
    settings: Settings, maildir: MaildirBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pass that dies after every action but before writing the 'done' row."""
    real_record = SqliteProcessedMessages.record

    def dying_record(
        self: SqliteProcessedMessages, account: str, ref: MessageRef, **kwargs: Any
    ) -> None:
        if kwargs.get("status") == ProcessedStatus.DONE:
            raise Crash
        real_record(self, account, ref, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(SqliteProcessedMessages, "record", dying_record)
        with pytest.raises(Crash):
            run(settings, maildir)


def test_crash_after_actions_before_state_row_drafts_nothing_twice(
    settings: Settings, maildir: MaildirBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    deliver(maildir, anna(), "1.anna")
    crash_before_done_row(settings, maildir, monkeypatch)
    assert len(drafts_in(maildir)) == 1
    run(settings, maildir)
    assert len(drafts_in(maildir)) == 1
    assert len(maildir.scan("Archive", None).refs) == 1
    assert maildir.scan("INBOX", None).refs == []
    with SqliteStore(settings.state.path) as store:
        assert store.messages.pending("test") == []


def test_crash_between_draft_and_move_leaves_one_draft_and_finishes_the_move(
    settings: Settings, maildir: MaildirBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    deliver(maildir, anna(), "1.anna")

    def dying_move(self: MaildirBackend, ref: object, folder: str) -> None:
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(MaildirBackend, "move", dying_move)
        with pytest.raises(Crash):
            run(settings, maildir)
    assert len(drafts_in(maildir)) == 1
    assert len(maildir.scan("INBOX", None).refs) == 1
    run(settings, maildir)
    assert len(drafts_in(maildir)) == 1
    assert maildir.scan("INBOX", None).refs == []
    assert len(maildir.scan("Archive", None).refs) == 1


def test_crash_after_storing_drafts_together_before_recording_them_drafts_nothing_twice(
    settings: Settings, maildir: MaildirBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(6):
        raw = linkedin_invitation(
            f"Person{n} Beispiel", f"person-{n}", "Beraterin", language="de", note=None
        )
        deliver(maildir, raw.as_bytes(), f"{n}.request")
    real = Drafter.record_stored
    calls = 0

    def dying_record_stored(self: Drafter, prepared: PreparedDraft) -> DraftOutcome:
        # the first message is changed alone, then a window of two whose drafts go together
        nonlocal calls
        calls += 1
        if calls == 2:
            raise Crash
        return real(self, prepared)

    with monkeypatch.context() as patch:
        patch.setattr(Drafter, "record_stored", dying_record_stored)
        with pytest.raises(Crash):
            run(settings, maildir)
    assert len(drafts_in(maildir)) == 3
    with SqliteStore(settings.state.path) as store:
        assert len(store.drafts.records()) == 1
    report = run(settings, maildir)
    assert report.failed == 0
    assert len(drafts_in(maildir)) == 6
    assert maildir.scan("INBOX", None).refs == []
    with SqliteStore(settings.state.path) as store:
        assert len({d.draft_id for d in store.drafts.records()}) == 6
        assert store.messages.pending("test") == []


def test_dry_run_changes_neither_mailbox_nor_state(
    settings: Settings, maildir: MaildirBackend, audited: Callable[[], list[tuple[str, str]]]
) -> None:
    deliver(maildir, anna(), "1.anna")
    before = tree(maildir.root)
    report = run(settings, maildir, dry_run=True)
    assert [o.type for o in report.decisions[0].outcomes] == ["label", "draft", "archive"]
    assert all(not o.changed for o in report.decisions[0].outcomes)
    assert tree(maildir.root) == before
    with SqliteStore(settings.state.path) as store:
        assert store.messages.counts("test") == {}
        assert store.drafts.records() == []
    assert audited() == []
    assert len(run(settings, maildir).decisions) == 1


def test_a_malformed_message_does_not_stop_the_pass(
    settings: Settings, maildir: MaildirBackend
) -> None:
    hostile = (
        b"From: =?utf-8?b?!!!broken?= <invitations@linkedin.com>\r\n"
        b"X-LinkedIn-Template: email_m2m_invite_single_01\r\n"
        b'Content-Type: multipart/alternative; boundary="x"\r\n'
        b"Subject: =?x-unknown?q?=FF=FE?=\r\n\r\n--x\r\nContent-Type: text/plain; charset=bogus\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n@@@not base64@@@\r\n"
    )
    deliver(maildir, hostile, "1.hostile")
    deliver(maildir, anna(), "2.anna")
    report = run(settings, maildir)
    assert len(report.decisions) == 2
    assert report.decisions[1].notification is not None
    assert len(drafts_in(maildir)) == 1


def test_first_pass_skips_mail_older_than_backfill(
    write_config: Callable[..., Path], maildir: MaildirBackend
) -> None:
    path = write_config()
    path.write_text(path.read_text().replace('backfill = "all"', 'backfill = "30d"'))
    settings = load_settings(path)
    deliver(maildir, anna(), "1.old", age_days=60)
    deliver(maildir, anna(note=None, language="en"), "2.new")
    report = run(settings, maildir)
    assert (report.skipped, len(report.decisions)) == (1, 1)
    assert len(drafts_in(maildir)) == 1
    # the old one stays recorded as seen: later passes do not pick it up either
    assert run(settings, maildir).decisions == []


def test_dry_run_creates_no_folders(write_config: Callable[..., Path], tmp_path: Path) -> None:
    bare = MaildirBackend(tmp_path / "Maildir")
    bare.ensure_folder("INBOX")
    deliver(bare, anna(), "1.anna")
    before = tree(bare.root)
    report = run(load_settings(write_config()), bare, dry_run=True)
    assert [o.type for o in report.decisions[0].outcomes] == ["label", "draft", "archive"]
    assert tree(bare.root) == before
    assert sorted(p.name for p in bare.root.iterdir()) == ["cur", "new", "tmp"]


def test_interrupted_move_in_a_nested_folder_is_closed_on_the_next_pass(
    write_config: Callable[..., Path], maildir: MaildirBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config()
    path.write_text(path.read_text() + '[accounts.folders]\nwatch = ["Lists/in"]\n')
    settings = load_settings(path)
    maildir.append("Lists/in", anna())
    crash_before_done_row(settings, maildir, monkeypatch)
    for _ in range(2):
        run(settings, maildir)
    with SqliteStore(settings.state.path) as store:
        assert store.messages.pending("test") == []
        assert store.messages.counts("test") == {"done": 1}
    assert len(drafts_in(maildir)) == 1


@pytest.fixture
def no_retry_spacing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries normally wait 10 minutes; these tests run the next pass at once."""
    monkeypatch.setattr("introgate.state.messages.RETRY_SPACING", timedelta(0))


def test_a_failed_action_waits_before_it_is_retried(
    settings: Settings, maildir: MaildirBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    deliver(maildir, anna(), "1.anna")

    def full_disk(self: MaildirBackend, ref: object, folder: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(MaildirBackend, "move", full_disk)
    assert len(run(settings, maildir).decisions) == 1
    assert run(settings, maildir).decisions == []  # within the retry spacing: not yet


@pytest.mark.usefixtures("no_retry_spacing")
def test_a_failed_action_is_retried_on_later_passes_a_few_times(
    settings: Settings, maildir: MaildirBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    deliver(maildir, anna(), "1.anna")
    real_move = MaildirBackend.move

    def full_disk(self: MaildirBackend, ref: object, folder: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(MaildirBackend, "move", full_disk)
    first = run(settings, maildir)
    assert first.decisions[0].error == "action archive: OSError: [Errno 28] No space left on device"
    assert len(maildir.scan("INBOX", None).refs) == 1
    monkeypatch.setattr(MaildirBackend, "move", real_move)
    second = run(settings, maildir)
    assert [d.error for d in second.decisions] == [None]
    assert maildir.scan("INBOX", None).refs == []
    assert len(drafts_in(maildir)) == 1


@pytest.mark.usefixtures("no_retry_spacing")
def test_a_lasting_failure_stops_being_retried(
    settings: Settings, maildir: MaildirBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    deliver(maildir, anna(), "1.anna")

    def broken(self: MaildirBackend, ref: object, folder: str) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(MaildirBackend, "move", broken)
    tries = [len(run(settings, maildir).decisions) for _ in range(5)]
    assert tries == [1, 1, 1, 0, 0]
    assert len(drafts_in(maildir)) == 1


DIGEST = Path(__file__).parent / "fixtures" / "linkedin" / "digest-en-multipart.eml"


def test_a_digest_drafts_one_reply_per_person_and_archives_once(
    settings: Settings, maildir: MaildirBackend
) -> None:
    deliver(maildir, DIGEST.read_bytes(), "1.digest")
    [decision] = run(settings, maildir).decisions
    assert decision.request_count == 3
    assert [o.type for o in decision.outcomes] == ["label", "draft", "draft", "draft", "archive"]
    assert len(drafts_in(maildir)) == 3
    [archived] = maildir.scan("Archive", None).refs
    assert maildir.labels_of(archived) == {"introgate/unexplained", "$IntrogateHandled"}


def test_a_digest_with_one_known_person_stays_in_the_inbox(
    write_config: Callable[..., Path], maildir: MaildirBackend, tmp_path: Path
) -> None:
    (tmp_path / "contacts.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Tom Becker\r\nEND:VCARD\r\n", encoding="utf-8"
    )
    path = write_config()
    path.write_text(path.read_text().replace("files = []", 'files = ["contacts.vcf"]'))
    deliver(maildir, DIGEST.read_bytes(), "1.digest")
    [decision] = run(load_settings(path), maildir).decisions
    assert sorted(o.summary.split(" ")[0] for o in decision.outcomes) == [
        "draft",
        "draft",
        "label",
        "label",
    ]
    [ref] = maildir.scan("INBOX", None).refs
    assert maildir.labels_of(ref) == {
        "introgate/unexplained",
        "introgate/known",
        "$IntrogateHandled",
    }
    assert len(drafts_in(maildir)) == 2


def test_json_log_has_one_object_per_decision_with_the_readable_line(
    settings: Settings, maildir: MaildirBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from introgate.logs import configure_logging

    configure_logging(json_lines=True)
    deliver(maildir, anna(), "1.anna")
    try:
        run(settings, maildir)
    finally:
        configure_logging()
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    [entry] = [line for line in lines if line["logger"] == "introgate.pipeline"]
    assert entry["message"].startswith(
        "linkedin request from Anna Schäfer: no note, unknown → label introgate/unexplained, draft "
    )
    assert entry["message"].endswith(", archived")
    assert (entry["message_key"], entry["requester"], entry["rules"]) == (
        "INBOX/1.anna",
        "Anna Schäfer",
        ["unexplained"],
    )


def test_an_interrupted_first_pass_keeps_the_backfill_age_until_it_completes(
    write_config: Callable[..., Path], maildir: MaildirBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("introgate.pipeline.CHUNK", 1)  # stop after the first message
    path = write_config()
    path.write_text(path.read_text().replace('backfill = "all"', 'backfill = "30d"'))
    settings = load_settings(path)
    deliver(maildir, anna(language="en"), "1.new")
    for n in range(3):
        deliver(maildir, anna(), f"{n + 2}.old", age_days=400)
    stop = threading.Event()
    engine = Engine.load(settings)
    with SqliteStore(settings.state.path) as store:
        stopping = engine.run(
            settings.accounts[0], maildir, store, stop=stop, progress=lambda *_: stop.set()
        )
    assert stopping.interrupted and stopping.skipped == 1  # two old mails are still to come
    second = run(settings, maildir)
    assert not second.interrupted
    assert [d.ref.key for d in second.decisions] == ["1.new"]
    assert len(drafts_in(maildir)) == 1  # only the new request, never the 400-day-old ones
    assert len(maildir.scan("INBOX", None).refs) == 3


def test_a_request_the_user_moved_back_to_the_inbox_is_left_where_they_put_it(
    settings: Settings, maildir: MaildirBackend
) -> None:
    deliver(maildir, anna(), "1.anna")
    run(settings, maildir)
    [archived] = maildir.scan("Archive", None).refs
    [item] = maildir.fetch_full([archived])
    # a mail client moving it back gives it a new name (IMAP: a new UID)
    deliver(maildir, item.raw, "2.moved-back")
    (maildir.root / ".Archive" / "cur").joinpath(
        next(p.name for p in (maildir.root / ".Archive" / "cur").iterdir())
    ).unlink()
    again = run(settings, maildir)
    assert again.decisions == [] and again.skipped_resync == 1
    assert len(maildir.scan("INBOX", None).refs) == 1
    assert len(drafts_in(maildir)) == 1


def test_a_notification_over_the_size_limit_is_recorded_unparsed_and_left_alone(
    write_config: Callable[..., Path], maildir: MaildirBackend
) -> None:
    settings = load_settings(write_config("\n[recognition]\nmax_message_bytes = 1000\n"))
    raw = anna()
    deliver(maildir, raw, "1.big")
    before = tree(maildir.root)
    [decision] = run(settings, maildir).decisions
    assert decision.defect == f"too large to parse: {len(raw)} bytes > 1000"
    assert (decision.notification, decision.outcomes) == (None, [])
    assert tree(maildir.root) == before
    assert run(settings, maildir).decisions == []  # recorded: not tried again
