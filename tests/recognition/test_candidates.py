"""The header-only check that spares ordinary mail a full parse."""

from __future__ import annotations

import pytest

from introgate.facts import facts_from_headers
from introgate.recognition import Recogniser
from tests.recognition.corpus import FIXTURES, header_block


def candidate(recogniser: Recogniser, block: bytes) -> bool:
    return recogniser.is_candidate(facts_from_headers(None, block).headers)


@pytest.mark.parametrize(
    "relative",
    [
        "other/ordinary-mail.eml",
        "other/personal-mail-about-request.eml",
        "other/forwarded-invitation.eml",
        "other/newsletter-about-networks.eml",
        "other/spoof-lookalike-linkedin.eml",
        "other/spoof-suffix-lookalike-linkedin.eml",
        "other/spoof-display-name-linkedin.eml",
        "other/linkedin-job-alert.eml",
        "other/facebook-feed-comment.eml",
        "other/xing-newsletter.eml",
        "other/twitter-mention.eml",
        "other/instagram-like.eml",
    ],
)
def test_mail_that_cannot_be_a_request_is_rejected_from_headers(
    recogniser: Recogniser, relative: str
) -> None:
    raw = (FIXTURES / relative).read_bytes()
    assert not candidate(recogniser, header_block(raw))


@pytest.mark.parametrize(
    "relative", ["other/linkedin-member-message.eml", "other/mastodon-mention.eml"]
)
def test_a_message_notification_is_read_in_full_to_look_for_an_introduction(
    recogniser: Recogniser, relative: str
) -> None:
    raw = (FIXTURES / relative).read_bytes()
    assert candidate(recogniser, header_block(raw))
    assert recogniser.recognise(raw).requests == []


def test_ordinary_mailing_list_mail_is_not_a_candidate(recogniser: Recogniser) -> None:
    block = (
        b"From: Dev List <dev@lists.example.org>\nList-ID: <dev.lists.example.org>\n"
        b"Subject: [dev] release\n\n"
    )
    assert not candidate(recogniser, block)


def test_mastodon_is_recognised_on_any_server_by_its_list_id(recogniser: Recogniser) -> None:
    block = b"From: notifications@tiny.example\nList-ID: <follow.alex.tiny.example>\n\n"
    assert candidate(recogniser, block)
