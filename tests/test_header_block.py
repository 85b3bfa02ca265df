"""The cheap header split agrees with the email package on every block, hostile ones too.

A pass decides on the fields ``HeaderBlock`` reads; if it split a block differently from
the email package (which recognition, rules and ``explain`` were built and tested on), a
message could be decided differently depending on the path it took.
"""

from __future__ import annotations

import random
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path

import pytest

from introgate.header_block import HeaderBlock

FIXTURES = Path(__file__).resolve().parent / "fixtures"
_PARSER = BytesHeaderParser(policy=policy.compat32)


def assert_same_fields(block: bytes) -> None:
    reference = _PARSER.parsebytes(block)
    ours = HeaderBlock.parse(block)
    assert list(ours.raw_items()) == list(reference.raw_items()), block
    assert ours.items() == [(name, str(value)) for name, value in reference.items()], block
    for name in {name.lower() for name, _ in reference.raw_items()} | {"from", "x-missing"}:
        expected = reference.get(name)
        assert ours.get(name) == (None if expected is None else str(expected)), (name, block)
        expected_all = reference.get_all(name)
        assert ours.get_all(name) == (
            None if expected_all is None else [str(v) for v in expected_all]
        ), (name, block)


@pytest.mark.parametrize(
    "path", sorted(FIXTURES.rglob("*.eml")), ids=lambda p: str(p.relative_to(FIXTURES))
)
def test_every_fixture_splits_as_the_email_package_splits_it(path: Path) -> None:
    raw = path.read_bytes()
    assert_same_fields(raw)  # the whole message: the split must stop at the body
    end = raw.find(b"\n\n")
    assert_same_fields(raw[: end + 2] if end >= 0 else raw)


HOSTILE = [
    b"",
    b"\r\n",
    b"From: a@b\r\n",
    b"From: a@b",  # no line end at all
    b" folded first\r\nFrom: a@b\r\n\r\n",  # a continuation before any field
    b"From sender@host Mon Jan  1 00:00:00 2024\nFrom: a@b\n\n",  # Unix envelope line
    b"Subject: x\nFrom someone else\n",  # a body line that looks like an envelope
    b"Subject: x\nFrom someone\nTo: y\n\n",  # a misplaced envelope line
    b": no name\r\nSubject: s\r\n\r\n",
    b"Subject: one\r\n\ttwo\r\n  three\r\nTo: x\r\n\r\nbody: not a header\r\n",
    b"Subject: mixed\rTo: cr only\nCc: lf\r\n\r\n",
    b"Subject:   \t  padded  \r\n\r\n",
    b"Subject:\r\n continued only\r\n\r\n",
    b"Subject: caf\xc3\xa9 8-bit\r\nFrom: =?utf-8?b?SsO8cmdlbg==?= <j@x>\r\n\r\n",
    b"Subject: \xff\xfe\x00 nul and high\r\n\r\n",
    b"no colon line\r\nSubject: after\r\n\r\n",
    b"Subject: a\r\nX-Weird Name: value\r\nTo: b\r\n",
    b"Subject: a\r\n\r\n\r\nTo: after the blank line\r\n",
    b"SUBJECT: upper\r\nsubject: lower\r\nSubject: mixed\r\n\r\n",
    b"Subject: a\x0bb\x0cc\x1cd\x85e\r\n\r\n",  # what str.splitlines would split on
    b"From: a\r\n\r\r\nTo: b\r\n",
]


@pytest.mark.parametrize("block", HOSTILE)
def test_hostile_blocks_split_as_the_email_package_splits_them(block: bytes) -> None:
    assert_same_fields(block)


def test_generated_blocks_split_as_the_email_package_splits_them() -> None:
    pieces = [
        b"From: a@b",
        b"Subject: s",
        b"X-Y: z",
        b" folded",
        b"\tfolded",
        b"From x",
        b": x",
        b"no colon",
        b"",
        b"Subject: \xe4\xf6",
        b"To:",
        b"Received: from x by y",
    ]
    ends = [b"\r\n", b"\n", b"\r", b""]
    chooser = random.Random(16)
    for _ in range(3000):
        block = b"".join(
            chooser.choice(pieces) + chooser.choice(ends) for _ in range(chooser.randint(0, 8))
        )
        assert_same_fields(block)
