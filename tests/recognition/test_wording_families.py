"""The wordings each network has used over the years, German and English, and their
look-alikes: a request's subject is recognised with the name taken from it, a
non-request's subject never makes a request, whoever at the network sent it.

Each case puts one subject into a real-shaped request from a sender no network file
names; the body stays a request's, so only the subject decides between the two.
"""

from __future__ import annotations

import re
from email.header import Header

import pytest

from introgate.recognition import Recogniser
from tests.recognition.corpus import FIXTURES

# a request whose body names nobody (the name comes from the subject, or nowhere)
BASES = {
    "linkedin": "linkedin/senders-de-name-only-in-subject.eml",
    "facebook": "facebook/senders-en-name-only-in-subject.eml",
    "xing": "xing/senders-de-kontakte-sender.eml",
}

REQUESTS = [
    ("linkedin", "Anna Schmidt wants to connect", "Anna Schmidt"),
    ("linkedin", "Reminder: Anna Schmidt wants to connect", "Anna Schmidt"),
    ("linkedin", "Anna Schmidt has invited you to connect", "Anna Schmidt"),
    ("linkedin", "Invitation from Anna Schmidt", "Anna Schmidt"),
    ("linkedin", "Pending invitation from Anna Schmidt", "Anna Schmidt"),
    ("linkedin", "Anna Schmidt is waiting for your response", "Anna Schmidt"),
    ("linkedin", "Anna Schmidt möchte sich mit Ihnen vernetzen", "Anna Schmidt"),
    ("linkedin", "Erinnerung: Anna Schmidt möchte sich mit dir vernetzen", "Anna Schmidt"),
    ("linkedin", "Anna Schmidt hat Sie eingeladen, sich zu vernetzen", "Anna Schmidt"),
    ("linkedin", "Einladung von Anna Schmidt", "Anna Schmidt"),
    ("linkedin", "Anna Schmidt wartet auf Ihre Antwort", "Anna Schmidt"),
    ("facebook", "Chris Miller wants to be friends on Facebook", "Chris Miller"),
    ("facebook", "Chris Miller sent you a friend request", "Chris Miller"),
    ("facebook", "Friend request from Chris Miller", "Chris Miller"),
    ("facebook", "Chris Miller added you as a friend on Facebook", "Chris Miller"),
    ("facebook", "Chris Miller möchte mit dir auf Facebook befreundet sein", "Chris Miller"),
    ("facebook", "Chris Miller hat dir eine Freundschaftsanfrage gesendet", "Chris Miller"),
    ("facebook", "Chris Miller hat dich als Freund hinzugefügt", "Chris Miller"),
    ("xing", "Lea Hoffmann möchte Sie als Kontakt hinzufügen", "Lea Hoffmann"),
    ("xing", "Kontaktanfrage von Lea Hoffmann", "Lea Hoffmann"),
    ("xing", "Lea Hoffmann hat Ihnen eine Kontaktanfrage geschickt", "Lea Hoffmann"),
    ("xing", "Lea Hoffmann wants to add you as a contact", "Lea Hoffmann"),
    ("xing", "Contact request from Lea Hoffmann", "Lea Hoffmann"),
    ("xing", "Lea Hoffmann sent you a contact request", "Lea Hoffmann"),
]

LOOK_ALIKES = [
    ("linkedin", "Anna Schmidt accepted your invitation"),
    ("linkedin", "Anna Schmidt hat Ihre Einladung angenommen"),
    ("linkedin", "Alex, do you know Anna Schmidt?"),
    ("linkedin", "Kennen Sie Anna Schmidt?"),
    ("linkedin", "Personen, die Sie vielleicht kennen: Anna Schmidt"),
    ("linkedin", "Anna Schmidt invited you to follow Contoso"),
    ("linkedin", "Invitation to join the group Cloud Architects"),
    ("linkedin", "Anna Schmidt commented on your post"),
    ("linkedin", "Your weekly network update: 3 invitations to connect"),
    ("facebook", "Chris Miller accepted your friend request"),
    ("facebook", "Do you know Chris Miller?"),
    ("facebook", "Kennst du Chris Miller?"),
    ("facebook", "You have 12 friend requests and 3 new notifications"),
    ("facebook", "Chris Miller commented on your post"),
    ("xing", "Lea Hoffmann hat Ihre Kontaktanfrage bestätigt"),
    ("xing", "Lea Hoffmann accepted your contact request"),
    ("xing", "Die Woche auf XING: Kontaktanfragen richtig beantworten"),
    ("xing", "Neuigkeiten aus Ihrem Netzwerk"),
]


def with_subject(relative: str, subject: str) -> bytes:
    """The fixture with its (possibly folded) Subject replaced, RFC 2047 encoded if needed."""
    raw = (FIXTURES / relative).read_bytes()
    value = subject if subject.isascii() else Header(subject, "utf-8").encode()
    changed, count = re.subn(
        rb"(?m)^Subject: .*(?:\r?\n[ \t].*)*$",
        lambda _: b"Subject: " + value.encode(),
        raw,
        count=1,
    )
    assert count == 1
    return changed


@pytest.mark.parametrize(("network", "subject", "name"), REQUESTS, ids=lambda v: str(v)[:40])
def test_each_request_wording_is_a_request_named_from_the_subject(
    recogniser: Recogniser, network: str, subject: str, name: str
) -> None:
    raw = with_subject(BASES[network], subject)
    [request] = recogniser.recognise(raw).requests
    assert (request.network, request.requester.name) == (network, name)


@pytest.mark.parametrize(("network", "subject"), LOOK_ALIKES, ids=lambda v: str(v)[:40])
def test_each_look_alike_wording_stays_a_non_request(
    recogniser: Recogniser, network: str, subject: str
) -> None:
    recognition = recogniser.recognise(with_subject(BASES[network], subject))
    assert recognition.requests == []
    assert recognition.reading is not None and recognition.reading.outcome == "not_request"
