"""A realistic INBOX for the IMAP benchmarks, written straight into a Maildir.

Writing files is the fastest way to a 50,000-message mailbox (Dovecot indexes them on the
next SELECT). The mix is fixed by a seed so every tool and every run reads the same mail:

- ``REQUEST_SHARE`` (2 %) contact requests from the shipped networks, each from a
  different person, a third of them with a personal note, English and German;
- ``OTHER_NOTIFICATION_SHARE`` (1 %) network mail that is not a request (LinkedIn job
  alerts), from the same domains, which a filter must leave alone;
- the rest ordinary mail with the trace, DKIM and Authentication-Results headers a real
  server adds, every seventh from a mailing list, one in thirty with a 20 KB attachment.
"""

from __future__ import annotations

import base64
import os
import random
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from introgate.demo import (
    AUTHSERV,
    facebook_friend_request,
    instagram_follow_request,
    linkedin_invitation,
    linkedin_job_alert,
    mastodon_follow_request,
    xing_request,
)

REQUEST_SHARE = 0.02
OTHER_NOTIFICATION_SHARE = 0.01
SEED = 16

# The senders of requests, per network: what a From-matching filter (imapfilter) looks for.
REQUEST_SENDERS = (
    "invitations@linkedin.com",
    "mailrobot@mail.xing.com",
    "@facebookmail.com",
    "no-reply@mail.instagram.com",
    "notifications@chaos.social",
)

FIRST = ("Jana", "Lukas", "Sofia", "Maximilian", "Aylin", "Jonas", "Mia", "Noah", "Lea", "Emre")
LAST = ("Kühn", "Schmidt", "Novak", "Weber", "Yilmaz", "Fischer", "Rossi", "Meyer", "Wagner")
NOTES = (
    "Hi Alex, we met at the Cloud Summit in Berlin - would love to stay in touch.",
    "Hallo Alex, Jana Kühn hat mir Ihren Namen gegeben, es geht um das Workshop-Angebot.",
    "Hello, I read your article on mail automation and have a question about it.",
)
HEADLINES = ("Consultant", "Recruiter at Talent GmbH", "Founder", "Solution Architect", "CTO")


@dataclass(frozen=True)
class MailboxMix:
    """How many messages of each kind a built mailbox holds."""

    total: int
    requests: int
    other_notifications: int

    @property
    def ordinary(self) -> int:
        return self.total - self.requests - self.other_notifications

    def describe(self) -> str:
        return (
            f"{self.total:,} messages: {self.requests:,} contact requests "
            f"({self.requests / self.total:.0%}), {self.other_notifications:,} other network "
            f"mail (job alerts), {self.ordinary:,} ordinary"
        )


def _request(n: int, rng: random.Random) -> EmailMessage:
    """A request from a different person for every ``n``, spread over the networks."""
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}{n}"
    handle = f"bench-person-{n}"
    note = rng.choice(NOTES) if n % 3 == 0 else None
    language = "de" if n % 2 else "en"
    minutes_ago = rng.randint(60, 60 * 24 * 90)
    pick = rng.random()
    if pick < 0.6:
        return linkedin_invitation(
            name,
            handle,
            rng.choice(HEADLINES),
            language=language,
            note=note,
            mutual=rng.choice((None, 3, 12)),
            minutes_ago=minutes_ago,
        )
    if pick < 0.8:
        return xing_request(name, handle, language=language, note=note, minutes_ago=minutes_ago)
    if pick < 0.9:
        return facebook_friend_request(
            name, f"1000{n}", mutual=rng.randint(0, 40), minutes_ago=minutes_ago
        )
    if pick < 0.95:
        return instagram_follow_request(name, handle, minutes_ago=minutes_ago)
    return mastodon_follow_request(
        f"@{handle}@mastodon.example", f"https://mastodon.example/@{handle}", minutes_ago
    )


