"""The quick reading of FETCH answers gives exactly what imapclient gives, on a real Dovecot.

A pass reads the header block of every message through ``fetch_response.fetch``; a
difference from imapclient (a flag lost, a date in another zone, a header cut short) would
change what the rules see. Unusual shapes must fall back to imapclient, not be misread.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from imapclient import IMAPClient
from imapclient.response_parser import parse_fetch_response

from introgate.backends import fetch_response

from .conftest import plain_message, request
from .dovecot import Dovecot

HEADER_ITEMS = [b"BODY.PEEK[HEADER]", b"INTERNALDATE", b"FLAGS", b"RFC822.SIZE"]
FULL_ITEMS = [b"BODY.PEEK[]", b"INTERNALDATE", b"FLAGS", b"RFC822.SIZE"]
FIELDS_ITEMS = [b"BODY.PEEK[HEADER.FIELDS (MESSAGE-ID FROM)]", b"FLAGS"]


@pytest.fixture
def client(dovecot: Dovecot) -> Iterator[IMAPClient]:
    with IMAPClient("127.0.0.1", port=dovecot.port, ssl=False, timeout=10) as connected:
        connected.login(dovecot.user, dovecot.password)
        connected.normalise_times = False  # as the backend sets it
        yield connected


def fill(client: IMAPClient) -> list[int]:
    """Messages of every shape a mailbox holds, with flags, keywords and zones."""
    plus_two = timezone(timedelta(hours=2))
    messages: list[tuple[bytes, tuple[bytes, ...], datetime]] = [
        (plain_message(), (), datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (request(1), (b"\\Seen", b"\\Flagged"), datetime(2019, 6, 7, 8, 9, 10, tzinfo=plus_two)),
        (request(2, note="Hi, we met at the fair"), (b"$introgate-handled", b"Junk"), None),
        (b"Subject: caf\xc3\xa9 8-bit \xff\r\nFrom: x@y\r\n\r\nbody\r\n", (b"\\Answered",), None),
        (b"Subject: no body at all\r\n\r\n", (), None),
        (b"\r\nonly a body\r\n", (), None),
        (b'Subject: {literal-looking} "quoted" (paren)\r\n\r\n)\r\n', (b"\\Draft",), None),
        (plain_message(body="x" * 200_000), (), None),
    ]
    for message, flags, when in messages:
        client.append("INBOX", message, flags=flags, msg_time=when)
    client.select_folder("INBOX")
    return sorted(client.search(["ALL"]))


@pytest.mark.parametrize("items", [HEADER_ITEMS, FULL_ITEMS, FIELDS_ITEMS])
def test_quick_reading_equals_imapclient_on_dovecot_answers(
    client: IMAPClient, items: list[bytes]
) -> None:
    uids = fill(client)
    expected = client.fetch(uids, items)
    assert fetch_response.fetch(client, uids, items) == dict(expected)
    # and the quick path itself read them (not the fallback)
    imap = client._imap
    tag = imap._command(
        "UID",
        "FETCH",
        ",".join(map(str, uids)),
        "(" + " ".join(item.decode() for item in items) + ")",
    )
    typ, data = imap._command_complete("FETCH", tag)
    _typ, data = imap._untagged_response(typ, data, "FETCH")
    assert fetch_response.read_answer(data) == dict(parse_fetch_response(data, False, True))


LITERAL = b"Subject: s\r\n\r\n"


@pytest.mark.parametrize(
    "answer",
    [
        # items after the literal, the UID among them
        [(b"1 (BODY[HEADER] {14}", LITERAL), b" UID 7 FLAGS (\\Seen))"],
        # an INTERNALDATE a server got wrong: no date, as imapclient says
        [(b'1 (UID 7 INTERNALDATE "not a date" BODY[HEADER] {14}', LITERAL), b")"],
        [b"1 (UID 7 FLAGS (\\Seen $Label))"],
        [None],
    ],
)
def test_known_shapes_are_read_quickly_and_as_imapclient_reads_them(
    answer: list[object],
) -> None:
    assert fetch_response.read_answer(answer) == dict(parse_fetch_response(answer, False, True))


@pytest.mark.parametrize(
    "answer",
    [
        # an unknown item
        [(b"1 (UID 7 X-GM-THRID 123 BODY[HEADER] {14}", LITERAL), b")"],
        # a quoted body instead of a literal, and NIL
        [b'1 (UID 7 BODY[HEADER] "Subject: s")', b"2 (UID 8 BODY[HEADER] NIL)"],
        # a partial fetch's origin octet
        [(b"1 (UID 7 BODY[]<0> {14}", LITERAL), b")"],
        # a literal whose announced size does not match what came
        [(b"1 (UID 7 BODY[HEADER] {99}", LITERAL), b")"],
        # two literals for one message
        [(b"1 (UID 7 BODY[HEADER] {14}", LITERAL), (b" BODY[TEXT] {14}", LITERAL), b")"],
        # a quoted flag, which no server should send
        [b'1 (UID 7 FLAGS ("odd"))'],
    ],
)
def test_other_shapes_are_left_to_imapclient(answer: list[object]) -> None:
    assert fetch_response.read_answer(answer) is None


def test_news_of_another_message_is_not_taken_for_part_of_the_answer() -> None:
    """``* 3 FETCH (FLAGS (\\Seen))`` without a UID: imapclient files it under the sequence
    number 3, where it would merge into the entry of UID 3; it belongs to no UID asked for."""
    answer: list[object] = [
        (b"1 (UID 3 FLAGS () BODY[HEADER] {14}", LITERAL),
        b")",
        b"3 (FLAGS (\\Seen))",
    ]
    quick = fetch_response.read_answer(answer)
    assert quick == {3: {b"SEQ": 1, b"FLAGS": (), b"BODY[HEADER]": LITERAL}}


def test_internal_dates_are_the_instants_imapclient_reads() -> None:
    """Every day, month, zone and padding of RFC 3501's form, and some it does not allow."""
    import random

    from imapclient.datetime_util import parse_to_datetime

    chooser = random.Random(16)
    months = [
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
        "jan",
        "DEC",
        "Foo",
    ]
    zones = ["+0000", "-0500", "+0530", "+1400", "-1200", "-0030", "-2359"]
    for _ in range(5000):
        day = chooser.randint(1, 31)
        padded = f"{day:2d}" if chooser.random() < 0.3 else f"{day:02d}"
        value = (
            f"{padded}-{chooser.choice(months)}-{chooser.randint(1970, 2099)} "
            f"{chooser.randint(0, 23):02d}:{chooser.randint(0, 59):02d}:"
            f"{chooser.randint(0, 60):02d} {chooser.choice(zones)}"
        ).encode()
        answer = [(b'1 (UID 7 INTERNALDATE "' + value + b'" BODY[HEADER] {14}', LITERAL), b")"]
        try:
            expected = parse_to_datetime(value, normalise=False)
        except ValueError:
            expected = None
        quick = fetch_response.read_answer(answer)
        assert quick is not None
        found = quick[7][b"INTERNALDATE"]
        assert found == expected, value
        if expected is not None:
            assert found.utcoffset() == expected.utcoffset(), value
