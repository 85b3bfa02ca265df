"""Is a notification really from its network? Read from Authentication-Results (RFC 8601).

Only results written by the user's own receiving server count (its authserv-ids are
configured): any other header was written by someone else and may be a lie. The
receiving server prepends its results, so the trusted block is the first run of trusted
headers from the top, ending at the next ``Received`` header; a trusted-looking header
further down came with the message and is ignored. If the trusted block contradicts
itself (a pass next to a fail or none for the same method), someone forged part of it,
and the answer is ``False``.
"""

from __future__ import annotations

import logging

import authres

from introgate.recognition.network import domain_within

log = logging.getLogger("introgate.recognition")

_METHODS = ("dkim", "dmarc")


def _parent_ok(domain: str, own: str) -> bool:
    """A signing domain that is a parent of the network's server domain (relaxed alignment)."""
    return own.endswith("." + domain) and domain.count(".") >= 1


def _result_domain(result: object) -> str | None:
    method = getattr(result, "method", "")
    wanted = "d" if method == "dkim" else "from"
    for prop in getattr(result, "properties", []) or []:
        if getattr(prop, "type", "") == "header" and getattr(prop, "name", "") == wanted:
            value = str(getattr(prop, "value", "")).strip().lower()
            return value.rpartition("@")[2] or None
    return None


def authenticate(
    raw_headers: list[tuple[str, str]], trusted_ids: frozenset[str], own_domains: tuple[str, ...]
) -> bool | None:
    """True/False/None exactly as the contract says; never raises."""
    if not own_domains:
        return False
    results: list[object] = []
    empty_header = False  # a trusted "none": our server found nothing to verify
    in_block = False
    for name, value in raw_headers:
        lowered = name.lower()
        if in_block and lowered == "received":
            break
        if lowered != "authentication-results":
            continue
        if not in_block and not any(t in value.lower() for t in trusted_ids):
            continue  # cannot be ours: the id is not even in it (and parsing is costly)
        try:
            parsed = authres.AuthenticationResultsHeader.parse_value(" ".join(value.split()))
        except Exception:  # noqa: BLE001 - unparsable: cannot be trusted, and is not
            if in_block:
                return False  # a broken header inside our own server's block: be safe
            continue
        authserv = str(getattr(parsed, "authserv_id", "")).strip().lower()
        if authserv not in trusted_ids:
            continue
        in_block = True
        results.extend(parsed.results)
        empty_header = empty_header or not parsed.results
    if not in_block:
        return None
    passed = False
    for result in results:
        method = str(getattr(result, "method", "")).lower()
        if method not in _METHODS:
            continue
        outcome = str(getattr(result, "result", "")).lower()
        domain = _result_domain(result)
        ours = domain is not None and (
            domain_within(domain, own_domains) or any(_parent_ok(domain, o) for o in own_domains)
        )
        if outcome == "pass" and ours:
            passed = True
    if not passed:
        return False
    if empty_header:
        log.info("a trusted 'none' result next to a pass: treating as not passed")
        return False
    for result in results:
        method = str(getattr(result, "method", "")).lower()
        outcome = str(getattr(result, "result", "")).lower()
        domain = _result_domain(result)
        contradicts = (method == "dkim" and outcome != "pass") or (
            method == "dmarc" and outcome == "fail"
        )
        # a failed signature of an unrelated domain is normal; a non-pass about the
        # network's own domain (or about no domain at all) contradicts the pass
        if contradicts and (domain is None or domain_within(domain, own_domains)):
            log.info("authentication results contradict each other: treating as not passed")
            return False
    return True
