"""Message notifications (a member's message after a request) are read from the network
files: writer, profile or handle, preview; look-alikes are neither messages nor requests."""

from __future__ import annotations

import pytest

from introgate.recognition import Recogniser
from tests.recognition.corpus import FIXTURES

MESSAGES = FIXTURES / "messages"

# file -> (network, name, profile URL, handle, start of the preview, language)
EXPECTED = {
    "linkedin-message-en-multipart": (
        "linkedin",
        "Priya Raman",
        "https://www.linkedin.com/comm/in/priya-raman",
        None,
        "Sorry for the bare request",
        "en",
    ),
    "linkedin-message-de-htmlonly": (
        "linkedin",
        "Jürgen Müller",
        "https://www.linkedin.com/comm/in/juergen-mueller",
        None,
        "Wir haben uns auf der Hannover Messe",
        "de",
    ),
    "linkedin-inmail-en-multipart": (
        "linkedin",
        "Tom Becker",
        "https://www.linkedin.com/comm/in/tom.becker",
        None,
        "I sent you a request last week",
        "en",
    ),
    "xing-message-de-multipart": (
        "xing",
        "Anna Schäfer",
        "https://www.xing.com/profile/Anna_Schaefer3",
        "Anna_Schaefer3",
        "Wir kennen uns vom Hackathon",
        "de",
    ),
    "xing-message-en-htmlonly": (
        "xing",
        "Zoë O'Connor",
        "https://www.xing.com/profile/Zoe_OConnor",
        "Zoe_OConnor",
        "We met at the Cologne barcamp",
        "en",
    ),
    "facebook-message-request-en-multipart": (
        "facebook",
        "Chris Miller",
        "https://www.facebook.com/profile.php?id=100001",
        None,
        "Hi Alex, I am the one who asked",
        "en",
    ),
    "facebook-messenger-de-htmlonly": (
        "facebook",
        "Maël Dupont",
        "https://www.facebook.com/profile.php?id=100002",
        None,
        "Hallo Alex, wir kennen uns aus dem Chor",
        "de",
    ),
    "instagram-message-request-en-htmlonly": (
        "instagram",
        "lena.koch",
        "https://www.instagram.com/lena.koch/",
        "lena.koch",
        None,
        "en",
    ),
    "instagram-message-request-de-multipart": (
        "instagram",
        "max.berg",
        "https://www.instagram.com/max.berg/",
        "max.berg",
        None,
        "de",
    ),
    "mastodon-direct-mention-en-multipart": (
        "mastodon",
        "carol@fosstodon.org",
        "https://fosstodon.org/@carol",
        "carol@fosstodon.org",
        "@alex hi! I followed you",
        "en",
    ),
    "mastodon-direct-mention-de-htmlonly": (
        "mastodon",
        "dieter",
        "https://chaos.social/@dieter",
        "dieter",
        "@alex Hallo, wir kennen uns vom Congress",
        "de",
    ),
}
LOOK_ALIKES = sorted(p.stem for p in MESSAGES.glob("not-*.eml"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_message_notification_names_its_writer_and_preview(
    recogniser: Recogniser, name: str
) -> None:
    recognition = recogniser.recognise((MESSAGES / f"{name}.eml").read_bytes())
    found = [
        (
            m.network,
            m.requester.name,
            m.requester.profile_url,
            m.requester.handle,
            m.note[: len(EXPECTED[name][4])] if m.note and EXPECTED[name][4] else None,
            m.language,
            m.kind,
            m.authenticated,
        )
        for m in recognition.messages
    ]
    assert (recognition.requests, found) == ([], [(*EXPECTED[name], "message", True)])


@pytest.mark.parametrize("name", LOOK_ALIKES)
def test_look_alike_is_neither_a_message_nor_a_request(recogniser: Recogniser, name: str) -> None:
    recognition = recogniser.recognise((MESSAGES / f"{name}.eml").read_bytes())
    assert (recognition.messages, recognition.requests) == ([], [])


def test_there_are_look_alikes_for_comments_mentions_group_posts_and_newsletters() -> None:
    assert LOOK_ALIKES == [
        "not-facebook-group-post",
        "not-instagram-mention-in-comment",
        "not-linkedin-comment",
        "not-linkedin-newsletter",
        "not-mastodon-boost-of-mention",
        "not-newsletter-about-messages",
        "not-xing-newsletter-message",
    ]


def test_a_forged_message_notification_is_not_authenticated(recogniser: Recogniser) -> None:
    raw = (MESSAGES / "linkedin-message-en-multipart.eml").read_bytes()
    forged = raw.replace(b"dkim=pass header.d=linkedin.com", b"dkim=fail header.d=linkedin.com")
    forged = forged.replace(b"dmarc=pass", b"dmarc=fail")
    assert [m.authenticated for m in recogniser.recognise(forged).messages] == [False]