def _attachment(rng: random.Random) -> str:
    data = base64.encodebytes(rng.randbytes(15_000)).decode().replace("\n", "\r\n")
    return (
        "--b1\r\nContent-Type: application/pdf; name=Angebot.pdf\r\n"
        "Content-Disposition: attachment; filename=Angebot.pdf\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{data}--b1--\r\n"
    )


def _ordinary(n: int, rng: random.Random, date: str) -> bytes:
    """Ordinary mail as a real server stores it (a template: EmailMessage is too slow)."""
    domain = rng.choice(["example.org", "kunde.example", "mail.example.net", "lists.example.com"])
    sender = rng.choice(["jana.kuehn", "sofia", "billing", "team", "noreply", "bob"])
    list_header = f"List-ID: <dev.{domain}>\r\nPrecedence: list\r\n" if n % 7 == 0 else ""
    text = "Hallo Alex,\r\n\r\nanbei die Unterlagen zum Termin.\r\n\r\nViele Grüße\r\n" * (
        1 + n % 8
    )
    if n % 30 == 0:
        content = 'Content-Type: multipart/mixed; boundary="b1"\r\n'
        body = (
            "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Transfer-Encoding: 8bit\r\n\r\n{text}" + _attachment(rng)
        )
    else:
        content = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
        body = text
    return (
        f"Return-Path: <{sender}@{domain}>\r\n"
        "Delivered-To: alex@example.org\r\n"
        f"Received: from mx.{domain} (mx.{domain} [198.51.100.{n % 250}]) by {AUTHSERV} "
        f"(Postfix) with ESMTPS id 4Q{n}; {date}\r\n"
        f"Authentication-Results: {AUTHSERV}; dkim=pass header.d={domain} header.s=s1;\r\n"
        f" spf=pass smtp.mailfrom={domain}; dmarc=pass header.from={domain}\r\n"
        f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={domain}; s=s1;\r\n"
        " h=from:to:subject:date:message-id; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n"
        " b=dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZSBidXQgaXQgaXMgYXMgbG9uZyBhcyBvbmU=\r\n"
        f"From: =?utf-8?q?J=C3=BCrgen_{n}?= <{sender}@{domain}>\r\n"
        "To: Alex Beispiel <alex@example.org>\r\n"
        f"Subject: Re: Angebot Workshop Q{n % 4 + 1} =?utf-8?q?f=C3=BCr?= Sie\r\n"
        f"Date: {date}\r\n"
        f"Message-ID: <bench-{n}.{rng.getrandbits(32)}@{domain}>\r\n"
        f"{list_header}MIME-Version: 1.0\r\n{content}\r\n{body}"
    ).encode()


def build_inbox(maildir: Path, size: int, *, seed: int = SEED) -> MailboxMix:
    """Write ``size`` messages into ``maildir``/cur, oldest first, spread over 90 days."""
    rng = random.Random(seed)
    cur = maildir / "cur"
    cur.mkdir(parents=True, exist_ok=True)
    requests = round(size * REQUEST_SHARE)
    others = round(size * OTHER_NOTIFICATION_SHARE)
    kinds = ["request"] * requests + ["other"] * others
    kinds += ["ordinary"] * (size - len(kinds))
    rng.shuffle(kinds)
    now = time.time()
    span = 90 * 24 * 3600
    for n, kind in enumerate(kinds):
        stamp = now - span + span * n / max(1, size)
        date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(stamp))
        if kind == "request":
            raw = _request(n, rng).as_bytes()
            flags = ""  # unread, as a fresh notification
        elif kind == "other":
            raw = linkedin_job_alert().as_bytes()
            flags = "S"
        else:
            raw = _ordinary(n, rng, date)
            flags = "S"
        path = cur / f"{int(stamp)}.M{n}P{os.getpid()}.bench:2,{flags}"
        path.write_bytes(raw)
        os.utime(path, (stamp, stamp))  # Dovecot's INTERNALDATE for a Maildir file
    return MailboxMix(total=size, requests=requests, other_notifications=others)
