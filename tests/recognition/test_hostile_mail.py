"""Malformed or hostile mail never raises: it comes back with a defect or as no request."""

from __future__ import annotations

import pytest

from introgate.config import RecognitionSettings, Settings, Trust
from introgate.recognition import Recogniser
from tests.recognition.corpus import FIXTURES

INVITATION = (FIXTURES / "linkedin/en-note-multipart-qp.eml").read_bytes()


def test_oversized_message_is_not_parsed_and_says_why() -> None:
    small = Recogniser.load(
        Settings(
            trust=Trust(authserv_ids=["mx.example.org"]),
            recognition=RecognitionSettings(max_message_bytes=1000),
        )
    )
    recognition = small.recognise(INVITATION)
    assert recognition.requests == []
    assert recognition.defect == f"too large: {len(INVITATION)} bytes > 1000"
    assert recognition.message_id == "<1.invite@ltx1-app3241.prod.linkedin.com>"


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\xff\xfe garbage without headers",
        b"From: invitations@linkedin.com\n",
        b"From: =?utf-8?q?=ZZ=ZZ?= <invitations@linkedin.com>\nSubject: =?bogus?x?abc?=\n\nx",
        b"From: <>\nFrom: <<<@@@>>>\nDate: not a date\nSubject: I want to connect\n\n",
        b"Content-Type: multipart/mixed; boundary=\nFrom: invitations@linkedin.com\n\n--\n--\n",
        b"From: invitations@linkedin.com\nContent-Type: text/html; charset=utf-8\n\n"
        + b"<div>" * 100_000
        + b"I want to connect",
        b"From: invitations@linkedin.com\nContent-Transfer-Encoding: base64\n\n!!!not base64!!!",
        INVITATION[: len(INVITATION) // 2],
        INVITATION.replace(b'charset="utf-8"', b'charset="x-no-such-charset"'),
    ],
)
def test_bad_input_never_raises(recogniser: Recogniser, raw: bytes) -> None:
    recognition = recogniser.recognise(raw)
    assert all(r.requester.name for r in recognition.requests)


def test_message_without_headers_is_a_defect(recogniser: Recogniser) -> None:
    assert recogniser.recognise(b"").defect == "malformed MIME: no headers"


def test_unknown_charset_still_yields_the_request(recogniser: Recogniser) -> None:
    raw = INVITATION.replace(b'charset="utf-8"', b'charset="x-no-such-charset"')
    notification = recogniser.recognise(raw).notification
    assert notification is not None
    assert notification.requester.name == "Priya Raman"
    assert notification.note is not None and notification.note.startswith("Hi Alex, we met")


def test_hostile_headers_do_not_break_the_candidate_check(recogniser: Recogniser) -> None:
    from email.parser import BytesHeaderParser
    from email.policy import default

    block = b'From: "a\\" <b>" <invitations@linkedin.com\nSubject: =?utf-8?b?====?=\n\n'
    headers = BytesHeaderParser(policy=default).parsebytes(block)
    assert recogniser.is_candidate(headers) in (True, False)
