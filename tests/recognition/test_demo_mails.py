"""The demo mailbox a newcomer sees first is read exactly right."""

from __future__ import annotations

from typing import Any

from introgate.config import Settings, Trust
from introgate.demo import AUTHSERV, demo_messages
from introgate.recognition import Recogniser


def summary(recogniser: Recogniser, raw: bytes) -> list[tuple[Any, ...]]:
    return [
        (r.network, r.kind, r.requester.name, r.note is not None, r.language, r.authenticated)
        for r in recogniser.recognise(raw).requests
    ]


def test_demo_mails_are_recognised() -> None:
    recogniser = Recogniser.load(Settings(trust=Trust(authserv_ids=[AUTHSERV])))
    found = {m.filename: summary(recogniser, m.message.as_bytes()) for m in demo_messages()}
    requests = {name: result for name, result in found.items() if result}
    assert requests == {
        "demo-02": [("linkedin", "connection_request", "Anna Schäfer", False, "de", True)],
        "demo-03": [("linkedin", "connection_request", "James O'Brien", False, "en", True)],
        "demo-04": [("linkedin", "connection_request", "Priya Raman", True, "en", True)],
        "demo-05": [("linkedin", "connection_request", "Jörg Müller", True, "de", True)],
        "demo-06": [("linkedin", "connection_request", "Maria Gonzalez", False, "en", True)],
        "demo-07": [("xing", "connection_request", "Katrin Weiß", False, "de", True)],
        "demo-08": [("xing", "connection_request", "Tom Becker", True, "en", True)],
        "demo-10": [("facebook", "friend_request", "Chris Miller", False, "en", True)],
        "demo-11": [("instagram", "follow_request", "Sam Lee", False, "en", True)],
        "demo-12": [("mastodon", "follow_request", "lena@norden.social", False, "de", True)],
        "demo-13": [("linkedin", "connection_request", "LinkedIn Security", False, "en", False)],
    }
