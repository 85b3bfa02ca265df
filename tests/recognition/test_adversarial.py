"""Hostile bodies anyone can send yield a sane result; ``bench/adversarial.py`` times them.

No timing is asserted here (timing belongs to the bench); what a user would notice is
that each mail comes back as a result, with a defect where the mail is broken, and that
a request read from damaged text is never one to draft.
"""

from __future__ import annotations

import pytest

from introgate.recognition import Recogniser
from tests.recognition.adversarial import ADVERSARIAL

# bodies whose build is itself broken or cut: the defect recognition must report
DEFECTS = {
    "deep html nesting": "text/html part: nested more than 300 deep; the rest not read",
    "thousands of mime parts": "more than 200 MIME boundaries; the rest not read",
    "base64 garbage": "text/plain part: characters that are not base64",
    "nul bytes": "text/plain part: NUL bytes",
}
DAMAGED = {"thousands of mime parts", "nul bytes", "base64 garbage"}


def test_there_are_at_least_twenty_other_bodies_than_the_greeting_bomb() -> None:
    assert len(set(ADVERSARIAL) - {"greeting bomb"}) >= 20


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_each_hostile_body_yields_a_sane_result(recogniser: Recogniser, name: str) -> None:
    recognition = recogniser.recognise(ADVERSARIAL[name]())
    assert recognition.message_id == "<adversarial@example.org>"
    assert len(recognition.requests) <= 1
    for request in recognition.requests:
        assert request.requester.name.strip()
        assert request.note is None or len(request.note) <= 3000
    expected = DEFECTS.get(name)
    if expected is None:
        assert recognition.defect is None
    else:
        assert recognition.defect is not None and recognition.defect.startswith(expected)
    damaged = {r.damage is not None for r in recognition.requests}
    assert damaged <= {name in DAMAGED}


def test_the_greeting_bomb_is_read_as_the_request_it_claims_to_be(
    recogniser: Recogniser,
) -> None:
    [request] = recogniser.recognise(ADVERSARIAL["greeting bomb"]()).requests
    assert (request.network, request.requester.name, request.note) == (
        "linkedin",
        "Priya Raman",
        None,
    )


def test_a_recognition_over_its_time_budget_is_a_damaging_defect(
    recogniser: Recogniser,
) -> None:
    strict = Recogniser(
        recogniser.networks, trusted_authserv_ids=["mx.example.org"], time_budget_seconds=0.0
    )
    recognition = strict.recognise(ADVERSARIAL["greeting bomb"]())
    assert recognition.requests == []
    assert recognition.defect is not None
    assert recognition.defect.startswith("recognition over its time budget: ")
