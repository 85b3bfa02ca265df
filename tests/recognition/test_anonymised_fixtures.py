"""`introgate explain --save-fixture`: an anonymised copy is recognised as the original.

Over the whole fixture corpus, ``explain`` of the copy agrees with ``explain`` of the
original on every field, once the original's names, addresses, ids and tokens are
replaced by the copy's stand-ins; and none of the replaced values is left in the copy.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from email import message_from_bytes
from email.policy import compat32
from pathlib import Path
from typing import Any

import pytest

from introgate.anonymise import anonymised_copy
from introgate.config import Settings, Trust
from introgate.explain import explain_message, offline_known_people
from introgate.recognition import Recogniser
from introgate.recognition.message_content import decode_bytes, decode_words
from introgate.rules import load_rules
from tests.recognition.corpus import FIXTURES, TRUSTED_AUTHSERV

BLIND_AUTHSERV = "mx.blind.example"
SETTINGS = Settings(trust=Trust(authserv_ids=[TRUSTED_AUTHSERV, BLIND_AUTHSERV]))


@pytest.fixture(scope="module")
def both_trusted() -> Recogniser:
    return Recogniser.load(SETTINGS)


@pytest.fixture(scope="module")
def explain(both_trusted: Recogniser) -> Callable[[bytes], dict[str, Any]]:
    recogniser = both_trusted
    rules = load_rules(SETTINGS, None, networks=recogniser.registry)
    known = offline_known_people(SETTINGS)

    def run(raw: bytes) -> dict[str, Any]:
        return explain_message(
            Path("mail.eml"),
            raw,
            settings=SETTINGS,
            recogniser=recogniser,
            rules=rules,
            known=known,
        )

    return run


def replaced(value: Any, scrub: Callable[[str], str]) -> Any:
    """The original's explanation with the copy's stand-ins in place of the values."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [replaced(item, scrub) for item in value]
    if isinstance(value, dict):
        return {key: replaced(item, scrub) for key, item in value.items()}
    return value


def without_quoted_values(value: Any) -> Any:
    """Why a name was withheld quotes the value cut to 40 characters: a stand-in of
    another length is cut elsewhere, so the quoted value is left out of the comparison."""
    if isinstance(value, list):
        return [without_quoted_values(item) for item in value]
    if isinstance(value, dict):
        return {
            key: re.sub(r"'.*'", "'…'", item)
            if key == "name_withheld"
            else without_quoted_values(item)
            for key, item in value.items()
        }
    return value


def readable_text(raw: bytes) -> str:
    """Every header and text part as a reader sees it: decoded."""
    message = message_from_bytes(raw, policy=compat32)
    texts = [decode_words(value) for _, value in message.raw_items()]
    for part in message.walk():
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            texts.append(decode_bytes(payload, part.get_content_charset()))
    return "\n".join(texts)


def mime_shape(raw: bytes) -> list[tuple[str, str | None, str]]:
    message = message_from_bytes(raw, policy=compat32)
    return [
        (
            part.get_content_type(),
            part.get_content_charset(),
            str(part.get("Content-Transfer-Encoding") or ""),
        )
        for part in message.walk()
    ]


@pytest.mark.parametrize(
    "path", sorted(FIXTURES.glob("*/*.eml")), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_the_anonymised_copy_is_explained_as_the_original(
    explain: Callable[[bytes], dict[str, Any]], both_trusted: Recogniser, path: Path
) -> None:
    recogniser = both_trusted
    raw = path.read_bytes()
    copy, anonymiser = anonymised_copy(raw, recogniser)
    before, after = explain(raw), explain(copy)
    assert without_quoted_values(after) == without_quoted_values(replaced(before, anonymiser.scrub))
    assert mime_shape(copy) == mime_shape(raw)
    seen = readable_text(copy)
    for request in recogniser.recognise(raw).requests:
        if request.requester.name:
            assert request.requester.name not in seen
    recipient = str(message_from_bytes(raw, policy=compat32).get("To") or "").casefold()
    if "alex" in recipient:  # "Alex Beispiel <alex@example.org>", wherever it stands alone
        assert not re.search(r"(?<![^\W\d_])alex(?![^\W\d_])", seen, re.IGNORECASE)


def test_save_fixture_writes_the_copy_and_says_where(tmp_path: Path) -> None:
    source = FIXTURES / "facebook" / "senders-en-friends-sender.eml"
    shared = tmp_path / "shared"
    command = ["explain", "--json", "--save-fixture", str(shared), str(source)]
    result = subprocess.run(
        [sys.executable, "-m", "introgate", *command],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    target = shared / source.name
    assert result.stderr.splitlines()[-1].startswith(f"{source}: anonymised copy in {target} (")
    copy = target.read_bytes()
    assert b"Chris" not in copy and b"100007700000001" not in copy
    original = json.loads(result.stdout)
    again = subprocess.run(
        [sys.executable, "-m", "introgate", "explain", "--json", str(target)],
        capture_output=True,
        text=True,
        check=True,
    )
    anonymised = json.loads(again.stdout)
    assert anonymised["notification"]["kind"] == original["notification"]["kind"]
    assert anonymised["actions"] == original["actions"]
    assert anonymised["notification"]["requester"]["name"] not in ("", "Chris Miller")
