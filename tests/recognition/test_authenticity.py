"""Only the user's own server is believed, and only a pass for the network's own domain."""

from __future__ import annotations

import pytest

from introgate.recognition.authenticity import authenticate

TRUSTED = frozenset({"mx.example.org"})
LINKEDIN = ("linkedin.com",)


def headers(*pairs: tuple[str, str]) -> list[tuple[str, str]]:
    return list(pairs)


def results(value: str) -> tuple[str, str]:
    return ("Authentication-Results", value)


RECEIVED = ("Received", "from sender.example by mx.example.org; Tue, 10 Nov 2026 08:00:00 +0000")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("mx.example.org; dkim=pass header.d=linkedin.com", True),
        ("mx.example.org; dkim=pass header.d=mailb.linkedin.com", True),
        ("MX.Example.ORG; dmarc=pass (p=reject) header.from=linkedin.com", True),
        (
            "mx.example.org; dkim=fail header.d=linkedin.com; dmarc=fail header.from=linkedin.com",
            False,
        ),
        ("mx.example.org; dkim=pass header.d=linkedin.com.attacker.example", False),
        ("mx.example.org; dkim=pass header.d=notlinkedin.com", False),
        ("mx.example.org; dkim=pass header.d=attacker.example; dmarc=none", False),
        ("mx.example.org; spf=pass smtp.mailfrom=linkedin.com", False),
        ("mx.example.org; none", False),
        ("mx.attacker.example; dkim=pass header.d=linkedin.com", None),
        ("mx.example.org.attacker.example; dkim=pass header.d=linkedin.com", None),
    ],
)
def test_one_header(value: str, expected: bool | None) -> None:
    assert authenticate(headers(results(value), RECEIVED), TRUSTED, LINKEDIN) is expected


def test_no_results_at_all_is_unknown() -> None:
    assert authenticate(headers(RECEIVED), TRUSTED, LINKEDIN) is None


def test_no_trusted_ids_configured_means_nothing_is_believed() -> None:
    value = "mx.example.org; dkim=pass header.d=linkedin.com"
    assert authenticate(headers(results(value)), frozenset(), LINKEDIN) is None


def test_a_forged_pass_below_our_servers_hop_is_ignored() -> None:
    ours = results("mx.example.org; dkim=fail header.d=linkedin.com")
    forged = results("mx.example.org; dkim=pass header.d=linkedin.com")
    assert authenticate(headers(ours, RECEIVED, forged), TRUSTED, LINKEDIN) is False


def test_a_forged_pass_next_to_our_none_is_not_believed() -> None:
    ours = results("mx.example.org; dkim=none; dmarc=fail header.from=linkedin.com")
    forged = results("mx.example.org; dkim=pass header.d=linkedin.com")
    assert authenticate(headers(RECEIVED, ours, forged), TRUSTED, LINKEDIN) is False
    empty = results("mx.example.org; none")
    assert authenticate(headers(RECEIVED, empty, forged), TRUSTED, LINKEDIN) is False


def test_a_failed_signature_of_an_unrelated_domain_does_not_spoil_a_pass() -> None:
    value = "mx.example.org; dkim=pass header.d=linkedin.com; dkim=fail header.d=esp.example"
    assert authenticate(headers(results(value)), TRUSTED, LINKEDIN) is True


def test_untrusted_headers_above_ours_are_skipped() -> None:
    relay = results("relay.example; dkim=pass header.d=linkedin.com")
    ours = results("mx.example.org; dkim=fail header.d=linkedin.com")
    assert authenticate(headers(relay, ours, RECEIVED), TRUSTED, LINKEDIN) is False


def test_garbage_header_is_not_believed_and_does_not_raise() -> None:
    assert authenticate(headers(results("mx.example.org; ((((; dkim=")), TRUSTED, LINKEDIN) in (
        None,
        False,
    )


def test_federated_server_domain_accepts_its_parent_signing_domain() -> None:
    value = "mx.example.org; dkim=pass header.d=example.net"
    assert authenticate(headers(results(value)), TRUSTED, ("social.example.net",)) is True
