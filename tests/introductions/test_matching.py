"""A late message is matched to the right open request, or to none."""

from __future__ import annotations

from dataclasses import replace

from introgate.introductions.matching import MatchReason, OpenRequests, Sender
from introgate.state import RequestRecord, RequestState


def request(request_id: str, **changes: object) -> RequestRecord:
    record = RequestRecord(
        request_id=request_id,
        account="main",
        network="linkedin",
        requester="Anna Schmidt",
        folded_name="anna schmidt",
        profile_key=None,
        profile_url=None,
        address=None,
        note=None,
        source_folder="INBOX",
        source_key=request_id,
        notification_message_id=None,
        draft_id=None,
        state=RequestState.ASKED,
        requested_at="2026-11-01T09:00:00+00:00",
        asked_at=None,
        introduced_by=None,
        introduction=None,
        created_at="2026-11-01T09:00:00+00:00",
        updated_at="2026-11-01T09:00:00+00:00",
    )
    return replace(record, **changes)  # type: ignore[arg-type]


def matched(requests: list[RequestRecord], sender: Sender) -> tuple[list[str], str] | None:
    found = OpenRequests(requests).match(sender)
    return ([r.request_id for r in found.requests], found.reason.value) if found else None


ANNA = request("anna", profile_key="linkedin.com/in/anna-schmidt-1")
NAMESAKE = request("namesake", profile_key="linkedin.com/in/anna-schmidt-2")


def test_same_profile_on_the_same_network_matches_first() -> None:
    sender = Sender("linkedin", "linkedin.com/in/anna-schmidt-2", "anna schmidt")
    assert matched([ANNA, NAMESAKE], sender) == (["namesake"], MatchReason.PROFILE.value)


def test_a_namesake_on_another_profile_does_not_match() -> None:
    sender = Sender("linkedin", "linkedin.com/in/anna-schmidt-3", "anna schmidt")
    assert matched([ANNA], sender) is None


def test_same_full_name_on_the_same_network_matches_a_request_without_profile() -> None:
    plain = request("plain")
    assert matched([plain], Sender("linkedin", None, "anna schmidt")) == (
        ["plain"],
        MatchReason.NAME.value,
    )


def test_two_people_of_the_same_name_make_a_name_match_ambiguous() -> None:
    assert matched([ANNA, NAMESAKE], Sender("linkedin", None, "anna schmidt")) is None


def test_a_first_name_alone_never_matches() -> None:
    just_anna = request("just-anna", requester="Anna", folded_name="anna")
    assert matched([just_anna], Sender("linkedin", None, "anna")) is None


def test_a_name_never_matches_across_networks() -> None:
    assert matched([request("plain")], Sender("xing", None, "anna schmidt")) is None


def test_a_reminder_and_the_request_are_introduced_together() -> None:
    reminder = replace(ANNA, request_id="reminder", requested_at="2026-11-08T09:00:00+00:00")
    sender = Sender("linkedin", "linkedin.com/in/anna-schmidt-1", "anna schmidt")
    assert matched([reminder, ANNA], sender) == (["anna", "reminder"], MatchReason.PROFILE.value)


def test_an_email_reply_to_the_question_matches_by_its_references() -> None:
    asked = request("asked", draft_id="<introgate.abc@introgate.invalid>")
    sender = Sender(
        address="someone@example.org",
        references=("<other@x>", "<INTROGATE.abc@introgate.invalid>"),
    )
    assert matched([asked], sender) == (["asked"], MatchReason.REPLY.value)


def test_mail_from_the_known_address_matches_but_a_network_robot_does_not() -> None:
    known = request("known", address="anna@example.org")
    assert matched([known], Sender(address="Anna@Example.org")) == (
        ["known"],
        MatchReason.ADDRESS.value,
    )
    assert (
        matched([known], Sender(address="someone@example.org", folded_name="anna schmidt")) is None
    )
