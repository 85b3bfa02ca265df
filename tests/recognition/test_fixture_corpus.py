"""Every fixture mail yields exactly the requests written down for it, field by field."""

from __future__ import annotations

from typing import Any

import pytest

from introgate.facts import facts_from_headers
from introgate.recognition import Recogniser
from tests.recognition.corpus import FIXTURES, expected_corpus, header_block

CORPUS = expected_corpus()


def as_json(recogniser: Recogniser, raw: bytes) -> list[dict[str, Any]]:
    recognition = recogniser.recognise(raw)
    return [
        request.model_dump(mode="json", exclude={"reply_link", "date"})
        for request in recognition.requests
    ]


@pytest.mark.parametrize("relative", sorted(CORPUS))
def test_fixture_mail_yields_the_expected_requests(recogniser: Recogniser, relative: str) -> None:
    raw = (FIXTURES / relative).read_bytes()
    assert as_json(recogniser, raw) == CORPUS[relative]["requests"]


@pytest.mark.parametrize(
    "relative", sorted(r for r, expected in CORPUS.items() if expected["requests"])
)
def test_every_request_passes_the_header_only_candidate_check(
    recogniser: Recogniser, relative: str
) -> None:
    # the pipeline only fetches and recognises candidates: a request that fails here is lost
    raw = (FIXTURES / relative).read_bytes()
    assert recogniser.is_candidate(facts_from_headers(None, header_block(raw)).headers)


def test_every_fixture_file_has_an_expected_answer() -> None:
    on_disk = {
        str(p.relative_to(FIXTURES))
        for p in FIXTURES.glob("*/*.eml")
        if p.parent.name != "blind"  # the blind corpus has its own answers (test_blind_corpus.py)
    }
    assert on_disk == set(CORPUS)


def test_corpus_covers_the_matrix_and_enough_non_requests() -> None:
    names = set(CORPUS)
    for network in ("linkedin", "xing", "facebook", "instagram", "mastodon", "twitter"):
        for language in ("de", "en"):
            for shape in ("multipart", "htmlonly"):
                for encoding in ("qp", "b64"):
                    assert f"{network}/{language}-none-{shape}-{encoding}.eml" in names
    for network in ("linkedin", "xing"):
        for note in ("note", "default"):
            assert f"{network}/en-{note}-htmlonly-b64.eml" in names
    non_requests = [r for r, e in CORPUS.items() if not e["requests"] and "spoof" not in r]
    assert len(non_requests) >= 10


def test_no_spoof_is_ever_authenticated(recogniser: Recogniser) -> None:
    spoofs = sorted(FIXTURES.glob("*/*spoof*.eml"))
    assert len(spoofs) >= 15
    for path in spoofs:
        for request in recogniser.recognise(path.read_bytes()).requests:
            assert request.authenticated is not True, path.name
