"""The header-only pre-filter never rejects a mail the full recogniser accepts.

A pass downloads and reads in full only what ``is_candidate`` lets through: a request it
rejects is lost without a trace. Both read the sender with one parser and start from the
same header reading, and this checks it on every fixture and on 10,000 variants of them
with the From, Subject and network headers written the many ways real mail writes them.
"""

from __future__ import annotations

import base64
import random
import re
from pathlib import Path

import pytest

from introgate.facts import facts_from_headers
from introgate.recognition import Recogniser
from introgate.recognition.sender import parse_sender, sender_domain
from tests.recognition.corpus import FIXTURES, header_block

VARIANTS = 10_000
_HEADER_LINE = re.compile(rb"^([!-9;-~]+):")


def fixture_mails() -> list[Path]:
    return sorted(FIXTURES.glob("*/*.eml"))


def accepts(recogniser: Recogniser, raw: bytes) -> bool:
    recognition = recogniser.recognise(raw)
    return bool(recognition.requests or recognition.messages)


def candidate(recogniser: Recogniser, raw: bytes) -> bool:
    return recogniser.is_candidate(facts_from_headers(None, header_block(raw)).headers)


def split_headers(raw: bytes) -> tuple[list[tuple[bytes, bytes]], bytes, bytes]:
    """(name, value) pairs with their folding kept, the line end, and the body."""
    newline = b"\r\n" if b"\r\n" in raw[:2000] else b"\n"
    end = raw.find(newline * 2)
    if end < 0:
        return [], newline, raw
    headers: list[tuple[bytes, bytes]] = []
    for line in raw[:end].split(newline):
        match = _HEADER_LINE.match(line)
        if match is None and headers:
            name, value = headers[-1]
            headers[-1] = (name, value + newline + line)
        elif match is not None:
            headers.append((match.group(1), line[match.end() :].lstrip(b" \t")))
    return headers, newline, raw[end + len(newline) * 2 :]


def join_headers(headers: list[tuple[bytes, bytes]], newline: bytes, body: bytes) -> bytes:
    lines = [name + b": " + value for name, value in headers]
    return newline.join(lines) + newline * 2 + body


