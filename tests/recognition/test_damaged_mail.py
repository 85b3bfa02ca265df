"""Malformed mail is recorded with its defect, and a request read from damaged text is
never drafted: a reply must not be built on a name or note that was cut short."""

from __future__ import annotations

import logging

import pytest

from introgate.backends.maildir import MaildirBackend
from introgate.config import Settings
from introgate.demo import linkedin_invitation
from introgate.recognition import Recogniser
from introgate.state import ProcessedStatus, SqliteStore
from tests.test_pipeline import deliver, drafts_in, run

NOTE = "Hallo Alex, wir kennen uns vom Barcamp."


def invitation(note: str | None = NOTE) -> bytes:
    return linkedin_invitation(
        "Anna Schäfer", "anna-schaefer-7b21", "Projektleiterin", language="de", note=note
    ).as_bytes()


def boundary_of(raw: bytes) -> bytes:
    start = raw.index(b'boundary="') + len(b'boundary="')
    return raw[start : raw.index(b'"', start)]


def truncated(raw: bytes) -> bytes:
    """Cut in the middle of the last part, as a connection dropped mid-download leaves it."""
    last = raw.rindex(b"--" + boundary_of(raw) + b"\n")
    return raw[: last + (len(raw) - last) // 2]


def test_an_intact_invitation_has_no_defect(recogniser: Recogniser) -> None:
    recognition = recogniser.recognise(invitation())
    assert recognition.defect is None
    assert [(r.note, r.damage) for r in recognition.requests] == [(NOTE, None)]


CUT = (
    "text/html part: cut short; "
    "multipart/alternative part: no closing MIME boundary (message cut short?)"
)


def test_a_truncated_notification_is_read_but_marked_damaged(recogniser: Recogniser) -> None:
    recognition = recogniser.recognise(truncated(invitation()))
    assert recognition.defect == CUT
    [request] = recognition.requests
    assert request.requester.name == "Anna Schäfer"
    assert request.damage == "text/html part: cut short"


def test_a_missing_boundary_leaves_no_readable_body(recogniser: Recogniser) -> None:
    raw = invitation()
    broken = raw.replace(b'boundary="' + boundary_of(raw), b'boundary="elsewhere')
    recognition = recogniser.recognise(broken)
    assert recognition.defect == "multipart/alternative part: MIME boundary never found"
    assert all(r.damage == recognition.defect for r in recognition.requests)


def test_undecodable_text_is_damage(recogniser: Recogniser) -> None:
    raw = invitation().replace(b"Content-Transfer-Encoding: quoted-printable", b"", 1)
    # raw bytes that are valid in no charset the part could be in
    raw = raw.replace(
        b'Content-Type: text/plain; charset="utf-8"',
        b'Content-Type: text/plain; charset="x-klingon"',
        1,
    )
    raw = raw.replace(b"wir kennen uns", b"wir \x81\x8d\x8f\x90\x9d kennen uns", 1)
    recognition = recogniser.recognise(raw)
    assert recognition.defect == "text/plain part: unknown charset 'x-klingon'"
    [request] = recognition.requests
    assert request.damage == "text/plain part: unknown charset 'x-klingon'"


def test_an_unknown_charset_label_on_clean_utf8_is_recorded_but_not_damage(
    recogniser: Recogniser,
) -> None:
    raw = invitation().replace(b'charset="utf-8"', b'charset="x-klingon"', 1)
    recognition = recogniser.recognise(raw)
    assert recognition.defect == "text/plain part: unknown charset 'x-klingon'"
    assert [(r.note, r.damage) for r in recognition.requests] == [(NOTE, None)]


def test_nul_bytes_are_damage(recogniser: Recogniser) -> None:
    raw = invitation().replace(b"wir kennen uns", b"wir\x00 kennen uns", 1)
    recognition = recogniser.recognise(raw)
    assert recognition.defect == "text/plain part: NUL bytes"
    assert [r.damage for r in recognition.requests] == ["text/plain part: NUL bytes"]


def test_a_message_cut_inside_its_headers_is_damage(recogniser: Recogniser) -> None:
    raw = invitation()
    recognition = recogniser.recognise(raw[: raw.index(b"MIME-Version")])
    assert recognition.defect == "no blank line after the headers (message cut short?)"
    assert all(r.damage for r in recognition.requests)


def test_a_truncated_notification_is_not_drafted_and_the_defect_is_logged(
    settings: Settings, maildir: MaildirBackend, caplog: pytest.LogCaptureFixture
) -> None:
    deliver(maildir, truncated(invitation(note=None)), "1.cut")
    with caplog.at_level(logging.WARNING):
        report = run(settings, maildir)
    [decision] = report.decisions
    defect = CUT
    assert decision.defect == defect
    assert [o.summary for o in decision.outcomes if o.type == "draft"] == [
        "no draft: message damaged: text/html part: cut short"
    ]
    assert not (maildir.root / ".Drafts" / "cur").exists() or drafts_in(maildir) == []
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("Anna Schäfer" in line and defect in line for line in warnings)
    with SqliteStore(settings.state.path) as store:
        record = store.messages.get(settings.accounts[0].name, decision.ref)
    assert record is not None
    assert (record.status, record.error) == (ProcessedStatus.DONE, defect)
