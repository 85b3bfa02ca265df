"""A network changes its mails half-way through a mailbox: introgate says so.

Eight LinkedIn invitations over seven weeks, then LinkedIn's new format: a renamed
template, new wording, new links. The new mails are no request, no message and no known
non-request of the network file, so ``introgate status`` counts them per network with the
newest examples, reports that no request came for 20 days after a steady stream, the
daemon logs the same once a day, and ``introgate explain`` lists the signals found and
missing. Facebook goes on as before and is not reported.
"""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from introgate.backends.maildir import MaildirBackend
from introgate.config import load_settings
from introgate.drift import drift_report, silence_of
from introgate.scheduling.daemon import Daemon
from introgate.state import SqliteStore
from tests.recognition.corpus import FIXTURES

NOW = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
OLD_FORMAT = FIXTURES / "linkedin" / "senders-en-notifications-noreply.eml"
FACEBOOK = FIXTURES / "facebook" / "senders-en-friends-sender.eml"
OLD_DAYS = (60, 53, 46, 40, 33, 27, 22, 20)
NEW_DAYS = (18, 15, 11, 8, 4, 1)
NEW_NAMES = ("Ole Berg", "Ida Lind", "Noah Wolf", "Mia Roth", "Ben Kraus", "Eva Stein")


def dated(raw: bytes, days_ago: int, number: int) -> bytes:
    when = format_datetime(NOW - timedelta(days=days_ago)).encode()
    raw = re.sub(rb"(?m)^Date: .*$", b"Date: " + when, raw, count=1)
    return re.sub(
        rb"(?m)^Message-ID: .*$",
        f"Message-ID: <{number}.{days_ago}@drift.example>".encode(),
        raw,
        count=1,
    )


def new_format(name: str, days_ago: int, number: int) -> bytes:
    """LinkedIn's imagined next format: nothing the network file knows."""
    vanity = name.lower().replace(" ", "-")
    return (
        "Authentication-Results: mx.demo.example; dkim=pass header.d=linkedin.com; "
        "dmarc=pass header.from=linkedin.com\n"
        f"From: {name} via LinkedIn <grow-noreply@mail.linkedin.com>\n"
        "To: Alex Beispiel <alex@example.org>\n"
        f"Subject: {name} is interested in your network\n"
        f"Date: {format_datetime(NOW - timedelta(days=days_ago))}\n"
        f"Message-ID: <{number}.{days_ago}@drift.example>\n"
        "X-LinkedIn-Template: email_grow_network_invite_v10\n"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"
        f"Hi Alex,\n\n{name} is interested in your network.\n\n"
        f"See {name}: https://www.linkedin.com/comm/in/{vanity}\n"
        f"Respond: https://www.linkedin.com/comm/mynetwork/grow/respond?inv=88{number}\n"
    ).encode()


@pytest.fixture
def drifted(maildir: MaildirBackend, write_config: Callable[..., Path]) -> Path:
    """The mailbox, after one `introgate run --once`."""
    config = write_config()
    inbox = maildir.root / "new"
    number = 0
    for days_ago in OLD_DAYS:
        number += 1
        (inbox / f"old-{number:02d}").write_bytes(dated(OLD_FORMAT.read_bytes(), days_ago, number))
    for days_ago, name in zip(NEW_DAYS, NEW_NAMES, strict=True):
        number += 1
        (inbox / f"new-{number:02d}").write_bytes(new_format(name, days_ago, number))
    for days_ago in (30, 9, 2):
        number += 1
        (inbox / f"fb-{number:02d}").write_bytes(dated(FACEBOOK.read_bytes(), days_ago, number))
    result = run_cli("run", "--once", "--config", str(config))
    assert result.returncode == 0, result.stderr
    return config


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "introgate", *args],
        capture_output=True,
        text=True,
        env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"},
        check=False,
    )


def test_status_reports_the_network_whose_mails_changed(drifted: Path) -> None:
    result = run_cli("status", "--config", str(drifted))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    start = lines.index("recognition: mail the network files may no longer describe")
    report = lines[start + 1 :]
    day = lambda ago: (NOW - timedelta(days=ago)).date().isoformat()  # noqa: E731
    assert report[0] == "  linkedin: 6 mails not understood in 30 days"
    assert report[1:4] == [
        f"    {day(1)} INBOX/new-14 'Eva Stein is interested in your network'",
        f"    {day(4)} INBOX/new-13 'Ben Kraus is interested in your network'",
        f"    {day(8)} INBOX/new-12 'Mia Roth is interested in your network'",
    ]
    assert report[4] == (
        f"  linkedin: no request for 20 days (last {day(20)}; 8 in the 8 weeks before)"
    )
    assert not any("facebook" in line for line in report)
    assert all(len(line) <= 80 for line in report)


def test_explain_lists_the_signals_found_and_missing(
    drifted: Path, maildir: MaildirBackend
) -> None:
    [mail] = list(maildir.folder_path("INBOX").glob("*/new-14*"))
    result = run_cli("explain", "--config", str(drifted), str(mail))
    assert result.returncode == 0, result.stderr
    assert (
        "recognition: linkedin mail, NOT UNDERSTOOD (what is missing says why)\n"
        "  found:   sender at mail.linkedin.com, a LinkedIn domain\n"
        "  missing: header x-linkedin-template: 'email_grow_network_invite_v10' names no kind "
        "the file knows\n"
        "  missing: subject 'Eva Stein is interested in your network': no request, message or "
        "non-request phrase\n"
        "  missing: body: no request, message or non-request phrase\n"
    ) in result.stdout


def test_the_daemon_logs_the_report_once_a_day(
    drifted: Path, caplog: pytest.LogCaptureFixture
) -> None:
    daemon = Daemon(drifted, load_settings(drifted))
    with caplog.at_level(logging.WARNING, logger="introgate"):
        daemon.report_recognition_drift()
    day = lambda ago: (NOW - timedelta(days=ago)).date().isoformat()  # noqa: E731
    assert [r.getMessage() for r in caplog.records] == [
        f"recognition: linkedin: 6 mails not understood in 30 days, newest {day(1)} "
        "INBOX/new-14 'Eva Stein is interested in your network'; no request for 20 days (last "
        f"{day(20)}; 8 in the 8 weeks before) (see introgate status and explain)"
    ]


def test_a_stream_that_never_was_steady_is_not_reported() -> None:
    today = NOW.date()
    few = [today - timedelta(days=d) for d in (40, 30, 20)]
    assert silence_of(few, today) is None  # three requests are no stream
    bunched = [today - timedelta(days=d) for d in (21, 20, 20, 19, 18)]
    assert silence_of(bunched, today) is None  # one week's worth is no stream
    steady = [today - timedelta(days=d) for d in (40, 33, 26, 20)]
    assert silence_of(steady, today) is not None
    assert silence_of(steady, today - timedelta(days=7)) is None  # only 13 quiet days


def test_not_understood_mail_older_than_30_days_is_no_longer_reported(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "state.sqlite3") as store:
        log = store.recognition
        log.record_not_understood("a", "xing", "INBOX/1", "old", NOW - timedelta(days=40))
        log.record_not_understood("a", "xing", "INBOX/2", "new", NOW - timedelta(days=2))
        log.record_not_understood("a", "xing", "INBOX/2", "new", NOW - timedelta(days=2))
        [drift] = drift_report(log, NOW.date())
    assert (drift.network, drift.not_understood) == ("xing", 1)
    assert [e.subject for e in drift.examples] == ["new"]
