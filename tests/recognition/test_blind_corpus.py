"""The blind corpus: mail written only from the format notes, never tuned against the code.

tests/fixtures/blind/make_blind.py generated it (varied layouts, charsets, encodings, names,
digests, reminders, non-requests and spoofs); expected.json holds, per file, null for a
non-request or the fields of each request. Regenerate with
`python tests/fixtures/blind/make_blind.py` after changing the generator.
"""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path
from typing import Any

import pytest

from introgate.config import Settings, Trust
from introgate.facts import facts_from_headers
from introgate.recognition import Recogniser
from introgate.recognition.model import RequestNotification
from tests.recognition.corpus import FIXTURES, header_block

BLIND = FIXTURES / "blind"
EXPECTED: dict[str, dict[str, Any] | None] = json.loads(
    (BLIND / "expected.json").read_text(encoding="utf-8")
)
TRUSTED = "mx.blind.example"


@pytest.fixture(scope="module")
def blind_recogniser() -> Recogniser:
    return Recogniser.load(Settings(trust=Trust(authserv_ids=[TRUSTED])))


def fields(request: RequestNotification) -> dict[str, Any]:
    return {
        "network": request.network,
        "kind": request.kind,
        "name": request.requester.name,
        "profile_url": request.requester.profile_url,
        "note": None if request.note is None else " ".join(request.note.split()),
        "language": request.language,
        "mutual_connections": request.mutual_connections,
        "authenticated": request.authenticated,
    }


def wanted(expected: dict[str, Any] | None) -> list[dict[str, Any]]:
    if expected is None:
        return []
    people = expected.get("requests") or [expected]
    return [
        {
            **{key: value for key, value in person.items() if key != "requests"},
            "note": None if person["note"] is None else " ".join(person["note"].split()),
        }
        for person in people
    ]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_blind_mail_yields_exactly_the_expected_requests(
    blind_recogniser: Recogniser, name: str
) -> None:
    raw = (BLIND / name).read_bytes()
    recognition = blind_recogniser.recognise(raw)
    assert recognition.defect is None
    assert [fields(r) for r in recognition.requests] == wanted(EXPECTED[name])


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if e is not None))
def test_blind_requests_pass_the_header_only_candidate_check(
    blind_recogniser: Recogniser, name: str
) -> None:
    raw = (BLIND / name).read_bytes()
    assert blind_recogniser.is_candidate(facts_from_headers(None, header_block(raw)).headers)


def test_every_blind_mail_has_an_answer_and_the_corpus_is_broad() -> None:
    on_disk = {p.name for p in BLIND.glob("*.eml")}
    assert on_disk == set(EXPECTED)
    non_requests = [n for n, e in EXPECTED.items() if e is None]
    assert len(on_disk) >= 80
    assert len(non_requests) >= 25
    assert {e["network"] for e in EXPECTED.values() if e} == {
        "linkedin",
        "xing",
        "facebook",
        "instagram",
        "mastodon",
        "twitter",
    }


def test_no_blind_spoof_is_authenticated(blind_recogniser: Recogniser) -> None:
    spoofs = sorted(BLIND.glob("spoof*.eml"))
    assert len(spoofs) >= 10
    for path in spoofs:
        for request in blind_recogniser.recognise(path.read_bytes()).requests:
            assert request.authenticated is not True, path.name


def test_generator_reproduces_the_stored_corpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["make_blind.py", str(tmp_path)])
    runpy.run_path(str(BLIND / "make_blind.py"), run_name="__main__")
    for path in sorted(tmp_path.iterdir()):
        assert path.read_bytes() == (BLIND / path.name).read_bytes(), path.name