def encoded_word(text: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="
    quoted = "".join(
        c if c.isascii() and c.isalnum() else "".join(f"={b:02X}" for b in c.encode()) for c in text
    )
    return f"=?UTF-8?Q?{quoted}?="


def from_variant(value: str, rng: random.Random) -> str:
    """The same sender, or a sender next to it, written one of the ways mail writes it."""
    sender = parse_sender(value)
    address, name = sender.address or "someone@example.net", sender.name or "Facebook"
    local, _, domain = address.rpartition("@")
    choice = rng.randrange(7)
    if choice == 0:
        local = rng.choice(["notify", "notifications-noreply", "x.y+z", "friends", "hello-7"])
    elif choice == 1:
        domain = rng.choice(["mail.", "e.", "m.", "em."]) + domain
    elif choice == 2:
        domain = domain.upper() + rng.choice(["", "."])
    elif choice == 3:
        domain = rng.choice(["example.net", domain + ".evil.example", "mail-" + domain])
    address = f"{local}@{domain}"
    shape = rng.randrange(8)
    if shape == 0:
        return f"{name} ,_<{address}>"
    if shape == 1:
        return f'"{name}, via network" <{address}>'
    if shape == 2:
        return f"{address} ({name})"
    if shape == 3:
        return f"<{address}>"
    if shape == 4:
        return f"{encoded_word(name, rng)} <{address}>"
    if shape == 5:
        return f"{name}\r\n <{address}>"
    if shape == 6:
        return f'"Someone <x@{domain}>" <{address}>'
    return f"{name} <{address}>"


SUBJECTS = [
    "I want to connect",
    "Invitation from Jürgen Weiß",
    "Alex, do you know Marta Kowalska?",
    "Chris Miller sent you a friend request",
    "Friend request from ???",
    "New message from Priya Raman",
    "Lea Hoffmann hat Ihnen eine Kontaktanfrage gesendet",
    "Your weekly stats",
]


def variant(raw: bytes, rng: random.Random) -> bytes:
    headers, newline, body = split_headers(raw)
    changed: list[tuple[bytes, bytes]] = []
    for name, value in headers:
        lowered = name.lower()
        text = value.decode("utf-8", "surrogateescape")
        if lowered == b"from" and rng.random() < 0.8:
            text = from_variant(" ".join(text.split()), rng)
        elif lowered == b"subject" and rng.random() < 0.5:
            subject = rng.choice([" ".join(text.split()), *SUBJECTS])
            text = encoded_word(subject, rng) if rng.random() < 0.5 else subject
        elif lowered.startswith(
            (b"x-linkedin", b"x-facebook", b"feedback-id", b"list-id", b"x-twitter")
        ):
            roll = rng.random()
            if roll < 0.2:
                continue  # the network left the header out
            if roll < 0.4:
                text = rng.choice(["email_unknown_v3", "ig_new_kind; mailid=1", "0:new:Facebook"])
            elif roll < 0.5:
                name = name.upper()
        changed.append(
            (name, text.replace("\n", newline.decode()).encode("utf-8", "surrogateescape"))
        )
    if rng.random() < 0.3:
        newline = b"\r\n" if newline == b"\n" else b"\n"
        body = body.replace(b"\r\n", b"\n").replace(b"\n", newline)
        changed = [(n, v.replace(b"\r\n", b"\n").replace(b"\n", newline)) for n, v in changed]
    rng.shuffle(changed) if rng.random() < 0.1 else None
    return join_headers(changed, newline, body)


@pytest.mark.parametrize("path", fixture_mails(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_fixture_the_recogniser_accepts_is_rejected_by_the_prefilter(
    recogniser: Recogniser, path: Path
) -> None:
    raw = path.read_bytes()
    if not candidate(recogniser, raw):
        assert not accepts(recogniser, raw)


@pytest.mark.slow
def test_no_variant_the_recogniser_accepts_is_rejected_by_the_prefilter(
    recogniser: Recogniser,
) -> None:
    mails = [path.read_bytes() for path in fixture_mails()]
    rng = random.Random(13)
    rejected = 0
    for number in range(VARIANTS):
        raw = variant(mails[number % len(mails)], rng)
        if candidate(recogniser, raw):
            continue
        rejected += 1
        assert not accepts(recogniser, raw), (
            f"variant {number}:\n{header_block(raw).decode(errors='replace')}"
        )
    # the variants reach both sides of the check: many are rejected from headers alone
    assert 1_000 < rejected < VARIANTS - 1_000


@pytest.mark.parametrize(
    ("value", "address", "name"),
    [
        ("Facebook ,_<someone@example.net>", "someone@example.net", "Facebook ,_"),
        ('"Anna, B" <Invitations@LinkedIn.com.>', "invitations@linkedin.com", "Anna, B"),
        ("x@linkedin.com (LinkedIn)", "x@linkedin.com", "LinkedIn"),
        ('"Evil <x@linkedin.com>" <a@evil.example>', "a@evil.example", "Evil <x@linkedin.com>"),
        ("<invitations@linkedin.com>", "invitations@linkedin.com", ""),
        ("no address at all", "", "no address at all"),
    ],
)
def test_one_sender_parser_reads_odd_from_values(value: str, address: str, name: str) -> None:
    sender = parse_sender(value)
    assert (sender.address, sender.name) == (address, name)
    assert sender_domain(value) == sender.domain


def test_a_from_value_that_splits_in_two_for_getaddresses_is_one_sender(
    recogniser: Recogniser,
) -> None:
    raw = (FIXTURES / "facebook" / "senders-en-friends-sender.eml").read_bytes()
    odd = raw.replace(
        b"From: Facebook <friends@facebookmail.com>", b"From: Facebook ,_<friends@facebookmail.com>"
    )
    assert odd != raw
    assert candidate(recogniser, odd)
    assert [r.requester.name for r in recogniser.recognise(odd).requests] == ["Chris Miller"]
    facts = facts_from_headers(None, header_block(odd))
    assert facts.from_address == "friends@facebookmail.com"
