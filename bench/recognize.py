"""Recognition throughput on one core: ``python bench/recognize.py [--seconds N]``.

Measures what a pass does per message: header facts (``facts_from_headers`` on the
header block), the ``is_candidate`` check, and full ``recognise`` for candidates.
(a) a mailbox of 98% ordinary mail and 2% notifications; (b) notifications only.
Targets (issue 3): (a) >= 10,000 msg/s, (b) >= 1,000 msg/s. Numbers are printed, never
asserted. Also prints the cost of the header parse alone, which is not recognition's.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from email.parser import BytesHeaderParser
from email.policy import compat32
from pathlib import Path

from introgate.config import Settings, Trust
from introgate.facts import facts_from_headers
from introgate.recognition import Recogniser

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
NETWORKS = ("linkedin", "xing", "facebook", "instagram", "mastodon", "twitter")


def ordinary_mail(index: int, rng: random.Random) -> bytes:
    """A realistic ordinary message: trace headers, DKIM signature, a short body."""
    domain = rng.choice(["example.org", "kunde.example", "mail.example.net", "lists.example.com"])
    sender = rng.choice(["jana.kuehn", "sofia", "billing", "team", "noreply", "bob"])
    list_header = f"List-ID: <dev.{domain}>\r\n" if index % 7 == 0 else ""
    return (
        f"Return-Path: <{sender}@{domain}>\r\n"
        f"Delivered-To: alex@example.org\r\n"
        f"Received: from mx.{domain} (mx.{domain} [198.51.100.{index % 250}]) by mx.example.org "
        f"(Postfix) with ESMTPS id 4Q{index}; Tue, 10 Nov 2026 08:00:00 +0000\r\n"
        f"Authentication-Results: mx.example.org; dkim=pass header.d={domain} header.s=s1;\r\n"
        f" spf=pass smtp.mailfrom={domain}; dmarc=pass header.from={domain}\r\n"
        f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={domain}; s=s1;\r\n"
        f" h=from:to:subject:date:message-id; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n"
        f" b=dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZSBidXQgaXQgaXMgYXMgbG9uZyBhcyBvbmU=\r\n"
        f"From: =?utf-8?q?J=C3=BCrgen_{index}?= <{sender}@{domain}>\r\n"
        f"To: Alex Beispiel <alex@example.org>\r\n"
        f"Subject: Re: Angebot Workshop Q{index % 4 + 1} =?utf-8?q?f=C3=BCr?= Sie\r\n"
        f"Date: Tue, 10 Nov 2026 09:{index % 60:02d}:00 +0100\r\n"
        f"Message-ID: <{index}.{rng.random()}@{domain}>\r\n"
        f"{list_header}"
        f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: 8bit\r\n\r\n"
        + "Hallo Alex,\r\n\r\nanbei die Unterlagen.\r\n\r\nViele Grüße\r\n"
        * 5
    ).encode()


def notifications() -> list[bytes]:
    mails: list[bytes] = []
    for network in NETWORKS:
        mails.extend(p.read_bytes() for p in sorted((FIXTURES / network).glob("*.eml")))
    return mails


def header_block(raw: bytes) -> bytes:
    for separator in (b"\r\n\r\n", b"\n\n"):
        end = raw.find(separator)
        if end >= 0:
            return raw[: end + len(separator)]
    return raw


def run(
    mails: list[bytes], recogniser: Recogniser, seconds: float, parse: Callable[[bytes], object]
) -> float:
    count = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for raw in mails:
            headers = parse(header_block(raw))
            if recogniser.is_candidate(headers):  # type: ignore[arg-type]
                recogniser.recognise(raw)
        count += len(mails)
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    args = parser.parse_args()
    recogniser = Recogniser.load(Settings(trust=Trust(authserv_ids=["mx.example.org"])))
    rng = random.Random(8)
    found = notifications()
    ordinary = [ordinary_mail(i, rng) for i in range(2450)]
    mixed = ordinary + [found[i % len(found)] for i in range(50)]
    rng.shuffle(mixed)

    def facts(block: bytes) -> object:
        return facts_from_headers(None, block).headers

    def compat(block: bytes) -> object:
        return BytesHeaderParser(policy=compat32).parsebytes(block)

    print(
        f"mailbox: {len(ordinary)} ordinary + 50 notifications; {len(found)} distinct notifications"
    )
    a = run(mixed, recogniser, args.seconds, facts)
    print(f"(a) 98% ordinary / 2% notifications, with facts_from_headers: {a:10,.0f} msg/s")
    print("    (target 10,000)")
    b = run(found, recogniser, args.seconds, facts)
    print(f"(b) notifications only, with facts_from_headers:             {b:10,.0f} msg/s")
    print("    (target 1,000)")
    only_facts = len(mixed) / max(1e-9, _time(lambda: [facts(header_block(m)) for m in mixed]))
    print(f"    facts_from_headers alone (no recognition):              {only_facts:10,.0f} msg/s")
    a32 = run(mixed, recogniser, args.seconds, compat)
    print(f"(a') same mailbox, header parse with policy compat32:        {a32:10,.0f} msg/s")
    b32 = run(found, recogniser, args.seconds, compat)
    print(f"(b') notifications only, header parse with policy compat32:  {b32:10,.0f} msg/s")
    recognise_only = len(found) * 3 / _time(lambda: [recogniser.recognise(m) for m in found * 3])
    print(f"    recognise() alone on notifications:              {recognise_only:10,.0f} msg/s")
    candidates = [compat(header_block(m)) for m in mixed]
    started = time.perf_counter()
    rounds = 0
    while time.perf_counter() - started < args.seconds:
        for headers in candidates:
            recogniser.is_candidate(headers)  # type: ignore[arg-type]
        rounds += 1
    per_check = (time.perf_counter() - started) / (rounds * len(candidates)) * 1e6
    print(f"    is_candidate alone: {per_check:.2f} µs per message")


def _time(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
