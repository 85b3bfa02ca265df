"""Fields a user sees in drafts and rules: dates, reply links, digests, the JSON form."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from introgate.recognition import Recogniser
from tests.recognition.corpus import FIXTURES


def read(relative: str) -> bytes:
    return (FIXTURES / relative).read_bytes()


def test_json_form_has_exactly_the_explain_fields(recogniser: Recogniser) -> None:
    notification = recogniser.recognise(read("linkedin/en-note-multipart-qp.eml")).notification
    assert notification is not None
    dumped = notification.model_dump(mode="json", exclude={"reply_link", "date"})
    assert set(dumped) == {
        "network",
        "kind",
        "requester",
        "note",
        "language",
        "mutual_connections",
        "authenticated",
    }
    assert set(dumped["requester"]) == {"name", "profile_url", "handle"}


def test_date_is_the_notifications_own_timezone_aware_date(recogniser: Recogniser) -> None:
    notification = recogniser.recognise(
        read("linkedin/hand-crlf-folded-latin1-textonly.eml")
    ).notification
    assert notification is not None
    assert notification.date == datetime(
        2026, 11, 2, 8, 12, 39, tzinfo=timezone(timedelta(hours=1))
    )


def test_date_without_zone_is_taken_as_utc(recogniser: Recogniser) -> None:
    raw = read("mastodon/hand-remote-acct-no-auth.eml").replace(
        b"Date: Sun, 08 Nov 2026 21:30:00 +0000", b"Date: Sun, 08 Nov 2026 21:30:00 -0000"
    )
    notification = recogniser.recognise(raw).notification
    assert notification is not None and notification.date is not None
    assert notification.date.utcoffset() == timedelta(0)


def test_reply_link_is_where_to_answer_on_the_network(recogniser: Recogniser) -> None:
    notification = recogniser.recognise(read("xing/de-note-multipart-qp.eml")).notification
    assert notification is not None
    assert notification.reply_link == notification.requester.profile_url
    assert notification.reply_link is not None and notification.reply_link.startswith(
        "https://www.xing.com/profile/"
    )


def test_digest_gives_one_request_per_person_with_the_first_as_notification(
    recogniser: Recogniser,
) -> None:
    recognition = recogniser.recognise(read("linkedin/digest-en-multipart.eml"))
    names = [r.requester.name for r in recognition.requests]
    assert names == ["Priya Raman", "Zoë O'Connor", "Tom Becker"]
    assert recognition.notification == recognition.requests[0]


def test_message_id_is_reported_for_requests_and_non_requests(recogniser: Recogniser) -> None:
    assert recogniser.recognise(read("other/ordinary-mail.eml")).message_id is not None
    recognition = recogniser.recognise(read("twitter/hand-legacy-textonly.eml"))
    assert recognition.message_id == "<hand4@spruce-goose-ab.twitter.com>"


def test_language_comes_from_the_body_when_the_subject_is_new_wording(
    recogniser: Recogniser,
) -> None:
    raw = read("linkedin/de-none-multipart-qp.eml")
    subject_line = next(line for line in raw.splitlines() if line.startswith(b"Subject:"))
    raw = raw.replace(subject_line, b"Subject: Neu im Netzwerk: eine Anfrage")
    notification = recogniser.recognise(raw).notification
    assert notification is not None
    assert notification.language == "de"
